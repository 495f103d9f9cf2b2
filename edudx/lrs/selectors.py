"""Reads of the LRS through the caller's Scope: credentials and the learning analytics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from .models import Credential, Statement

COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed")


def credential_list(*, scope: Scope, q: str = "") -> QuerySet[Credential]:
    qs = Credential.objects.filter(scope.filter_q(perms.MANAGE_CREDENTIALS, "unit_path")).select_related(
        "unit"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(key__icontains=q))
    return qs


def credential_get(*, scope: Scope, pk: int) -> Credential:
    try:
        return credential_list(scope=scope).get(pk=pk)
    except Credential.DoesNotExist as exc:
        raise NotFound() from exc


def statement_summary(*, scope: Scope, since: dt.datetime | None = None) -> dict[str, Any]:
    """Active learners, activities, completions and mean scaled score, by unit and by week,
    for the statements stored in units the caller may see (not voided)."""
    qs = Statement.objects.filter(scope.filter_q(perms.VIEW_ANALYTICS, "unit_path"), voided=False)
    if since is not None:
        qs = qs.filter(stored__gte=since)
    done = Q(verb_iri__in=COMPLETED) | Q(completion=True)
    totals = qs.aggregate(
        statements=Count("id"),
        learners=Count("actor_key", distinct=True),
        activities=Count("object_iri", distinct=True, filter=~Q(object_iri="")),
        completions=Count("id", filter=done),
    )
    by_unit = list(
        qs.values("unit_path")
        .annotate(
            statements=Count("id"),
            learners=Count("actor_key", distinct=True),
            completions=Count("id", filter=done),
        )
        .order_by("unit_path")
    )
    by_week = list(
        qs.annotate(week=TruncWeek("timestamp"))
        .values("week")
        .annotate(
            statements=Count("id"),
            learners=Count("actor_key", distinct=True),
            completions=Count("id", filter=done),
        )
        .order_by("week")
    )
    from django.db.models import Avg

    scores = list(
        qs.filter(score_scaled__isnull=False)
        .values("unit_path")
        .annotate(avg=Avg("score_scaled"))
        .order_by("unit_path")
    )
    return {"totals": totals, "by_unit": by_unit, "by_week": by_week, "scores": scores}


def learner_counts_by_school(
    school_paths: dict[int, str], *, since: dt.datetime | None = None
) -> dict[int, int]:
    """Distinct active learners per school (system use: indicators)."""
    out: dict[int, int] = {}
    for pk, path in school_paths.items():
        qs = Statement.objects.filter(unit_path__startswith=path, voided=False)
        if since is not None:
            qs = qs.filter(stored__gte=since)
        out[pk] = qs.values("actor_key").distinct().count()
    return out
