"""Every write to policies: a new version of a policy, checked against its code's rules model.
A version is never edited once published; the next version closes the previous one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from edudx.core.actor import Actor
from edudx.core.errors import FieldError, ValidationFailed
from edudx.core.services import create_with_history, update_with_history

from . import permissions as perms
from . import selectors
from .models import Policy
from .rules import CODES

FIELDS = ("code", "version", "title", "effective_from", "effective_to", "rules", "reference")

# Sent inside the publishing transaction (kwargs `code`, `effective_from`): an app whose
# maintained figures are counted with a policy's rules queues their recount here — policies
# cannot call the apps it drives (infrastructure's readiness listens, `infrastructure/aggregates.py`).
published = Signal()


@transaction.atomic
def policy_publish(
    *,
    actor: Actor,
    code: str,
    title: str,
    effective_from: dt.date,
    rules: dict[str, Any],
    reference: str = "",
) -> Policy:
    actor.scope.require_any(perms.MANAGE)
    if code not in CODES:
        raise ValidationFailed(
            _("Unknown policy."),
            code="unknown_policy",
            details=[FieldError("code", "unknown_policy", str(_("Unknown policy.")))],
        )
    model = CODES[code][0]
    try:
        parsed = model.model_validate(rules)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The rules do not fit this policy."),
            code="bad_rules",
            details=[
                FieldError("rules", "bad_rules", ".".join(str(p) for p in e["loc"]) + ": " + e["msg"])
                for e in exc.errors()
            ],
        ) from exc
    previous = Policy.objects.select_for_update().filter(code=code, effective_to__isnull=True)
    for old in previous:
        if old.effective_from >= effective_from:
            raise ValidationFailed(
                _("A new version must start after the version in force."),
                code="effective_from_too_early",
                details=[
                    FieldError("effective_from", "effective_from_too_early", str(_("Choose a later date.")))
                ],
            )
    version = (Policy.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    for old in previous:
        update_with_history(
            actor=actor,
            obj=old,
            data={"effective_to": effective_from},
            fields=["effective_to"],
            operation="policies.policy_publish",
            note=f"closed by version {version}",
        )
    policy = Policy(
        code=code,
        version=version,
        title=title,
        effective_from=effective_from,
        rules=parsed.model_dump(mode="json"),
        reference=reference,
    )
    saved = create_with_history(actor=actor, obj=policy, fields=FIELDS, operation="policies.policy_publish")
    selectors.forget()
    published.send(sender=Policy, code=code, effective_from=effective_from)
    transaction.on_commit(selectors.forget)
    return saved
