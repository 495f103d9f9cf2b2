"""What a cmi5 launch token may do (lrs.models.LaunchToken): write statements of its own
actor, registration and AU only; read and write the documents of its AU and actor only; never
read statements. A statement outside its launch is refused with 403, as a credential's
missing right is."""

from __future__ import annotations

from typing import Any

from ..models import LaunchToken
from .errors import XapiError
from .keys import ifi_key


def of(credential: Any) -> LaunchToken | None:
    """The launch a credential stands for (None for a partner's key or token)."""
    return getattr(credential, "launch", None)


def _names_au(stmt: dict[str, Any], au: str) -> bool:
    obj = stmt.get("object")
    if isinstance(obj, dict) and obj.get("objectType", "Activity") == "Activity" and obj.get("id") == au:
        return True
    ctx = stmt.get("context")
    acts = ctx.get("contextActivities") if isinstance(ctx, dict) else None
    if not isinstance(acts, dict):
        return False
    for key in ("parent", "grouping"):
        group = acts.get(key)
        group = [group] if isinstance(group, dict) else group
        if isinstance(group, list) and any(isinstance(a, dict) and a.get("id") == au for a in group):
            return True
    return False


def check_statement(launch: LaunchToken, stmt: dict[str, Any]) -> None:
    actor = stmt.get("actor")
    if not isinstance(actor, dict) or ifi_key(actor) != ifi_key(launch.actor):
        raise XapiError(403, "this launch token may write statements of its own learner only")
    ctx = stmt.get("context")
    registration = ctx.get("registration") if isinstance(ctx, dict) else None
    if str(registration or "").lower() != str(launch.registration):
        raise XapiError(403, "this launch token may write statements of its own registration only")
    if not _names_au(stmt, launch.activity_id):
        raise XapiError(403, "this launch token may write statements about its own AU only")


def check_document(
    launch: LaunchToken, activity: str | None, agent: dict[str, Any] | None, registration: str | None
) -> None:
    if activity is not None and activity != launch.activity_id:
        raise XapiError(403, "this launch token may use its own AU's documents only")
    if agent is not None and ifi_key(agent) != ifi_key(launch.actor):
        raise XapiError(403, "this launch token may use its own learner's documents only")
    if registration is not None and str(registration).lower() != str(launch.registration):
        raise XapiError(403, "this launch token may use its own registration's documents only")
