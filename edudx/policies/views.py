"""The policies page: which policy drives each rule, the version in force and its rules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edudx.core.scope import Scope

from . import selectors


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    return render(request, "policies/list.html", {"codes": selectors.overview(scope=scope)})
