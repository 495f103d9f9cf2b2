"""The department's catalogue pages: certificates (create, edit) and the target level per
position of a teachers' framework — each a declaration on `core.views.ServiceFormView` — and the
expiry alerts a reader receives."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from edudx.core.actor import Actor
from edudx.core.errors import NotFound, PermissionDenied
from edudx.core.scope import Scope
from edudx.core.views import ServiceFormView, typed_input

from .. import permissions as perms
from .. import selectors
from ..forms import CertificateForm, TargetForm
from ..models import Certificate, Framework
from ..schemas import CertificateIn, TargetIn
from ..services import catalogue as catalogue_services
from ..services.common import city_path, own_staff_id


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.MANAGE)
    frameworks = [f for f in selectors.frameworks() if f.audience == Framework.Audience.TEACHER]
    return render(
        request,
        "skills/catalogue.html",
        {
            "certificates": selectors.certificate_list(active_only=False).prefetch_related("modules"),
            "frameworks": [(f, list(f.targets.order_by("position"))) for f in frameworks],
        },
    )


def _catalogue_url(*_args: Any) -> str:
    return reverse("skills:catalogue")


class OnCatalogue(ServiceFormView[Any]):
    """A department page about the catalogue: `skills.manage` on the department's unit."""

    permission = perms.MANAGE
    template_name = "skills/form.html"
    success_message = _lazy("Saved.")

    def unit_path(self, obj: Any) -> str:
        return city_path()

    def success_url(self, saved: Any, obj: Any) -> str:
        return _catalogue_url()

    def context(self, form: Any, obj: Any) -> dict[str, Any]:
        return {"subject": str(obj) if obj is not None else "", "back": _catalogue_url()}


def _certificate_in(form: CertificateForm) -> CertificateIn:
    data = dict(form.cleaned_data)
    data["levels"] = CertificateForm.split(data.get("levels") or "")
    data["module_codes"] = [c.upper() for c in CertificateForm.split(data.get("module_codes") or "")]
    data["meets_standard"] = data.get("meets_standard") or ""
    return typed_input(form, CertificateIn, data)


class CertificateCreate(OnCatalogue):
    form_class = CertificateForm
    title = _lazy("New certificate")

    def target(self) -> Any:
        self.scope.require(self.permission, city_path())
        return None

    def save(self, form: Any, obj: Any) -> Certificate:
        return catalogue_services.certificate_create(actor=self.actor, data=_certificate_in(form))


class CertificateEdit(OnCatalogue):
    form_class = CertificateForm
    pk_kwarg = "certificate_id"
    title = _lazy("Certificate")

    def lookup(self, scope: Scope, pk: int) -> Certificate:
        return selectors.catalogue_get(pk=pk)

    def form_kwargs(self, cert: Any) -> dict[str, Any]:
        initial = {f: getattr(cert, f) for f in ("code", "name", "family", "issuer", "validity_months",
                                                 "meets_standard", "verify", "note")}  # fmt: skip
        initial["levels"] = "\n".join(cert.levels or [])
        initial["module_codes"] = ", ".join(m.code for m in cert.modules.order_by("code"))
        return {"initial": initial}

    def save(self, form: Any, cert: Any) -> Certificate:
        return catalogue_services.certificate_update(
            actor=self.actor, certificate=cert, data=_certificate_in(form)
        )


class TargetSet(OnCatalogue):
    form_class = TargetForm
    pk_kwarg = "competence_framework_id"
    title = _lazy("Target level")

    def lookup(self, scope: Scope, pk: int) -> Framework:
        fw = selectors.framework_get(pk=pk)
        if fw.audience != Framework.Audience.TEACHER:
            raise NotFound()
        return fw

    def form_kwargs(self, fw: Any) -> dict[str, Any]:
        return {"levels": [(lv.rank, f"{lv.rank} · {lv.name}") for lv in fw.levels.order_by("rank")]}

    def save(self, form: Any, fw: Any) -> Any:
        return catalogue_services.target_set(
            actor=self.actor, framework=fw, data=typed_input(form, TargetIn, form.cleaned_data)
        )


certificate_create = CertificateCreate.as_view()
certificate_edit = CertificateEdit.as_view()
target_set = TargetSet.as_view()


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Expiry alerts: the reader's own certificates and those of the schools they manage."""
    actor = Actor.from_request(request)
    staff_id = own_staff_id(actor) if actor.scope.has_perm(perms.ASSESS) else None
    if staff_id is None and not actor.scope.has_perm(perms.MANAGE_CERTS):
        raise PermissionDenied()
    rows = selectors.alerts(scope=actor.scope, staff_id=staff_id)[:500]
    return render(request, "skills/alerts.html", {"alerts": rows, "staff_id": staff_id})
