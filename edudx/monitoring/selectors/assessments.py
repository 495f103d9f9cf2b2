"""Assessments, their entries, evidence and history, and deadline extensions, through the caller's Scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from .. import permissions as perms
from ..models import (
    Assessment,
    Campaign,
    DeadlineExtension,
    Entry,
    Evidence,
    GroupResult,
)
from .common import PATH, STATUSES
from .frameworks import criterion_indicators


def assessments_in_scope(
    *, scope: Scope, campaign: Campaign | None = None, permission: str = perms.VIEW
) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(scope.filter_q(permission, PATH))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


@dataclass
class AssessmentFilter:
    q: str = ""
    status: str = ""
    supervisor: int | None = None
    level: str = ""
    sort: str = "school"


ASSESSMENT_SORTS = {
    "school": ("unit_path", "id"),
    "status": ("status", "unit_path", "id"),
    "-updated": ("-updated_at", "-id"),
}


def assessment_list(
    *, scope: Scope, campaign: Campaign, filters: AssessmentFilter | None = None, permission: str = perms.VIEW
) -> tuple[QuerySet[Assessment], tuple[str, ...]]:
    f = filters or AssessmentFilter()
    qs = assessments_in_scope(scope=scope, campaign=campaign, permission=permission).select_related(
        "school__unit", "authority", "supervisor"
    )
    if f.q:
        from edudx.core.text import fold

        key = fold(f.q)
        qs = qs.filter(Q(school__name_key__contains=key) | Q(school__moet_code__startswith=f.q.strip()))
    if f.status in STATUSES:
        qs = qs.filter(status=f.status)
    if f.supervisor:
        qs = qs.filter(supervisor_id=f.supervisor)
    if f.level:
        qs = qs.filter(school_level=f.level)
    return qs, ASSESSMENT_SORTS.get(f.sort, ASSESSMENT_SORTS["school"])


def review_queue(*, scope: Scope) -> QuerySet[Assessment]:
    """Submissions waiting for the caller's review, oldest first."""
    scope.require_any(perms.REVIEW)
    # A school's submission is reviewed where its unit lies; an authority's (3806) where its
    # supervising unit lies — a ward officer never sees their own ward's in the queue.
    mine = (Q(school__isnull=False) & scope.filter_q(perms.REVIEW, PATH)) | (
        Q(authority__isnull=False) & scope.filter_q(perms.REVIEW, "supervisor__path")
    )
    return (
        Assessment.objects.filter(mine, status=Assessment.Status.SUBMITTED)
        .select_related("school__unit", "authority", "campaign", "supervisor")
        .order_by("submitted_at", "id")
    )


def assessment_get(*, scope: Scope, pk: int) -> Assessment:
    try:
        return (
            Assessment.objects.filter(scope.filter_q(perms.VIEW, PATH))
            .select_related("campaign__framework", "school__unit", "authority", "supervisor")
            .get(pk=pk)
        )
    except (Assessment.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def assessment_entries(assessment: Assessment) -> list[Entry]:
    return list(
        assessment.entries.select_related("criterion__group")
        .prefetch_related("evidence", "criterion__subitems")
        .order_by("criterion__group__order", "criterion__order")
    )


def assessment_results(assessment: Assessment) -> list[GroupResult]:
    return list(assessment.results.select_related("group").order_by("group__order"))


def entry_get(*, scope: Scope, assessment: Assessment, criterion_id: int) -> Entry:
    try:
        return (
            Entry.objects.filter(assessment=assessment)
            .select_related("criterion__group", "assessment__campaign")
            .prefetch_related("criterion__subitems", "evidence")
            .get(criterion_id=criterion_id)
        )
    except (Entry.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def evidence_get(*, scope: Scope, pk: int) -> Evidence:
    try:
        return (
            Evidence.objects.filter(scope.filter_q(perms.VIEW, "entry__assessment__unit_path"))
            .select_related("entry__assessment__campaign", "entry__criterion")
            .get(pk=pk)
        )
    except (Evidence.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def suggestions(assessment: Assessment, entries: list[Entry]) -> dict[int, list[dict[str, Any]]]:
    """Suggested values from automatic indicators, per criterion id, with provenance."""
    fw = assessment.campaign.framework
    out: dict[int, list[dict[str, Any]]] = {}
    if assessment.school_id is None:  # school indicators say nothing of an authority (3806)
        return out
    school_id: int = assessment.school_id
    cache: dict[str, Any] = {}
    for e in entries:
        for ind in criterion_indicators(fw, e.criterion):
            if ind.code not in cache:
                try:
                    cache[ind.code] = ind.compute([school_id]).get(school_id)
                except Exception:  # noqa: BLE001 — an indicator's failure must not break the page
                    cache[ind.code] = None
            out.setdefault(e.criterion_id, []).append({"indicator": ind, "value": cache[ind.code]})
    return out


def assessment_history(assessment: Assessment, entries: list[Entry]) -> list[Any]:
    from edudx.core.history import entries_for

    rows = list(entries_for(assessment))
    return sorted(rows, key=lambda h: h.at, reverse=True)


def deadline_extensions(
    *, scope: Scope, campaign: Campaign, assessment: Assessment | None = None
) -> list[DeadlineExtension]:
    """The campaign's extensions the caller may see: the campaign-wide ones and those of schools
    in scope (only this school's, with `assessment`)."""
    qs = DeadlineExtension.objects.filter(campaign=campaign).select_related(
        "created_by", "assessment__school"
    )
    mine = scope.filter_q(perms.VIEW, "unit_path")
    if assessment is not None:
        qs = qs.filter(Q(assessment__isnull=True) | (Q(assessment=assessment) & mine))
    else:
        qs = qs.filter(Q(assessment__isnull=True) | mine)
    return list(qs)
