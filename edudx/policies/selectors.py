"""Every read of policies. Policies are public inside the platform (any signed-in user may read
which rule is in force); `rules_in_force` is what other apps call."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from .models import Policy
from .rules import (
    CODES,
    DATA_SHARING,
    DRIVES,
    FRAMEWORK_LEVELS,
    READINESS,
    UNIT_COSTS,
    FrameworkLevelRules,
    ReadinessRules,
    SharingRules,
    UnitCostRules,
)


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


# Every version of every policy, read once and kept in the process for MEMO_SECONDS: the rules
# are read on every page that shows a readiness figure or a campaign's coverage, and the table
# holds a few rows. Publishing forgets them at once in its own process; another worker sees a
# new version within MEMO_SECONDS (a version usually starts on a later day anyway).
MEMO_SECONDS = 30.0
_memo: dict[str, tuple[float, list[Policy]]] = {}


def _versions() -> list[Policy]:
    now = time.monotonic()
    hit = _memo.get("all")
    if hit is not None and 0 <= now - hit[0] < MEMO_SECONDS:
        return hit[1]
    rows = list(Policy.objects.order_by("code", "-version"))
    _memo["all"] = (now, rows)
    return rows


def forget() -> None:
    """Drop the kept versions (after a publish; tests call it around each test)."""
    _memo.clear()


def rules_in_force(code: str, on: dt.date | None = None) -> BaseModel:
    """The rules of the newest version of `code` in force on `on` (today), or the default."""
    model, default, _label = CODES[code]
    day = on or timezone.localdate()
    for policy in _versions():
        if (
            policy.code == code
            and policy.effective_from <= day
            and (policy.effective_to is None or policy.effective_to > day)
        ):
            return model.model_validate(policy.rules)
    return default


def sharing_rules(on: dt.date | None = None) -> SharingRules:
    rules = rules_in_force(DATA_SHARING, on)
    assert isinstance(rules, SharingRules)
    return rules


def readiness_thresholds(on: dt.date | None = None) -> dict[str, Decimal]:
    """The readiness thresholds a policy in force sets (code → value); empty while none does."""
    rules = rules_in_force(READINESS, on)
    assert isinstance(rules, ReadinessRules)
    return dict(rules.values)


def unit_costs(on: dt.date | None = None) -> dict[str, int]:
    """The unit costs (device category → VND) a policy in force sets; empty while none does."""
    rules = rules_in_force(UNIT_COSTS, on)
    assert isinstance(rules, UnitCostRules)
    return dict(rules.costs_vnd)


def framework_levels(code: str, stored: list[str], on: dt.date | None = None) -> list[str]:
    """The school levels the DX framework `code` evaluates: the policy's when a version in
    force names the framework, else those stored on the framework (empty: every level)."""
    rules = rules_in_force(FRAMEWORK_LEVELS, on)
    assert isinstance(rules, FrameworkLevelRules)
    return list(rules.levels.get(code, stored))


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
        # The rules it drives, one line each (a map's keys: a threshold's code, a device
        # category, a framework), so the department sees which version sets which rule.
        driven: list[str] = []
        for name, value in sorted(rules.items()):
            if isinstance(value, dict) and value:
                driven += [f"{name}.{key}" for key in sorted(value)]
            else:
                driven.append(name)
        out.append(
            {
                "code": code,
                "label": label,
                "drives": DRIVES.get(code, ""),
                "current": current,
                "rules": json.dumps(rules, ensure_ascii=False, indent=2, sort_keys=True),
                "versions": versions.get(code, []),
                "driven": driven,
            }
        )
    return out
