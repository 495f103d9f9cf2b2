"""Officer screens: xAPI keys (issue, rotate, revoke; the secret is shown once) and the
learning-records dashboard. Thin: form → selector/service → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.pagination import paginate
from edudx.orgs import selectors as org_selectors

from . import permissions as perms
from . import selectors, services
from .forms import CredentialForm


def _units(request):
    return org_selectors.unit_list(scope=request.scope).filter(
        request.scope.filter_q(perms.MANAGE_CREDENTIALS, "path")
    )


@login_required
def credential_list(request):
    request.scope.require_any(perms.MANAGE_CREDENTIALS)
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(
        selectors.credential_list(scope=request.scope, q=q),
        order=("name", "id"),
        cursor=request.GET.get("cursor") or None,
        limit=50,
    )
    return render(request, "lrs/credential_list.html", {"page": page, "q": q})


@login_required
def credential_create(request):
    request.scope.require_any(perms.MANAGE_CREDENTIALS)
    form = CredentialForm(request.POST or None, units=_units(request))
    if request.method == "POST" and form.is_valid():
        cred, secret = services.credential_issue(
            actor=Actor.from_request(request),
            unit=form.cleaned_data["unit"],
            name=form.cleaned_data["name"],
            can_read=form.cleaned_data["can_read"],
            can_write=form.cleaned_data["can_write"],
        )
        return render(request, "lrs/credential_detail.html", _detail_context(request, cred, secret))
    return render(request, "lrs/credential_form.html", {"form": form})


def _detail_context(request, cred, secret=None):
    return {
        "cred": cred,
        "secret": secret,
        "endpoint": request.build_absolute_uri(reverse("lrs:xapi_statements")).removesuffix("statements"),
        "token_url": request.build_absolute_uri(reverse("lrs:oauth_token")),
    }


@login_required
def credential_detail(request, credential_id: int):
    cred = selectors.credential_get(scope=request.scope, pk=credential_id)
    return render(request, "lrs/credential_detail.html", _detail_context(request, cred))


@login_required
@require_POST
def credential_rotate(request, credential_id: int):
    cred = selectors.credential_get(scope=request.scope, pk=credential_id)
    secret = services.credential_rotate(actor=Actor.from_request(request), credential=cred)
    messages.success(request, _("A new secret was issued; the old one no longer works."))
    return render(request, "lrs/credential_detail.html", _detail_context(request, cred, secret))


@login_required
@require_POST
def credential_revoke(request, credential_id: int):
    cred = selectors.credential_get(scope=request.scope, pk=credential_id)
    services.credential_revoke(actor=Actor.from_request(request), credential=cred)
    messages.success(request, _("The key was revoked."))
    return redirect("lrs:credential_detail", credential_id=cred.pk)


@login_required
def dashboard(request):
    request.scope.require_any(perms.VIEW_ANALYTICS)
    services.analytics_refresh()
    summary = selectors.statement_summary(scope=request.scope)
    # Path → name only: a city's ~3,700 units as model instances cost ~0.3 s per view (issue #21).
    names = dict(org_selectors.unit_list(scope=request.scope).values_list("path", "name"))
    for row in summary["by_unit"]:
        row["name"] = names.get(row["unit_path"], row["unit_path"])
    chart = {
        "weeks": [r["week"].strftime("%d/%m/%Y") if r["week"] else "" for r in summary["by_week"]],
        "learners": [r["learners"] for r in summary["by_week"]],
        "completions": [r["completions"] for r in summary["by_week"]],
        "labels": {"learners": str(_("Active learners")), "completions": str(_("Completions"))},
    }
    fresh = summary["freshness"]
    behind = max(0, fresh.latest - fresh.high_water)
    as_of = dt.datetime.fromtimestamp(fresh.refreshed_at, tz=dt.UTC) if fresh.refreshed_at else None
    return render(
        request, "lrs/dashboard.html", {"summary": summary, "chart": chart, "behind": behind, "as_of": as_of}
    )
