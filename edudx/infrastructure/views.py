"""HTML pages: readiness dashboard, school inventory, devices (with QR labels and the
two-tap condition update from a phone), gaps and procurement, thresholds."""

from __future__ import annotations

import io
import json
from decimal import Decimal, InvalidOperation

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.core.exports import export_response, xlsx_response
from edudx.core.filters import parse_filter
from edudx.core.forms import apply_domain_error
from edudx.core.pagination import paginate
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry

from . import permissions as perms
from . import selectors, services, thresholds
from .filters import DeviceFilter, ReadinessFilter
from .forms import ConditionForm, ConnectionForm, DeclaredTotalForm, DeviceForm, LicenceForm, RoomForm
from .models import Condition, DeviceCategory

PAGE_SIZE = 50


def _chart(rows, key, value):
    return json.dumps(
        {
            "labels": [str(r[key]) for r in rows],
            "values": [r[value] if r[value] is not None else 0 for r in rows],
        }
    )


@login_required
def dashboard(request):
    scope = request.scope
    scope.require_any(perms.VIEW)
    f = parse_filter(ReadinessFilter, request.GET)
    results = selectors.readiness_for(scope=scope, filters=f)
    by_area = selectors.summarise(results, "area")
    by_level = selectors.summarise(results, "level")
    city = selectors.summarise(results, "ownership")
    total = {
        k: sum(r[k] for r in city)
        for k in (
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
    }
    worst = sorted(results.values(), key=lambda r: (r.score, -(r.pupils_per_computer or 0)))[:10]
    names = {s["id"]: s for s in registry.school_summaries([r.school_id for r in worst])}
    trend = selectors.condition_over_time(scope=scope)
    return render(
        request,
        "infrastructure/dashboard.html",
        {
            "filters": f,
            "areas": registry.school_list(scope=scope)[0]
            .values_list("unit__parent_id", "unit__parent__name")
            .distinct(),
            "groupings": org_selectors.grouping_list(scope=scope).values_list("id", "name"),
            "total": total,
            "ppc": round(total["pupils"] / total["computers"], 1) if total["computers"] else None,
            "presentation": round(100 * total["rooms_ready"] / total["rooms"], 1) if total["rooms"] else None,
            "kbps": round(total["mbps"] * 1000 / total["pupils"], 1) if total["pupils"] else None,
            "broken": round(100 * total["broken"] / total["devices"], 1) if total["devices"] else None,
            "by_area": by_area,
            "by_level": by_level,
            "worst": [{"r": r, "s": names.get(r.school_id, {})} for r in worst],
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


@login_required
def device_list(request):
    scope = request.scope
    scope.require_any(perms.VIEW)
    f = parse_filter(DeviceFilter, request.GET)
    qs, order = selectors.device_list(scope=scope, filters=f)
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = (
            (
                d.asset_tag,
                d.school.unit.name,
                d.get_category_display(),
                d.make,
                d.model,
                d.serial_number,
                d.acquired_on,
                d.get_funding_display(),
                d.get_condition_display(),
                d.room.name if d.room else "",
                d.location,
            )
            for d in qs.order_by(*order).iterator(chunk_size=2000)
        )
        headers = [
            _("Asset tag"),
            _("School"),
            _("Category"),
            _("Make"),
            _("Model"),
            _("Serial number"),
            _("Acquired on"),
            _("Funding source"),
            _("Condition"),
            _("Room"),
            _("Location"),
        ]
        return export_response(request, name="thiet-bi", headers=headers, rows=rows)
    page = paginate(qs, order=order, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    ctx = {
        "filters": f,
        "page": page,
        "categories": DeviceCategory.choices,
        "conditions": Condition.choices,
        "schools": registry.school_list(scope=scope)[0].values_list("id", "unit__name")[:500],
    }
    if getattr(request, "htmx", False):
        return render(request, "infrastructure/_device_table.html", ctx)
    return render(request, "infrastructure/device_list.html", ctx)


@login_required
def device_detail(request, device_id: int):
    scope = request.scope
    device = selectors.device_get(scope=scope, pk=device_id)
    return render(
        request,
        "infrastructure/device_detail.html",
        {
            "device": device,
            "conditions": Condition.choices,
            "can_report": scope.can(perms.REPORT_CONDITION, device.school.unit.path),
            "can_change": scope.can(perms.CHANGE, device.school.unit.path),
            "history": history.entries_for(device),
            "qr_svg": _qr_svg(request, device),
        },
    )


@login_required
@require_POST
def device_condition(request, device_id: int):
    """The second tap: the phone posts the new condition and is sent back to the device."""
    device = selectors.device_get(scope=request.scope, pk=device_id)
    form = ConditionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown condition."))
    else:
        services.device_set_condition(
            actor=Actor.from_request(request),
            device=device,
            condition=form.cleaned_data["condition"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Condition saved: %(c)s") % {"c": device.get_condition_display()})
    return redirect("infrastructure:device_detail", device_id=device.pk)


def _qr_svg(request, device) -> str:
    url = request.build_absolute_uri(reverse("infrastructure:device_detail", kwargs={"device_id": device.pk}))
    return segno.make(url, error="m").svg_inline(scale=3, dark="#0b4f8a")


@login_required
def labels(request, school_id: int):
    """A printable sheet of asset labels with QR codes that open each device's page."""
    scope = request.scope
    school = registry.school_get(scope=scope, pk=school_id)
    scope.require(perms.VIEW, school.unit.path)
    qs, order = selectors.device_list(scope=scope, filters=DeviceFilter(school=school.pk))
    devices = [
        {"d": d, "qr": _qr_svg(request, d)}
        for d in qs.exclude(condition=Condition.RETIRED).order_by(*order)[:400]
    ]
    return render(request, "infrastructure/labels.html", {"school": school, "devices": devices})


def _device_form_page(request, *, school, device=None):
    scope = request.scope
    rooms = selectors.room_list(scope=scope, school_id=school.pk)
    form = DeviceForm(request.POST or None, instance=device, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if device is None:
                device = services.device_create(actor=Actor.from_request(request), school=school, data=data)
            else:
                services.device_update(actor=Actor.from_request(request), device=device, data=data)
            messages.success(request, _("Saved."))
            return redirect("infrastructure:device_detail", device_id=device.pk)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
    return render(
        request,
        "infrastructure/form.html",
        {
            "form": form,
            "school": school,
            "title": _("Device"),
            "back": reverse("infrastructure:school", kwargs={"school_id": school.pk}),
        },
    )


@login_required
def device_create(request, school_id: int):
    school = registry.school_get(scope=request.scope, pk=school_id)
    request.scope.require(perms.CHANGE, school.unit.path)
    return _device_form_page(request, school=school)


@login_required
def device_edit(request, device_id: int):
    device = selectors.device_get(scope=request.scope, pk=device_id)
    request.scope.require(perms.CHANGE, device.school.unit.path)
    return _device_form_page(request, school=device.school, device=device)


def _simple_form_page(request, *, school, form_class, create, update, obj=None, title):
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if obj is None:
                create(actor=Actor.from_request(request), school=school, data=data)
            else:
                update(Actor.from_request(request), obj, data)
            messages.success(request, _("Saved."))
            return redirect("infrastructure:school", school_id=school.pk)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
    return render(
        request,
        "infrastructure/form.html",
        {
            "form": form,
            "school": school,
            "title": title,
            "back": reverse("infrastructure:school", kwargs={"school_id": school.pk}),
        },
    )


@login_required
def room_create(request, school_id: int):
    school = registry.school_get(scope=request.scope, pk=school_id)
    request.scope.require(perms.CHANGE, school.unit.path)
    return _simple_form_page(
        request, school=school, form_class=RoomForm, create=services.room_create, update=None, title=_("Room")
    )


@login_required
def room_edit(request, room_id: int):
    room = selectors.room_get(scope=request.scope, pk=room_id)
    request.scope.require(perms.CHANGE, room.school.unit.path)
    return _simple_form_page(
        request,
        school=room.school,
        form_class=RoomForm,
        create=None,
        obj=room,
        title=_("Room"),
        update=lambda actor, obj, data: services.room_update(actor=actor, room=obj, data=data),
    )


@login_required
def connection_create(request, school_id: int):
    school = registry.school_get(scope=request.scope, pk=school_id)
    request.scope.require(perms.CHANGE, school.unit.path)
    return _simple_form_page(
        request,
        school=school,
        form_class=ConnectionForm,
        create=services.connection_create,
        update=None,
        title=_("Internet connection"),
    )


@login_required
def connection_edit(request, connection_id: int):
    conn = selectors.connection_get(scope=request.scope, pk=connection_id)
    request.scope.require(perms.CHANGE, conn.school.unit.path)
    return _simple_form_page(
        request,
        school=conn.school,
        form_class=ConnectionForm,
        create=None,
        obj=conn,
        title=_("Internet connection"),
        update=lambda actor, obj, data: services.connection_update(actor=actor, connection=obj, data=data),
    )


@login_required
def licence_create(request, school_id: int):
    school = registry.school_get(scope=request.scope, pk=school_id)
    request.scope.require(perms.CHANGE, school.unit.path)
    return _simple_form_page(
        request,
        school=school,
        form_class=LicenceForm,
        create=services.licence_create,
        update=None,
        title=_("Software licence"),
    )


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
    rows = selectors.procurement_list(scope=scope, filters=f)
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


@login_required
def device_qr(request, device_id: int):
    device = selectors.device_get(scope=request.scope, pk=device_id)
    url = request.build_absolute_uri(reverse("infrastructure:device_detail", kwargs={"device_id": device.pk}))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, dark="#0b4f8a")
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{device.asset_tag}.svg"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
