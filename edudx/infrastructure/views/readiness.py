"""Readiness pages: the dashboard over the caller's schools, and one school's inventory with
its readiness cards and the declared equipment total."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from edudx.core import scoped_figures
from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied
from edudx.core.filters import parse_filter
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors, services, thresholds
from ..aggregates import READINESS
from ..filters import DeviceFilter, ReadinessFilter
from ..forms import DeclaredTotalForm
from ..models import Condition, DeviceCategory


def _chart(rows, key, value):
    return json.dumps(
        {
            "labels": [str(r[key]) for r in rows],
            "values": [r[value] if r[value] is not None else 0 for r in rows],
        }
    )


def _dashboard_figures(scope, f) -> dict:
    results, as_of = selectors.readiness_figures(scope=scope, filters=f)
    summaries = selectors.school_rows(results)  # once, not once per grouping
    by_area = selectors.summarise(results, "area", summaries)
    by_level = selectors.summarise(results, "level", summaries)
    city = selectors.summarise(results, "ownership", summaries)
    keys = (
        "schools",
        "below",
        "pupils",
        "computers",
        "rooms",
        "rooms_ready",
        "mbps",
        "devices",
        "broken",
        "cost_vnd",
    )
    total = {k: sum(r[k] for r in city) for k in keys}
    worst = sorted(results.values(), key=lambda r: (r.score, -(r.pupils_per_computer or 0)))[:10]
    return {
        "by_area": by_area,
        "by_level": by_level,
        "total": total,
        "worst": [{"r": r, "s": summaries.get(r.school_id, {})} for r in worst],
        "trend": selectors.condition_over_time(scope=scope),
        "as_of": as_of,
    }


@login_required
def dashboard(request):
    scope = request.scope
    scope.require_any(perms.VIEW)
    f = parse_filter(ReadinessFilter, request.GET)
    # The same sums over a city's 3,500 schools for every officer of one scope and filter: summed
    # once per change of the readiness figures, per process (core.scoped_figures; issue #21).
    figures = scoped_figures.get(
        "infrastructure.dashboard",
        (scoped_figures.scope_key(scope), repr(f)),
        lambda: _dashboard_figures(scope, f),
        aggregates_read=[READINESS],
    )
    by_area, by_level, total, worst, trend, as_of = (
        figures[k] for k in ("by_area", "by_level", "total", "worst", "trend", "as_of")
    )
    return render(
        request,
        "infrastructure/dashboard.html",
        {
            "filters": f,
            # Without the schools' own order: DISTINCT over (area, name_key, id) listed every
            # school — 3,500 options for 168 wards.
            "areas": registry.school_list(scope=scope)[0]
            .values_list("unit__parent_id", "unit__parent__name")
            .order_by("unit__parent__name", "unit__parent_id")
            .distinct(),
            "groupings": org_selectors.grouping_list(scope=scope).values_list("id", "name"),
            "total": total,
            "ppc": round(total["pupils"] / total["computers"], 1) if total["computers"] else None,
            "presentation": round(100 * total["rooms_ready"] / total["rooms"], 1) if total["rooms"] else None,
            "kbps": round(total["mbps"] * 1000 / total["pupils"], 1) if total["pupils"] else None,
            "broken": round(100 * total["broken"] / total["devices"], 1) if total["devices"] else None,
            "by_area": by_area,
            "by_level": by_level,
            "worst": worst,
            "area_chart": _chart(by_area, "key", "pupils_per_computer"),
            "area_share_chart": json.dumps(
                {
                    "labels": [r["key"] for r in by_area],
                    "values": [round(100 * (r["presentation_share"] or 0), 1) for r in by_area],
                }
            ),
            "level_chart": _chart(by_level, "key", "pupils_per_computer"),
            "trend_chart": json.dumps(
                {
                    "labels": [t["month"].strftime("%m/%Y") for t in trend],
                    "series": {
                        c: [t[c] for t in trend] for c in ("in_use", "needs_repair", "broken", "retired")
                    },
                }
            ),
            "thresholds": thresholds.current(),
            "as_of": as_of,
        },
    )


@login_required
def school_inventory(request, school_id: int):
    scope = request.scope
    school = registry.school_get(scope=scope, pk=school_id)
    scope.require(perms.VIEW, school.unit.path)
    r = selectors.readiness_of_school(scope=scope, school_id=school.pk)
    can_change = scope.can(perms.CHANGE, school.unit.path)
    declared_form = DeclaredTotalForm(initial={"total": selectors.declared_total(school.pk)})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied()
        declared_form = DeclaredTotalForm(request.POST)
        if declared_form.is_valid():
            services.profile_set_declared_total(
                actor=Actor.from_request(request), school=school, total=declared_form.cleaned_data["total"]
            )
            messages.success(request, _("Saved."))
            return redirect("infrastructure:school", school_id=school.pk)
    t = thresholds.current()
    cards = [
        (
            _("Pupils per working computer"),
            r.pupils_per_computer,
            f"≤ {t['max_pupils_per_computer']}",
            "pupils_per_computer",
            "",
        ),
        (
            _("Classrooms with projector/display and Internet"),
            r.presentation_share,
            f"≥ {t['min_presentation_share'] * 100:.0f} %",
            "presentation_share",
            "%",
        ),
        (
            _("Bandwidth per pupil (kbit/s)"),
            r.kbps_per_pupil,
            f"≥ {t['min_kbps_per_pupil']}",
            "kbps_per_pupil",
            "",
        ),
        (
            _("Computer-lab capacity / Informatics periods"),
            r.lab_ratio,
            f"≥ {t['min_lab_ratio']}",
            "lab_ratio",
            "",
        ),
        (
            _("Devices broken or needing repair"),
            r.broken_share,
            f"≤ {t['max_broken_share'] * 100:.0f} %",
            "broken_share",
            "%",
        ),
        (
            _("Devices older than the age limit"),
            r.old_share,
            f"≤ {t['max_old_share'] * 100:.0f} %",
            "old_share",
            "%",
        ),
        (
            _("Equipment under digital records"),
            r.digital_record_share,
            f"≥ {t['min_digital_record_share'] * 100:.0f} %",
            "digital_record_share",
            "%",
        ),
    ]
    return render(
        request,
        "infrastructure/school.html",
        {
            "school": school,
            "r": r,
            "cards": [
                {
                    "label": c[0],
                    "value": (
                        None if c[1] is None else (round(c[1] * 100, 1) if c[4] == "%" else round(c[1], 1))
                    ),
                    "target": c[2],
                    "below": c[3] in r.below,
                    "suffix": c[4],
                }
                for c in cards
            ],
            "rooms": selectors.room_list(scope=scope, school_id=school.pk),
            "connections": selectors.connection_list(scope=scope, school_id=school.pk),
            "licences": selectors.licence_list(scope=scope, school_id=school.pk),
            "devices_by_category": _device_counts(scope, school.pk),
            "can_change": can_change,
            "declared_form": declared_form,
            "needs": [(dict(DeviceCategory.choices).get(c, c), n) for c, n in r.needs.items()],
        },
    )


def _device_counts(scope, school_id):
    from django.db.models import Count

    qs, _order = selectors.device_list(scope=scope, filters=DeviceFilter(school=school_id))
    rows = qs.order_by().values("category", "condition").annotate(n=Count("id"))
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["category"], dict.fromkeys(Condition.values, 0))[row["condition"]] = row["n"]
    labels = dict(DeviceCategory.choices)
    return [
        {"category": labels[c], "code": c, **counts, "total": sum(counts.values())}
        for c, counts in sorted(table.items())
    ]
