"""Open courses and citizens (phone width first): the public catalogue, a course's page with
its enrol button, self-registration with a code sent to an e-mail or a phone, and the
learner's own record (page and CSV/XLSX export)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.forms import apply_domain_error

from .. import permissions as perms
from .. import services
from ..selectors import open as open_selectors

SESSION_KEY = "learning_citizen_pending"


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    contact = forms.CharField(label=gettext_lazy("E-mail or phone number"), max_length=254)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=128)


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=12)


def catalogue(request: HttpRequest) -> HttpResponse:
    courses = list(open_selectors.open_course_list()[:200])
    return render(request, "learning/open_list.html", {"courses": courses})


def open_course(request: HttpRequest, course_id: int) -> HttpResponse:
    course = open_selectors.open_course_get(course_id)
    user_id = request.user.pk if request.user.is_authenticated else None
    enrolled = open_selectors.is_enrolled(course=course, user_id=user_id)
    ctx: dict[str, Any] = {
        "course": course,
        "enrolled": enrolled,
        "lessons": open_selectors.open_course_lessons(course=course, user_id=user_id if enrolled else None),
        "refusal": services.open_course_error(course),
        "places_left": (course.capacity - course.learners) if course.capacity else None,  # type: ignore[attr-defined]
        "certificate": services.certificate_of(course=course, user_id=user_id) if enrolled else None,
    }
    return render(request, "learning/open_course.html", ctx)


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = open_selectors.open_course_get(course_id)
    try:
        services.open_enrol(actor=Actor.from_request(request), course=course)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("learning:open_course", kwargs={"course_id": course.pk}))


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("learning:open_list"))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen = services.citizen_register(
                full_name=form.cleaned_data["full_name"],
                contact=form.cleaned_data["contact"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session[SESSION_KEY] = citizen.pk
            return HttpResponseRedirect(reverse("learning:register_verify"))
    return render(request, "learning/register.html", {"form": form})


def register_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, int):
        return HttpResponseRedirect(reverse("learning:register"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen = services.citizen_verify(citizen_id=pending, code=form.cleaned_data["code"])
        except NotFound:
            request.session.pop(SESSION_KEY, None)
            return HttpResponseRedirect(reverse("learning:register"))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, citizen.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return HttpResponseRedirect(reverse("learning:open_list"))
    return render(request, "learning/register_verify.html", {"form": form})


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    record = open_selectors.learner_record(user_id=Actor.from_request(request).user.pk)
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = [
            _("Course"),
            _("Enrolled"),
            _("Lessons"),
            _("Completed"),
            _("Score (%)"),
            _("Completed on"),
            _("Certificate"),
        ]
        rows = (
            [
                r.course.title,
                r.enrolled_at,
                r.lessons,
                r.completed,
                r.score,
                r.completed_at,
                r.certificate.number if r.certificate else "",
            ]
            for r in record.rows
        )
        return exports.export_response(request, name="learner-record", headers=headers, rows=rows)
    return render(request, "learning/my_record.html", {"record": record})


@login_required
def certificate_pdf(request: HttpRequest, course_id: int) -> HttpResponse:
    """The learner's own certificate of the course as a PDF."""
    course = open_selectors.open_course_get(course_id)
    cert = services.certificate_of(course=course, user_id=request.user.pk)
    if cert is None:
        raise NotFound()
    response = HttpResponse(services.certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-chi-{cert.number}.pdf"'
    return response


@require_safe
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public: anyone holding the certificate's number (printed, or in the QR code) sees
    whether it is genuine and in force. The signature of the stored credential is checked
    against the published key each time."""
    from ..services import certificates as certs

    cert = open_selectors.certificate_by_number(number)
    claims = certs.verify(cert.credential) if cert.credential else None
    if request.GET.get("format") == "jwt":
        return HttpResponse(cert.credential, content_type="application/jwt")
    actor = Actor.from_request(request)
    ctx = {
        "cert": cert,
        "may_revoke": actor.user is not None and actor.scope.can(perms.AUTHOR, cert.unit_path),
        "signature_ok": claims is not None and claims.get("id") == certs.verify_url(cert.number),
        "credential": certs.dumps(certs.credential_json(cert)),
    }
    return render(request, "learning/verify.html", ctx)


@require_safe
def jwks(request: HttpRequest) -> HttpResponse:
    from ..services import certificates as certs

    return JsonResponse({"keys": [certs.public_jwk()]})


@require_safe
def issuer(request: HttpRequest) -> HttpResponse:
    from ..services import certificates as certs

    return JsonResponse(certs.issuer_profile())


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, number: str) -> HttpResponse:
    """An author of the course's unit withdraws a certificate (from its verification page)."""
    actor = Actor.from_request(request)
    cert = open_selectors.certificate_by_number(number)
    if not actor.scope.can(perms.AUTHOR, cert.unit_path):
        raise NotFound()  # a foreign certificate's page is public, its revocation is not
    try:
        services.certificate_revoke(actor=actor, certificate=cert, reason=request.POST.get("reason", ""))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("learning:verify", kwargs={"number": cert.number}))
