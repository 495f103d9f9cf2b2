"""School years page (the department's administrators): the list, a new year, choosing the
current one, closing a finished one. Every step is a service call with its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.forms import apply_domain_error

from .. import permissions as perms
from .. import selectors, services
from ..forms import SchoolYearForm


def _page(request: HttpRequest, form: SchoolYearForm | None = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "registry/year_list.html",
        {"years": selectors.year_list().order_by("-code"), "form": form or SchoolYearForm()},
        status=status,
    )


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    request.scope.require_any(perms.MANAGE_YEARS)  # type: ignore[attr-defined]
    return _page(request)


@login_required
@require_POST
def year_create(request: HttpRequest) -> HttpResponse:
    request.scope.require_any(perms.MANAGE_YEARS)  # type: ignore[attr-defined]
    form = SchoolYearForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            year = services.school_year_create(
                actor=Actor.from_request(request), code=data["code"], start_date=data["start_date"],
                end_date=data["end_date"], is_current=data["is_current"],
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("School year %(code)s created.") % {"code": year.code})
            return redirect("registry:year_list")
    return _page(request, form, status=422)


def _year(request: HttpRequest, year_id: int):  # noqa: ANN202 - a SchoolYear
    request.scope.require_any(perms.MANAGE_YEARS)  # type: ignore[attr-defined]
    year = selectors.year_list().filter(pk=year_id).first()
    if year is None:
        raise NotFound()
    return year


def _step(request: HttpRequest, year_id: int, service, done: str) -> HttpResponse:  # noqa: ANN001
    year = _year(request, year_id)
    try:
        service(actor=Actor.from_request(request), year=year)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, status=409)
    messages.success(request, done % {"code": year.code})
    return redirect("registry:year_list")


@login_required
@require_POST
def year_set_current(request: HttpRequest, year_id: int) -> HttpResponse:
    return _step(
        request, year_id, services.school_year_set_current, _("%(code)s is now the current school year.")
    )


@login_required
@require_POST
def year_close(request: HttpRequest, year_id: int) -> HttpResponse:
    return _step(request, year_id, services.school_year_close, _("School year %(code)s closed."))
