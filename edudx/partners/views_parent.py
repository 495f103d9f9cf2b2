"""A parent's consent on their own phone, without an account: the school makes a signed link for
the pupil (on the pupil's data page) and sends it; the parent opens it, types the last four
digits of the phone on record (five tries an hour per link), and gives or withdraws consent per
app of the school whose flow rests on consent. A withdrawal stops the flow at the app's next
request and is shown to it as a deletion (feed, delta, CSV). Pupils aged 7 and over answer on
their own page (views.subject) with their own account."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from edudx.core.actor import Actor
from edudx.core.errors import DomainError
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from . import selectors, services
from .forms import ParentDigitsForm
from .models import LegalBasis, Party
from .profiles import Category
from .services.consent import LINK_DAYS

SESSION_KEY = "partners_parent_links"
TRIES = "5/h"  # wrong digits per link: 10,000 four-digit answers are not to be walked


def _student(token: str) -> Any:
    pk = services.parent_link_student(token)
    if pk is None:
        raise Http404
    student = registry.student_list(scope=Scope.system())[0].filter(pk=pk).first()
    if student is None:
        raise Http404
    return student


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _verified(request: HttpRequest, token: str, student: Any) -> bool:
    return request.session.get(SESSION_KEY, {}).get(_key(token)) == student.pk


def _apps(student: Any) -> list[dict[str, Any]]:
    rows = []
    for row in selectors.subject_view(scope=Scope.system(), student=student):
        use = row["use"]
        if use.legal_basis != LegalBasis.CONSENT or use.state != "approved":
            continue
        labels = dict(Category.choices)
        rows.append(
            {
                **row,
                "categories": [labels.get(c, c) for c in use.app.categories],
                "parent": row["consents"].get(Party.PARENT),
                "pupil": row["consents"].get(Party.PUPIL),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def parent_consent(request: HttpRequest, link_token: str) -> HttpResponse:
    token = link_token
    student = _student(token)
    form = ParentDigitsForm(request.POST or None)
    if request.method == "POST" and not _verified(request, token, student):
        usage = get_usage(
            request,
            group="partners.parent_link",
            key=lambda _g, _r: f"link:{_key(token)}",
            rate=TRIES,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            form.add_error(None, gettext("Too many tries. Try again in an hour or ask the school."))
        elif form.is_valid():
            if services.parent_link_check(student=student, digits=form.cleaned_data["digits"]):
                links = request.session.get(SESSION_KEY, {})
                links[_key(token)] = student.pk
                request.session[SESSION_KEY] = links
                return HttpResponseRedirect(request.path)
            form.add_error("digits", gettext("These are not the last four digits of the phone on record."))
    ctx: dict[str, Any] = {"token": token, "form": form, "verified": _verified(request, token, student)}
    if ctx["verified"]:
        ctx.update(student=student, rows=_apps(student))
    # A refused answer (wrong digits, too many tries) is 422 with the form again: nothing written.
    status = 422 if request.method == "POST" and not ctx["verified"] else 200
    return render(request, "partners/parent_consent.html", ctx, status=status)


@require_POST
def parent_answer(request: HttpRequest, link_token: str) -> HttpResponse:
    token = link_token
    student = _student(token)
    if not _verified(request, token, student):
        raise PermissionDenied  # 403: the phone's digits first, on the link's page
    wanted = request.POST.get("app", "")
    rows = {str(r["app"].pk): r for r in _apps(student)}
    row = rows.get(wanted)
    if row is None or request.POST.get("given") not in ("0", "1"):
        messages.error(request, gettext("The answer is not valid."))
    else:
        try:
            services.consent_set(
                actor=Actor.system(source="parent-link"),
                app=row["app"],
                student=student,
                party=Party.PARENT,
                given=request.POST["given"] == "1",
                channel="link",
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, gettext("Your answer is recorded."))
    return HttpResponseRedirect(reverse("partners:parent_consent", kwargs={"link_token": token}))


@login_required
@require_POST
def make_link(request: HttpRequest, student_id: int) -> HttpResponse:
    """The school's button on the pupil's data page: a link for the parent, shown once here."""
    scope: Scope = request.scope  # type: ignore[attr-defined]
    student = registry.student_get(scope=scope, pk=student_id)
    try:
        token = services.parent_link_make(actor=Actor.from_request(request), student=student)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("partners:subject", kwargs={"student_id": student.pk}))
    url = request.build_absolute_uri(reverse("partners:parent_consent", kwargs={"link_token": token}))
    return render(request, "partners/parent_link.html", {"student": student, "url": url, "days": LINK_DAYS})
