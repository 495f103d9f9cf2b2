"""Every read of policies. Policies are public inside the platform (any signed-in user may read
which rule is in force); `rules_in_force` is what other apps call."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from .models import Policy
from .rules import CODES, DATA_SHARING, DRIVES, SharingRules


def policy_list(*, scope: Scope) -> QuerySet[Policy]:
    return Policy.objects.all()


def policy_get(*, scope: Scope, pk: int) -> Policy:
    try:
        return Policy.objects.get(pk=pk)
    except (Policy.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def in_force(code: str, on: dt.date | None = None) -> Policy | None:
    """The newest version of `code` whose dates hold `on` (today by default), or None."""
    day = on or timezone.localdate()
    return (
        Policy.objects.filter(code=code, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .order_by("-version")
        .first()
    )


def rules_in_force(code: str, on: dt.date | None = None) -> BaseModel:
    model, default, _label = CODES[code]
    policy = in_force(code, on)
    return model.model_validate(policy.rules) if policy else default


def sharing_rules(on: dt.date | None = None) -> SharingRules:
    rules = rules_in_force(DATA_SHARING, on)
    assert isinstance(rules, SharingRules)
    return rules


def overview(*, scope: Scope, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every policy code with what it drives, the version in force (or the default that holds
    while none does), its machine-read rules and every version: the department's page."""
    scope.require_any(perms.VIEW)
    day = on or timezone.localdate()
    versions: dict[str, list[Policy]] = {}
    for policy in Policy.objects.order_by("code", "-version"):
        versions.setdefault(policy.code, []).append(policy)
    out = []
    for code, (_model, default, label) in CODES.items():
        current = in_force(code, day)
        rules = current.rules if current else default.model_dump(mode="json")
        out.append(
            {
                "code": code,
                "label": label,
                "drives": DRIVES.get(code, ""),
                "current": current,
                "rules": json.dumps(rules, ensure_ascii=False, indent=2, sort_keys=True),
                "versions": versions.get(code, []),
            }
        )
    return out
