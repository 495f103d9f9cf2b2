"""Dashboards and exports: counts, levels, heat maps and trends aggregated in the database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from edudx.core.scope import Scope
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import (
    Assessment,
    Campaign,
    Criterion,
    Entry,
    GroupResult,
)
from .assessments import assessments_in_scope
from .common import LEVELS, STATUSES


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


def level_distribution(
    *, scope: Scope, campaign: Campaign, by: str = "unit", final_only: bool = False
) -> dict[str, dict[str, dict[int, int]]]:
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


def weakest_criteria(*, scope: Scope, campaign: Campaign, limit_units: int = 40) -> dict[str, Any]:
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
    return heatmap(cells, limit_units=limit_units)


def heatmap(cells: dict[tuple[str, str], float], *, limit_units: int) -> dict[str, Any]:
    """Criterion × unit shares (%) shaped for the chart: criteria weakest first (by their mean
    over the units shown), units by name, cells as [unit index, criterion index, value]."""
    criteria = sorted({c for c, _u in cells}, key=_code_key)
    units = sorted({u for _c, u in cells})[:limit_units]
    overall = {}
    for c in criteria:
        vals = [cells[(c, u)] for u in units if (c, u) in cells]
        overall[c] = round(sum(vals) / len(vals), 1) if vals else 0
    order = sorted(criteria, key=lambda c: overall[c])
    unit_at = {u: i for i, u in enumerate(units)}
    crit_at = {c: i for i, c in enumerate(order)}
    return {
        "criteria": order,
        "units": units,
        "cells": [[unit_at[u], crit_at[c], v] for (c, u), v in cells.items() if u in unit_at],
        "overall": overall,
    }


def _final_points_expr() -> Any:
    from django.db.models.functions import Coalesce

    return Coalesce("reviewed_points", "points", 0, output_field=Entry._meta.get_field("points"))


def _code_key(code: str) -> list[int | str]:
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
    series: dict[str, dict[str, list[float | None]]] = {}
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


def export_rows(*, scope: Scope, campaign: Campaign, published_only: bool = False) -> QuerySet[Assessment]:
    """Assessments with entries and results, for spreadsheets and the sector-database export."""
    qs = assessments_in_scope(scope=scope, campaign=campaign).select_related(
        "school__unit", "authority", "supervisor"
    )
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
    entries: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    for aid, cid, pts, rev, met in Entry.objects.filter(assessment__in=base).values_list(
        "assessment_id", "criterion_id", "points", "reviewed_points", "met"
    ):
        entries[aid][cid] = (pts, rev, met)
    results: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)
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
    if campaign.framework.subject == "school":  # from the maintained per-school figures
        from .figures import levels, progress, school_rows, weakest

        rows = school_rows(scope=scope, campaign=campaign).rows
        return CitySummary(
            progress=progress(scope=scope, rows=rows),
            levels=levels(rows, by="unit"),
            by_school_level=levels(rows, by="level"),
            weakest=weakest(rows, campaign=campaign),
        )
    return CitySummary(
        progress=campaign_progress(scope=scope, campaign=campaign),
        levels=level_distribution(scope=scope, campaign=campaign, by="unit"),
        by_school_level=level_distribution(scope=scope, campaign=campaign, by="level"),
        weakest=weakest_criteria(scope=scope, campaign=campaign),
    )
