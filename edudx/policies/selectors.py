"""Every read of policies. Policies are public inside the platform (any signed-in user may read
which rule is in force); `rules_in_force` is what other apps call."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from .models import Policy
from .rules import CODES, DATA_SHARING, SharingRules


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
