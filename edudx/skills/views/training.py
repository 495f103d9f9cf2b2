"""Training plans (issue #16 item 4): the gaps per unit (counts), a school's plan (who needs
which competence, trained since or not) and the training records it keeps, with the form that
records one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from edudx.core import exports
from edudx.core.scope import Scope
from edudx.core.views import ServiceFormView, typed_input
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors
from ..forms import TrainingRecordForm
from ..schemas import TrainingRecordIn
from ..selectors import training as training_selectors
from ..services import training as training_services
from . import _area, _int


def _campaign(request: HttpRequest) -> tuple[list[Any], Any]:
    campaigns = list(selectors.campaign_list())
    chosen = _int(request.GET.get("campaign"))
    return campaigns, next((c for c in campaigns if c.pk == chosen), campaigns[0] if campaigns else None)


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    campaigns, campaign = _campaign(request)
    area, area_name = _area(request)
    data = training_selectors.needs(scope=scope, campaign=campaign, area=area) if campaign else None
    rows = [r for r in data["rows"] if r["below_target"]] if data else []
    if data and request.GET.get("format") in ("csv", "xlsx"):
        return exports.export_response(
            request,
            name="ke-hoach-boi-duong",
            headers=[_("Unit"), _("Competence"), _("Confirmed"), _("Below the target")],
            rows=([r["unit"], r["competence"], r["assessed"], r["below_target"]] for r in rows),
        )
    return render(
        request,
        "skills/training_needs.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "rows": rows,
            "area": area,
            "area_name": area_name,
            "as_of": data["as_of"] if data else None,
            "may_plan": scope.has_perm(perms.MANAGE_TRAINING),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def school_plan(request: HttpRequest, school_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    school = registry.school_get(scope=scope, pk=school_id)
    scope.require(perms.MANAGE_TRAINING, school.unit.path)
    campaigns, campaign = _campaign(request)
    items = training_selectors.plan(scope=scope, campaign=campaign, school_id=school.pk) if campaign else []
    records = training_selectors.training_list(scope=scope, school_id=school.pk)[:500]
    return render(
        request,
        "skills/training_school.html",
        {"school": school, "campaigns": campaigns, "campaign": campaign, "items": items, "records": records},
    )


def _school_url(school: Any) -> str:
    return reverse("skills:training_school", kwargs={"school_id": school.pk})


class TrainingCreate(ServiceFormView["Any"]):
    form_class = TrainingRecordForm
    permission = perms.MANAGE_TRAINING
    pk_kwarg = "school_id"
    template_name = "skills/form.html"
    title = _lazy("Training record")
    success_message = _lazy("Saved.")

    def lookup(self, scope: Scope, pk: int) -> Any:
        return registry.school_get(scope=scope, pk=pk)

    def unit_path(self, school: Any) -> str:
        return str(school.unit.path)

    def form_kwargs(self, school: Any) -> dict[str, Any]:
        staff = registry.staff_list(scope=self.scope)[0].filter(school_id=school.pk)
        return {
            "staff": [(s.pk, s.full_name) for s in staff.order_by("sort_name")[:2000]],
            "competences": [(c.pk, f"{c.code} {c.name}") for c in selectors.staff_competences()],
        }

    def save(self, form: Any, school: Any) -> Any:
        data = typed_input(form, TrainingRecordIn, form.cleaned_data)
        return training_services.training_record(actor=self.actor, data=data)

    def success_url(self, saved: Any, school: Any) -> str:
        return _school_url(school)

    def context(self, form: Any, school: Any) -> dict[str, Any]:
        return {"subject": school.name, "back": _school_url(school)}


training_create = TrainingCreate.as_view()
