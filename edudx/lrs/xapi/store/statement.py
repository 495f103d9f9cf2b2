"""A statement as the LRS stores and serves it: id, authority, version, `stored`, the JSON
text, and the comparison that tells a re-sent statement from a conflicting one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from uuid_utils.compat import uuid7

from ...models import Credential
from ..errors import XapiError
from ..validate import V1, comparable_duration, parse_timestamp


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def dumps(value: Any) -> str:
    """Compact JSON text. NaN and Infinity are not JSON (RFC 8259): a statement holding one
    (Python's parser reads them) is refused instead of being stored as text no client parses."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise XapiError(400, "the statement holds NaN or Infinity, which JSON does not allow") from exc


def normalise(stmt: dict[str, Any]) -> dict[str, Any]:
    """contextActivities values become arrays; Activity objectType is made explicit."""
    for part in (stmt, stmt["object"] if stmt["object"].get("objectType") == "SubStatement" else None):
        if part is None:
            continue
        ctx = part.get("context")
        if ctx and "contextActivities" in ctx:
            ctx["contextActivities"] = {
                k: v if isinstance(v, list) else [v] for k, v in ctx["contextActivities"].items()
            }
        if part["object"].get("objectType") is None:
            part["object"]["objectType"] = "Activity"
    return stmt


_IGNORED_IN_COMPARISON = ("authority", "stored", "version", "id")


def comparable(stmt: dict[str, Any]) -> Any:
    """The form two statements are compared in (same id re-sent, signed payload): LRS-set
    properties dropped, contextActivities as arrays, timestamps as instants, durations to
    0.01 s (Data 4.6.s1.b5), mbox_sha1sum lowercase."""
    out = {k: v for k, v in stmt.items() if k not in _IGNORED_IN_COMPARISON}
    out = normalise(json.loads(json.dumps(out)))
    if "timestamp" in out:
        out["timestamp"] = parse_timestamp(out["timestamp"], "timestamp", require_tz=False).timestamp()
    for part in (out, out["object"] if out.get("object", {}).get("objectType") == "SubStatement" else {}):
        result = part.get("result")
        if isinstance(result, dict) and isinstance(result.get("duration"), str):
            result["duration"] = comparable_duration(result["duration"])
    return out


def _as_sent(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored statement without the timestamp the LRS filled in (it equals `stored`)."""
    if stored.get("timestamp") == stored.get("stored"):
        stored.pop("timestamp", None)
    return stored


def authority_for(credential: Credential | None) -> dict[str, Any]:
    if credential is not None:
        return credential.authority
    return {
        "objectType": "Agent",
        "name": "edudx",
        "account": {"homePage": "https://edudx.hcm.edu.vn", "name": "platform"},
    }


def prepare(
    stmt: dict[str, Any], *, version: str, credential: Credential | None, stored: dt.datetime
) -> dict[str, Any]:
    """Set the properties the LRS owns: id (if absent), stored, authority, version, timestamp."""
    return stamp(prepare_unstored(stmt, version=version, credential=credential), iso(stored))


def prepare_unstored(stmt: dict[str, Any], *, version: str, credential: Credential | None) -> dict[str, Any]:
    """The LRS-owned properties that do not depend on the time of storing (id, authority,
    version): set before taking the write lock."""
    stmt = normalise(stmt)
    stmt["id"] = stmt["id"].lower() if "id" in stmt else time_ordered_uuid()
    stmt["authority"] = authority_for(credential)
    stmt.setdefault("version", "1.0.0" if version == V1 else "2.0.0")
    stmt.pop("stored", None)  # the LRS sets it (`stamp`), after the statement is encoded
    return stmt


def time_ordered_uuid() -> str:
    """A UUID for a statement sent without an id: version 7 (RFC 9562: 48-bit Unix time in
    ms, then random bits; variant 2, which xAPI accepts). Ids the LRS generates are
    therefore near each other in the statement-id index, so a batch appends to its last
    pages instead of dirtying one random page per statement. From uuid-utils, whose ids also
    increase within one millisecond in a process (RFC 9562 §6.2's counter)."""
    return str(uuid7())


def stored_timestamp(value: str) -> dt.datetime:
    """The instant of a timestamp that passed validation (`datetime.fromisoformat` reads
    every form validation accepts with an offset; the rest take the full parser)."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return parse_timestamp(value, "timestamp", require_tz=False)
    return parsed


def stamp(stmt: dict[str, Any], stored: str) -> dict[str, Any]:
    stmt["stored"] = stored
    stmt.setdefault("timestamp", stored)
    return stmt
