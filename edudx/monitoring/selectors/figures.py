"""A school campaign's dashboard from the maintained per-school figures (`aggregates.SCHOOLS`):
progress per status, levels per group by a dimension, the weakest criteria — the same shapes as
`dashboards.campaign_progress`, `level_distribution` and `weakest_criteria`, summed over the
schools of the caller's scope (a minute old at most, with the time they are current as of)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from edudx.core import aggregates, scoped_figures
from edudx.core.scope import Scope
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..aggregates import SCHOOLS
from ..models import Campaign, Criterion, Framework
from .common import LEVELS, STATUSES

SUBMITTED_OR_LATER = {"submitted", "approved", "published"}
FINAL = {"approved", "published"}
DIMENSION_KEYS = {"unit": "un", "level": "l", "ownership": "o"}


@dataclass
class CampaignFigures:
    rows: list[dict[str, Any]]  # one per school of the scope the campaign covered
    as_of: dt.datetime | None


def school_rows(*, scope: Scope, campaign: Campaign) -> CampaignFigures:
    """The campaign's row of every school of the caller's scope (maintained figures)."""
    ids = list(registry_selectors.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    figures = aggregates.read(SCHOOLS, None if len(ids) > aggregates.CHUNK else ids)
    key = str(campaign.pk)
    wanted = set(ids)
    rows = []
    for sid, data in figures.data.items():
        row = data.get("c", {}).get(key)
        if row is not None and sid in wanted:
            rows.append({**row, "school_id": sid})
    return CampaignFigures(rows=rows, as_of=figures.as_of)


def progress(*, scope: Scope, rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = dict.fromkeys(STATUSES, 0)
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for r in rows:
        total[r["s"]] += 1
        by_unit[r["un"]][r["s"]] += 1
    by_grouping: dict[str, dict[str, int]] = {}
    groupings = list(org_selectors.grouping_list(scope=scope)[:50])
    if groupings:
        members = org_selectors.member_paths([g.pk for g in groupings])
        in_groupings: dict[str, list[str]] = defaultdict(list)
        for g in groupings:
            for p in members.get(g.pk) or []:
                in_groupings[p].append(g.name)
        for r in rows:
            for name in in_groupings.get(r["p"], []):
                by_grouping.setdefault(name, dict.fromkeys(STATUSES, 0))[r["s"]] += 1
        by_grouping = dict(sorted(by_grouping.items()))
    return {
        "total": total,
        "by_unit": dict(sorted(by_unit.items())),
        "by_grouping": by_grouping,
        "count": sum(total.values()),
    }


def levels(
    rows: list[dict[str, Any]], *, by: str = "unit", final_only: bool = False
) -> dict[str, dict[str, dict[int, int]]]:
    dim = DIMENSION_KEYS.get(by, "un")
    done = FINAL if final_only else SUBMITTED_OR_LATER
    out: dict[str, dict[str, dict[int, int]]] = {}
    for r in rows:
        if r["s"] not in done:
            continue
        for code, (_pts, level, _met) in r["g"].items():
            d = out.setdefault(code, {}).setdefault(r[dim] or "—", dict.fromkeys(LEVELS, 0))
            d[level] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def weakest(rows: list[dict[str, Any]], *, campaign: Campaign, limit_units: int = 40) -> dict[str, Any]:
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for r in rows:
        if r["s"] not in SUBMITTED_OR_LATER:
            continue
        for code, f in r["e"].items():
            cell = sums[(code, r["un"])]
            cell[0] += f
            cell[1] += 1
    maxima = dict(
        Criterion.objects.filter(group__framework_id=campaign.framework_id).values_list("code", "max_points")
    )
    cells: dict[tuple[str, str], float] = {}
    for (c, u), (total, n) in sums.items():
        m = float(maxima.get(c) or 0)
        if m and n:
            cells[(c, u)] = round(100 * total / n / m, 1)
    from .dashboards import heatmap

    return heatmap(cells, limit_units=limit_units)


def dashboard(*, scope: Scope, campaign: Campaign, by: str = "unit") -> dict[str, Any]:
    """Everything the campaign dashboard shows. A school campaign reads the maintained figures;
    an authority campaign (a few dozen units) is counted live."""
    if campaign.framework.subject != Framework.Subject.SCHOOL:
        from .dashboards import campaign_progress, level_distribution, weakest_criteria

        return {
            "progress": campaign_progress(scope=scope, campaign=campaign),
            "levels": level_distribution(scope=scope, campaign=campaign, by=by),
            "weakest": weakest_criteria(scope=scope, campaign=campaign),
            "as_of": None,
        }

    def count() -> dict[str, Any]:
        f = school_rows(scope=scope, campaign=campaign)
        return {
            "progress": progress(scope=scope, rows=f.rows),
            "levels": levels(f.rows, by=by),
            "weakest": weakest(f.rows, campaign=campaign),
            "as_of": f.as_of,
        }

    # The same sums over a city's schools for every officer of one scope: once per change of
    # the maintained figures, per process (core.scoped_figures; issue #21).
    key = (scoped_figures.scope_key(scope), campaign.pk, by)
    value: dict[str, Any] = scoped_figures.get("monitoring.dashboard", key, count, aggregates_read=[SCHOOLS])
    return value
