"""Deadline extensions: a campaign's (department officers) and one school's (its ward officer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from edudx.core.errors import DomainError, PermissionDenied
from edudx.core.forms import apply_domain_error

from .. import permissions as perms
from .. import selectors, services
from ..forms import DeadlineExtensionForm
from .common import actor


def _page(request, *, extend: Callable[..., Any], done: str, then, context: dict[str, Any]):
    """The extension form: on a valid post call `extend(new_deadline=…, reason=…)` and go to
    `then`; a refusal goes back on the form; below it, the extensions so far."""
    form = DeadlineExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extend(actor=actor(request), **form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return then
    return render(request, "monitoring/deadline_form.html", {"form": form, **context})


@login_required
def campaign_extend(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    if not request.scope.can(perms.EXTEND_DEADLINE, c.owner.path):
        raise PermissionDenied()
    return _page(
        request,
        extend=lambda **kw: services.campaign_extend_deadline(campaign=c, **kw),
        done=_("Deadline extended for every school of the campaign."),
        then=redirect("monitoring:campaign_detail", campaign_id=c.pk),
        context={
            "c": c,
            "a": None,
            "current": c.self_deadline,
            "extensions": selectors.deadline_extensions(scope=request.scope, campaign=c),
        },
    )


@login_required
def assessment_extend(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    if not request.scope.can(perms.EXTEND_DEADLINE, a.unit_path):
        raise PermissionDenied()
    return _page(
        request,
        extend=lambda **kw: services.assessment_extend_deadline(assessment=a, **kw),
        done=_("Deadline extended for this school."),
        then=redirect("monitoring:assessment_detail", assessment_id=a.pk),
        context={
            "c": a.campaign,
            "a": a,
            "current": a.deadline,
            "extensions": selectors.deadline_extensions(
                scope=request.scope, campaign=a.campaign, assessment=a
            ),
        },
    )
