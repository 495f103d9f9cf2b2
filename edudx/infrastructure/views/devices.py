"""Device pages: the list (with its export), a device's page with its QR code and the
two-tap condition update from a phone, printable labels, and the device form."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.exports import export_response
from edudx.core.filters import parse_filter
from edudx.core.pagination import paginate
from edudx.core.views import typed_input
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors, services
from ..filters import DeviceFilter
from ..forms import ConditionForm, DeviceForm
from ..models import Condition, Device, DeviceCategory
from ..schemas import DeviceIn, DevicePatch
from .inventory import NewOnSchool, OnSchool

PAGE_SIZE = 50


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


def _device_values(form) -> dict[str, Any]:
    """The form's values as the typed input names them (the room by its id)."""
    values = {k: form.cleaned_data[k] for k in DeviceForm.Meta.fields if k != "room"}
    room = form.cleaned_data["room"]
    return {**values, "room_id": room.pk if room else None}


class DeviceCreate(NewOnSchool):
    form_class = DeviceForm
    title = _lazy("Device")

    def form_kwargs(self, school):
        return {"rooms": selectors.room_list(scope=self.scope, school_id=school.pk)}

    def save(self, form, school):
        data = typed_input(form, DeviceIn, _device_values(form))
        return services.device_create(actor=self.actor, school=school, data=data)

    def success_url(self, device, school):
        return reverse("infrastructure:device_detail", kwargs={"device_id": device.pk})


class DeviceEdit(OnSchool[Device]):
    form_class = DeviceForm
    pk_kwarg = "device_id"
    title = _lazy("Device")

    def lookup(self, scope, pk):
        return selectors.device_get(scope=scope, pk=pk)

    def form_kwargs(self, device):
        return {
            "initial": model_to_dict(device, fields=DeviceForm.Meta.fields),
            "rooms": selectors.room_list(scope=self.scope, school_id=device.school_id),
        }

    def save(self, form, device):
        data = typed_input(form, DevicePatch, _device_values(form))
        return services.device_update(actor=self.actor, device=device, data=data)

    def success_url(self, saved, device):
        return reverse("infrastructure:device_detail", kwargs={"device_id": device.pk})


device_create = DeviceCreate.as_view()
device_edit = DeviceEdit.as_view()
