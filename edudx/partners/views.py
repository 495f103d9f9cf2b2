"""Partners pages: the catalogue, an app's page with its review workflow, a school's requests,
OAuth clients (secret shown once), usage, and a pupil's data page (consent, who received
what). Pages parse, call one selector or service, render; they write nothing themselves."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied
from edudx.core.forms import apply_domain_error
from edudx.core.scope import Scope
from edudx.core.views import ServiceFormView
from edudx.registry import selectors as registry

from . import permissions as perms
from . import selectors, services
from .forms import AppForm, ClientForm, CompanyForm, ConsentForm, ContractForm, ReviewForm, UseRequestForm
from .models import AppState, Company, PartnerApp, UseState
from .profiles import REVIEW_ITEMS
from .schemas import AppIn, CompanyIn, ContractIn, ReviewIn


def _scope(request: HttpRequest) -> Scope:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    return scope


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    state = request.GET.get("state", "") if request.GET.get("state", "") in AppState.values else ""
    apps = selectors.app_list(scope=scope, state=state, q=request.GET.get("q", "")[:100])[:200]
    ctx = {
        "apps": apps,
        "states": AppState.choices,
        "state": state,
        "manager": scope.has_perm(perms.MANAGE),
        "companies": selectors.company_list(scope=scope) if scope.has_perm(perms.MANAGE) else [],
    }
    return render(request, "partners/catalogue.html", ctx)


@login_required
def app_detail(request: HttpRequest, app_id: int) -> HttpResponse:
    scope = _scope(request)
    app = selectors.app_get(scope=scope, pk=app_id)
    detail = selectors.app_detail(scope=scope, app=app)
    review = [(key, label, app.review.get(key) or {}) for key, label in REVIEW_ITEMS]
    ctx = {"app": app, "review": review, "moves": sorted(services.MOVES), **detail}
    ctx["can_request"] = app.state == AppState.APPROVED and scope.has_perm(perms.REQUEST)
    return render(request, "partners/app.html", ctx)


class _OnApp(ServiceFormView[PartnerApp]):
    permission = perms.MANAGE
    pk_kwarg = "app_id"
    template_name = "partners/form.html"

    def lookup(self, scope: Scope, pk: int) -> PartnerApp:
        if not scope.has_perm(perms.MANAGE):
            raise NotFound()
        return selectors.app_get(scope=scope, pk=pk)

    def unit_path(self, obj: PartnerApp) -> str | None:
        paths = self.scope.paths_for(perms.MANAGE)
        return paths[0] if paths else None

    def success_url(self, saved: Any, obj: PartnerApp | None) -> str:
        assert obj is not None
        return reverse("partners:app", kwargs={"app_id": obj.pk})

    def context(self, form: Any, obj: PartnerApp | None) -> dict[str, Any]:
        return {"subject": obj, "back": self.success_url(None, obj)}


class CompanyCreate(ServiceFormView[Company]):
    form_class = CompanyForm
    permission = perms.MANAGE
    template_name = "partners/form.html"
    title = _("New partner company")

    def save(self, form: Any, obj: Company | None) -> Company:
        return services.company_create(actor=self.actor, data=CompanyIn(**form.cleaned_data))

    def success_url(self, saved: Any, obj: Company | None) -> str:
        return reverse("partners:catalogue")

    def context(self, form: Any, obj: Company | None) -> dict[str, Any]:
        return {"back": reverse("partners:catalogue")}


class AppCreate(ServiceFormView[Company]):
    form_class = AppForm
    permission = perms.MANAGE
    pk_kwarg = "company_id"
    template_name = "partners/form.html"
    title = _("New app")

    def lookup(self, scope: Scope, pk: int) -> Company:
        return selectors.company_get(scope=scope, pk=pk)

    def unit_path(self, obj: Company) -> str | None:
        paths = self.scope.paths_for(perms.MANAGE)
        return paths[0] if paths else None

    def save(self, form: Any, obj: Company | None) -> PartnerApp:
        assert obj is not None
        return services.app_create(actor=self.actor, company=obj, data=AppIn(**form.cleaned_data))

    def success_url(self, saved: Any, obj: Company | None) -> str:
        return reverse("partners:app", kwargs={"app_id": saved.pk})

    def context(self, form: Any, obj: Company | None) -> dict[str, Any]:
        return {"subject": obj, "back": reverse("partners:catalogue")}


class AppEdit(_OnApp):
    form_class = AppForm
    title = _("Edit app")

    def form_kwargs(self, obj: PartnerApp | None) -> dict[str, Any]:
        assert obj is not None
        return {
            "initial": {
                "name": obj.name,
                "kind": obj.kind,
                "description": obj.description,
                "categories": obj.categories,
            }
        }

    def save(self, form: Any, obj: PartnerApp | None) -> PartnerApp:
        assert obj is not None
        return services.app_update(actor=self.actor, app=obj, data=AppIn(**form.cleaned_data))


class AppReview(_OnApp):
    form_class = ReviewForm
    title = _("Privacy and security review")

    def form_kwargs(self, obj: PartnerApp | None) -> dict[str, Any]:
        assert obj is not None
        return {"review": obj.review}

    def save(self, form: Any, obj: PartnerApp | None) -> PartnerApp:
        assert obj is not None
        d = form.cleaned_data
        items = {key: (bool(d[f"{key}_ok"]), d[f"{key}_note"]) for key, _label in REVIEW_ITEMS}
        return services.app_review(actor=self.actor, app=obj, data=ReviewIn(items=items))


class ContractAdd(_OnApp):
    form_class = ContractForm
    title = _("New contract")

    def save(self, form: Any, obj: PartnerApp | None) -> Any:
        assert obj is not None
        return services.contract_add(actor=self.actor, app=obj, data=ContractIn(**form.cleaned_data))


class UseRequest(ServiceFormView[PartnerApp]):
    form_class = UseRequestForm
    permission = perms.REQUEST
    pk_kwarg = "app_id"
    template_name = "partners/form.html"
    title = _("Request this app for a school")

    def lookup(self, scope: Scope, pk: int) -> PartnerApp:
        return selectors.app_get(scope=scope, pk=pk)

    def unit_path(self, obj: PartnerApp) -> str | None:
        paths = self.scope.paths_for(perms.REQUEST)
        return paths[0] if paths else None

    def _schools(self) -> list[Any]:
        schools, _order = registry.school_list(scope=self.scope)
        return [s for s in schools[:500] if self.scope.can(perms.REQUEST, s.unit.path)]

    def form_kwargs(self, obj: PartnerApp | None) -> dict[str, Any]:
        return {"schools": self._schools()}

    def save(self, form: Any, obj: PartnerApp | None) -> Any:
        assert obj is not None
        school = registry.school_get(scope=self.scope, pk=form.cleaned_data["school"])
        return services.use_request(
            actor=self.actor,
            app=obj,
            school=school,
            legal_basis=form.cleaned_data["legal_basis"],
            purpose=form.cleaned_data["purpose"],
        )

    def success_url(self, saved: Any, obj: PartnerApp | None) -> str:
        return reverse("partners:requests")

    def context(self, form: Any, obj: PartnerApp | None) -> dict[str, Any]:
        return {"subject": obj, "back": reverse("partners:catalogue")}


company_create = CompanyCreate.as_view()
app_create = AppCreate.as_view()
app_edit = AppEdit.as_view()
app_review = AppReview.as_view()
contract_add = ContractAdd.as_view()
use_request = UseRequest.as_view()


@login_required
@require_POST
def app_move(request: HttpRequest, app_id: int, move: str) -> HttpResponse:
    scope = _scope(request)
    if not scope.has_perm(perms.MANAGE):
        raise NotFound()
    app = selectors.app_get(scope=scope, pk=app_id)
    try:
        services.app_move(actor=Actor.from_request(request), app=app, move=move)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("partners:app", kwargs={"app_id": app.pk}))


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    scope.require_any(perms.VIEW)
    state = request.GET.get("state", "") if request.GET.get("state", "") in UseState.values else ""
    uses = selectors.use_list(scope=scope, state=state)[:300]
    ctx = {
        "uses": uses,
        "states": UseState.choices,
        "state": state,
        "can_decide": scope.has_perm(perms.APPROVE),
    }
    return render(request, "partners/requests.html", ctx)


@login_required
@require_POST
def use_decide(request: HttpRequest, use_id: int) -> HttpResponse:
    scope = _scope(request)
    use = selectors.use_get(scope=scope, pk=use_id)
    decision = request.POST.get("decision", "")
    actor = Actor.from_request(request)
    try:
        if decision == "revoke":
            services.use_revoke(actor=actor, use=use)
        else:
            services.use_decide(actor=actor, use=use, approve=decision == "approve")
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("partners:requests"))


@login_required
def client_create(request: HttpRequest, app_id: int) -> HttpResponse:
    """A new OAuth client; its secret is shown on this answer once and never again."""
    scope = _scope(request)
    if not scope.has_perm(perms.MANAGE):
        raise NotFound()
    app = selectors.app_get(scope=scope, pk=app_id)
    form = ClientForm(request.POST or None, scopes=services.known_scopes())
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.client_create(
                actor=Actor.from_request(request),
                app=app,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return _secret_page(request, app, client.client_id, secret)
    back = reverse("partners:app", kwargs={"app_id": app.pk})
    ctx = {"form": form, "title": gettext("New OAuth client"), "subject": app, "back": back}
    return render(request, "partners/form.html", ctx)


def _secret_page(request: HttpRequest, app: PartnerApp, client_id: str, secret: str) -> HttpResponse:
    response = render(request, "partners/secret.html", {"app": app, "client_id": client_id, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def client_rotate(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get(scope=_scope(request), pk=client_id)
    try:
        secret = services.client_rotate(actor=Actor.from_request(request), client=client)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("partners:app", kwargs={"app_id": client.app_id}))
    return _secret_page(request, client.app, client.client_id, secret)


@login_required
@require_POST
def client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get(scope=_scope(request), pk=client_id)
    try:
        services.client_revoke(actor=Actor.from_request(request), client=client)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("partners:app", kwargs={"app_id": client.app_id}))


@login_required
def usage(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/usage.html", selectors.usage(scope=_scope(request)))


def _consent_form(request: HttpRequest, student: Any, data: Any = None) -> ConsentForm:
    scope = _scope(request)
    parties = []
    if scope.can(perms.RECORD_CONSENT, student.school.unit.path):
        parties.append("parent")
    if services.is_self(scope, student):
        parties.append("pupil")
    apps = [u.app for u in selectors.uses_for_school(student.school_id)]
    return ConsentForm(data, apps=apps, parties=parties)


@login_required
def subject(request: HttpRequest, student_id: int) -> HttpResponse:
    """A pupil's data page: which apps received the pupil's data, when, on what basis."""
    scope = _scope(request)
    student = registry.student_get(scope=scope, pk=student_id)
    rows = selectors.subject_view(scope=scope, student=student)
    form = _consent_form(request, student)
    ctx = {
        "student": student,
        "rows": rows,
        "form": form,
        "can_answer": bool(cast(Any, form.fields["party"]).choices),
        "can_link": scope.can(perms.RECORD_CONSENT, student.school.unit.path if student.school else None),
    }
    return render(request, "partners/subject.html", ctx)


@login_required
@require_POST
def consent(request: HttpRequest, student_id: int) -> HttpResponse:
    scope = _scope(request)
    student = registry.student_get(scope=scope, pk=student_id)
    form = _consent_form(request, student, request.POST)
    if form.is_valid():
        app = selectors.app_get(scope=scope, pk=form.cleaned_data["app"])
        try:
            services.consent_set(
                actor=Actor.from_request(request),
                app=app,
                student=student,
                party=form.cleaned_data["party"],
                given=form.cleaned_data["given"],
                channel=form.cleaned_data["channel"],
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, gettext("The answer is recorded."))
    else:
        messages.error(request, gettext("The answer is not valid."))
    return HttpResponseRedirect(reverse("partners:subject", kwargs={"student_id": student.pk}))
