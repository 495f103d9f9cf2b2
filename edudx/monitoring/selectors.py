"""Every read of the monitoring module, through the caller's Scope.

Assessments carry their school's unit path, so one `scope.filter_q(..., "unit_path")` limits
any read to the schools the caller may see; dashboards aggregate in the database.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from edudx.core import indicators as core_indicators
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors

from . import permissions as perms
from .models import (
    Assessment,
    Campaign,
    Criterion,
    DeadlineExtension,
    Entry,
    Evidence,
    Framework,
    FrameworkGroup,
    GroupResult,
    SubItem,
)

PATH = "unit_path"
STATUSES = [s for s, _l in Assessment.Status.choices]
LEVELS = [0, 1, 2, 3]


# ---------------------------------------------------------------- frameworks
def framework_list(*, scope: Scope) -> QuerySet[Framework]:
    """Frameworks the caller may read: every one for those who manage frameworks or campaigns,
    otherwise those used by a campaign the caller can see."""
    scope.require_any(perms.VIEW)
    qs = Framework.objects.all()
    if not (scope.has_perm(perms.MANAGE_FRAMEWORKS) or scope.has_perm(perms.MANAGE_CAMPAIGNS)):
        qs = qs.filter(pk__in=campaign_list(scope=scope).values("framework_id"))
    return qs.annotate(n_campaigns=Count("campaigns"))


def framework_get(*, scope: Scope, pk: int) -> Framework:
    try:
        return framework_list(scope=scope).get(pk=pk)
    except (Framework.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def framework_groups(framework: Framework) -> list[FrameworkGroup]:
    """Groups with their criteria and sub-items, in order (3 queries)."""
    return list(
        framework.groups.prefetch_related(
            Prefetch(
                "criteria", queryset=Criterion.objects.order_by("order", "code").prefetch_related("subitems")
            )
        ).order_by("order", "code")
    )


@dataclass
class Problem:
    group: FrameworkGroup
    criteria_total: Decimal
    message: str


def framework_problems(
    framework: Framework, groups: list[FrameworkGroup] | None = None
) -> list[dict[str, Any]]:
    """Inconsistencies an administrator must see: groups whose criteria do not add up to the
    group's maximum (the published 4725 Group II adds to 90), sub-items above their criterion."""
    out = []
    for g in groups if groups is not None else framework_groups(framework):
        total = sum((c.max_points for c in g.criteria.all() if c.kind == Criterion.Kind.POINTS), Decimal(0))
        if total != g.max_points:
            out.append({"kind": "group_sum", "group": g, "total": total, "max": g.max_points})
        for c in g.criteria.all():
            subs = list(c.subitems.all())
            if subs:
                st = sum((s.max_points for s in subs), Decimal(0))
                if st != c.max_points:
                    out.append(
                        {"kind": "subitem_sum", "group": g, "criterion": c, "total": st, "max": c.max_points}
                    )
    return out


def framework_editable(framework: Framework) -> bool:
    return not framework.campaigns.exclude(state=Campaign.State.DRAFT).exists()


def group_get(*, scope: Scope, pk: int) -> FrameworkGroup:
    scope.require_any(perms.VIEW)
    try:
        return FrameworkGroup.objects.select_related("framework").get(
            pk=pk, framework__in=framework_list(scope=scope)
        )
    except (FrameworkGroup.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def criterion_get(*, scope: Scope, pk: int) -> Criterion:
    scope.require_any(perms.VIEW)
    try:
        return Criterion.objects.select_related("group__framework").get(
            pk=pk, group__framework__in=framework_list(scope=scope)
        )
    except (Criterion.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def subitem_get(*, scope: Scope, pk: int) -> SubItem:
    scope.require_any(perms.VIEW)
    try:
        return SubItem.objects.select_related("criterion__group__framework").get(
            pk=pk, criterion__group__framework__in=framework_list(scope=scope)
        )
    except (SubItem.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def criterion_indicators(framework: Framework, criterion: Criterion) -> list[core_indicators.Indicator]:
    found = {i.code: i for i in core_indicators.for_criterion(f"{framework.code}:{criterion.code}")}
    if criterion.indicator_code:
        with contextlib.suppress(KeyError):
            found.setdefault(criterion.indicator_code, core_indicators.get(criterion.indicator_code))
    return list(found.values())


def automatic_coverage(framework: Framework, groups: list[FrameworkGroup] | None = None) -> dict[str, Any]:
    """How many criteria, and how many of their points, an automatic indicator evidences."""
    n = pts = total_n = total_pts = 0
    for g in groups if groups is not None else framework_groups(framework):
        for c in g.criteria.all():
            total_n += 1
            total_pts += c.max_points
            if criterion_indicators(framework, c):
                n += 1
                pts += c.max_points
    return {"criteria": n, "criteria_total": total_n, "points": pts, "points_total": total_pts}


# ---------------------------------------------------------------- campaigns
def campaign_list(*, scope: Scope) -> QuerySet[Campaign]:
    """Campaigns owned within the caller's scope, or covering at least one school in it."""
    scope.require_any(perms.VIEW)
    qs = Campaign.objects.select_related("framework", "owner")
    if not scope.is_system:
        covering = Assessment.objects.filter(scope.filter_q(perms.VIEW, PATH)).values("campaign_id")
        qs = qs.filter(scope.filter_q(perms.VIEW, "owner__path") | Q(pk__in=covering))
    return qs.order_by("-school_year", "-id")


def campaign_get(*, scope: Scope, pk: int) -> Campaign:
    try:
        return campaign_list(scope=scope).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def assessments_in_scope(*, scope: Scope, campaign: Campaign | None = None, permission: str = perms.VIEW):
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
        "school__unit", "supervisor"
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
    return (
        Assessment.objects.filter(scope.filter_q(perms.REVIEW, PATH), status=Assessment.Status.SUBMITTED)
        .select_related("school__unit", "campaign", "supervisor")
        .order_by("submitted_at", "id")
    )


def assessment_get(*, scope: Scope, pk: int) -> Assessment:
    try:
        return (
            Assessment.objects.filter(scope.filter_q(perms.VIEW, PATH))
            .select_related("campaign__framework", "school__unit", "supervisor")
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
    cache: dict[str, Any] = {}
    for e in entries:
        for ind in criterion_indicators(fw, e.criterion):
            if ind.code not in cache:
                try:
                    cache[ind.code] = ind.compute([assessment.school_id]).get(assessment.school_id)
                except Exception:  # noqa: BLE001 — an indicator's failure must not break the page
                    cache[ind.code] = None
            out.setdefault(e.criterion_id, []).append({"indicator": ind, "value": cache[ind.code]})
    return out


def assessment_history(assessment: Assessment, entries: list[Entry]):
    from edudx.core.history import entries_for

    rows = list(entries_for(assessment))
    return sorted(rows, key=lambda h: h.at, reverse=True)


# ---------------------------------------------------------------- dashboards
def campaign_progress(*, scope: Scope, campaign: Campaign) -> dict[str, Any]:
    """Counts per status overall, per supervising unit and per grouping (cluster)."""
    base = assessments_in_scope(scope=scope, campaign=campaign)
    total = dict.fromkeys(STATUSES, 0)
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in base.values("supervisor__name", "status").annotate(n=Count("id")).order_by():
        total[row["status"]] += row["n"]
        by_unit[row["supervisor__name"]][row["status"]] += row["n"]
    by_grouping: dict[str, dict[str, int]] = {}
    groupings = list(org_selectors.grouping_list(scope=scope)[:50])
    if groupings:
        members = org_selectors.member_paths([g.pk for g in groupings])
        in_groupings: dict[str, list[str]] = defaultdict(list)
        for g in groupings:
            for p in members.get(g.pk) or []:
                in_groupings[p].append(g.name)
        # one pass over the (path, status) pairs instead of one query per grouping
        for path, status in base.filter(unit_path__in=list(in_groupings)).values_list("unit_path", "status"):
            for name in in_groupings[path]:
                by_grouping.setdefault(name, dict.fromkeys(STATUSES, 0))[status] += 1
        by_grouping = dict(sorted(by_grouping.items()))
    return {
        "total": total,
        "by_unit": dict(sorted(by_unit.items())),
        "by_grouping": by_grouping,
        "count": sum(total.values()),
    }


LEVEL_DIMENSIONS = {
    "unit": "assessment__supervisor__name",
    "level": "assessment__school_level",
    "ownership": "assessment__ownership",
}


def level_distribution(*, scope: Scope, campaign: Campaign, by: str = "unit", final_only: bool = False):
    """{group code: {dimension value: {level: count}}} over assessed schools."""
    dim = LEVEL_DIMENSIONS.get(by, LEVEL_DIMENSIONS["unit"])
    done = [Assessment.Status.APPROVED, Assessment.Status.PUBLISHED]
    if not final_only:
        done += [Assessment.Status.SUBMITTED]
    qs = GroupResult.objects.filter(
        scope.filter_q(perms.VIEW, "assessment__unit_path"),
        assessment__campaign=campaign,
        assessment__status__in=done,
    )
    out: dict[str, dict[str, dict[int, int]]] = {}
    for row in qs.values("group__code", dim, "level").annotate(n=Count("id")).order_by():
        g = out.setdefault(row["group__code"], {})
        d = g.setdefault(row[dim] or "—", dict.fromkeys(LEVELS, 0))
        d[row["level"]] += row["n"]
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def weakest_criteria(*, scope: Scope, campaign: Campaign, limit_units: int = 40):
    """Heat map: average share of the maximum reached, per criterion × supervising unit."""
    qs = Entry.objects.filter(
        scope.filter_q(perms.VIEW, "assessment__unit_path"),
        assessment__campaign=campaign,
        assessment__status__in=[
            Assessment.Status.SUBMITTED,
            Assessment.Status.APPROVED,
            Assessment.Status.PUBLISHED,
        ],
        criterion__kind=Criterion.Kind.POINTS,
        max_points__gt=0,
    )
    rows2 = list(
        qs.values("criterion__code", "assessment__supervisor__name")
        .annotate(avg=Avg(_final_points_expr()))
        .order_by()
    )
    maxima = dict(
        Criterion.objects.filter(group__framework=campaign.framework).values_list("code", "max_points")
    )
    cells: dict[tuple[str, str], float] = {}
    for r in rows2:
        m = maxima.get(r["criterion__code"]) or 0
        if m:
            cells[(r["criterion__code"], r["assessment__supervisor__name"])] = round(
                100 * float(r["avg"] or 0) / float(m), 1
            )
    criteria = sorted({c for c, _u in cells}, key=_code_key)
    units = sorted({u for _c, u in cells})[:limit_units]
    overall = {}
    for c in criteria:
        vals = [cells[(c, u)] for u in units if (c, u) in cells]
        overall[c] = round(sum(vals) / len(vals), 1) if vals else 0
    weakest = sorted(criteria, key=lambda c: overall[c])
    return {
        "criteria": weakest,
        "units": units,
        "cells": [[units.index(u), weakest.index(c), v] for (c, u), v in cells.items() if u in units],
        "overall": overall,
    }


def _final_points_expr():
    from django.db.models.functions import Coalesce

    return Coalesce("reviewed_points", "points", 0, output_field=Entry._meta.get_field("points"))


def _code_key(code: str):
    return [int(p) if p.isdigit() else p for p in code.replace(".", " ").split()]


def trends(*, scope: Scope, framework_code: str = "4725") -> dict[str, Any]:
    """Year over year: average points per group and share of schools at Level 3 (approved or published)."""
    qs = GroupResult.objects.filter(
        scope.filter_q(perms.VIEW, "assessment__unit_path"),
        assessment__campaign__framework__code=framework_code,
        assessment__status__in=[Assessment.Status.APPROVED, Assessment.Status.PUBLISHED],
    )
    rows = list(
        qs.values("assessment__campaign__school_year", "group__code")
        .annotate(avg=Avg("points"), n=Count("id"), l3=Count("id", filter=Q(level=3)))
        .order_by("assessment__campaign__school_year", "group__code")
    )
    years = sorted({r["assessment__campaign__school_year"] for r in rows})
    series: dict[str, dict[str, list]] = {}
    for r in rows:
        s = series.setdefault(r["group__code"], {"avg": [None] * len(years), "l3": [None] * len(years)})
        i = years.index(r["assessment__campaign__school_year"])
        s["avg"][i] = round(float(r["avg"] or 0), 1)
        s["l3"][i] = round(100 * r["l3"] / r["n"], 1) if r["n"] else 0
    return {"years": years, "series": series}


def school_profile(*, scope: Scope, school_id: int) -> dict[str, Any]:
    """One school's results over the years (every campaign that covered it)."""
    school = registry_selectors.school_get(scope=scope, pk=school_id)
    assessments = list(
        assessments_in_scope(scope=scope)
        .filter(school_id=school.pk)
        .select_related("campaign__framework")
        .prefetch_related(
            Prefetch("results", queryset=GroupResult.objects.select_related("group").order_by("group__order"))
        )
        .order_by("campaign__school_year")
    )
    return {"school": school, "assessments": assessments}


def export_rows(*, scope: Scope, campaign: Campaign, published_only: bool = False):
    """Assessments with entries and results, for spreadsheets and the sector-database export."""
    qs = assessments_in_scope(scope=scope, campaign=campaign).select_related("school__unit", "supervisor")
    if published_only:
        qs = qs.filter(status=Assessment.Status.PUBLISHED)
    return qs.prefetch_related(
        Prefetch(
            "entries",
            queryset=Entry.objects.only("assessment_id", "criterion_id", "points", "reviewed_points", "met"),
        ),
        Prefetch(
            "results",
            queryset=GroupResult.objects.only(
                "assessment_id", "group_id", "points", "level", "mandatory_met"
            ),
        ),
    ).order_by("unit_path")


def export_table(*, scope: Scope, campaign: Campaign) -> dict[str, Any]:
    """Plain rows for the XLSX summary (three queries, no model instances: 3,500 schools × 20
    criteria stay fast)."""
    base = assessments_in_scope(scope=scope, campaign=campaign)
    assessments = list(
        base.order_by("unit_path", "id").values(
            "id",
            "status",
            "school_level",
            "ownership",
            "school__moet_code",
            "school__unit__name",
            "supervisor__name",
        )
    )
    entries: dict[int, dict[int, tuple]] = defaultdict(dict)
    for aid, cid, pts, rev, met in Entry.objects.filter(assessment__in=base).values_list(
        "assessment_id", "criterion_id", "points", "reviewed_points", "met"
    ):
        entries[aid][cid] = (pts, rev, met)
    results: dict[int, dict[int, tuple]] = defaultdict(dict)
    for aid, gid, pts, level in GroupResult.objects.filter(assessment__in=base).values_list(
        "assessment_id", "group_id", "points", "level"
    ):
        results[aid][gid] = (pts, level)
    return {"assessments": assessments, "entries": entries, "results": results}


@dataclass
class CitySummary:
    progress: dict[str, Any]
    levels: dict[str, Any]
    by_school_level: dict[str, Any]
    weakest: dict[str, Any]
    extras: dict[str, Any] = field(default_factory=dict)


def city_summary(*, scope: Scope, campaign: Campaign) -> CitySummary:
    return CitySummary(
        progress=campaign_progress(scope=scope, campaign=campaign),
        levels=level_distribution(scope=scope, campaign=campaign, by="unit"),
        by_school_level=level_distribution(scope=scope, campaign=campaign, by="level"),
        weakest=weakest_criteria(scope=scope, campaign=campaign),
    )


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
