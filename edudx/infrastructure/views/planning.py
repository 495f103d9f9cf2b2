"""Planning pages: the procurement gaps (with their XLSX) and the department's thresholds and
unit costs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from edudx.core import scoped_figures
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.core.exports import xlsx_response
from edudx.core.filters import parse_filter

from .. import permissions as perms
from .. import selectors, services, thresholds
from ..aggregates import READINESS
from ..filters import ReadinessFilter
from ..models import DeviceCategory

GAP_HEADERS = (
    "rank",
    "moet_code",
    "name",
    "area",
    "level",
    "pupils",
    "score",
    "below",
    "desktop",
    "projector",
    "network",
    "extra_mbps",
    "cost_vnd",
)


def _gap_rows(rows):
    labels = dict(readiness_labels())
    for r in rows:
        yield (
            r["rank"],
            r["moet_code"],
            r["name"],
            r["area"],
            r["level"],
            r["pupils"],
            r["score"],
            ", ".join(str(labels.get(b, b)) for b in r["below"]),
            r["needs"].get("desktop", 0),
            r["needs"].get("projector", 0),
            r["needs"].get("network", 0),
            r["extra_mbps"],
            r["cost_vnd"],
        )


def readiness_labels():
    return [
        ("pupils_per_computer", _("pupils per computer")),
        ("presentation_share", _("projectors/displays")),
        ("kbps_per_pupil", _("bandwidth")),
        ("lab_ratio", _("computer labs")),
        ("broken_share", _("broken devices")),
        ("old_share", _("old devices")),
        ("digital_record_share", _("digital records")),
    ]


@login_required
def gaps(request):
    scope = request.scope
    scope.require_any(perms.VIEW)
    f = parse_filter(ReadinessFilter, request.GET)
    # Ranked once per change of the readiness figures for every officer of one scope and filter
    # (core.scoped_figures): the department's list ranks 3,500 schools.
    rows = scoped_figures.get(
        "infrastructure.gaps",
        (scoped_figures.scope_key(scope), repr(f)),
        lambda: selectors.procurement_list(scope=scope, filters=f),
        aggregates_read=[READINESS],
    )
    if request.GET.get("format") == "xlsx":
        headers = [
            _("Rank"),
            _("MOET code"),
            _("School"),
            _("Ward/commune"),
            _("Level"),
            _("Pupils"),
            _("Readiness score"),
            _("Below thresholds"),
            _("Computers needed"),
            _("Projectors needed"),
            _("Network points needed"),
            _("Extra bandwidth (Mbps)"),
            _("Estimated cost (VND)"),
        ]
        return xlsx_response(
            name="ke-hoach-mua-sam.xlsx", headers=headers, rows=_gap_rows(rows), sheet=_("Procurement")
        )
    labels = dict(readiness_labels())
    return render(
        request,
        "infrastructure/gaps.html",
        {
            "rows": rows[:200],
            "count": len(rows),
            "total_cost": sum(r["cost_vnd"] for r in rows),
            "filters": f,
            "labels": labels,
        },
    )


@login_required
def threshold_settings(request):
    scope = request.scope
    scope.require_any(perms.MANAGE)
    current = thresholds.current()
    costs = thresholds.unit_costs()
    errors = []
    if request.method == "POST":
        actor = Actor.from_request(request)
        for p in thresholds.PARAMETERS:
            raw = request.POST.get(p.code, "").strip().replace(",", ".")
            if not raw:
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors.append(p.label)
                continue
            if value != current[p.code]:
                try:
                    services.threshold_set(actor=actor, code=p.code, value=value)
                except ValidationFailed:
                    errors.append(p.label)
        for cat, _label in DeviceCategory.choices:
            raw = request.POST.get(f"cost_{cat}", "").strip().replace(".", "").replace(",", "")
            if raw.isdigit() and int(raw) != costs.get(cat):
                services.unit_cost_set(actor=actor, category=cat, cost_vnd=int(raw))
        if errors:
            messages.error(request, _("Some values were not numbers and were not saved."))
        else:
            messages.success(request, _("Saved."))
        return redirect("infrastructure:thresholds")
    return render(
        request,
        "infrastructure/thresholds.html",
        {
            "params": [{"p": p, "value": current[p.code]} for p in thresholds.PARAMETERS],
            "costs": [
                {"code": c, "label": label, "value": costs.get(c, 0)} for c, label in DeviceCategory.choices
            ],
        },
    )
