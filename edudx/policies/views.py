"""The policies page: which policy drives each rule, the version in force and its rules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.scope import Scope
from edudx.core.views import ServiceFormView

from . import permissions as perms
from . import selectors, services
from .forms import PublishForm
from .models import Policy
from .rules import CODES


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    ctx = {"codes": selectors.overview(scope=scope), "can_publish": scope.has_perm(perms.MANAGE)}
    return render(request, "policies/list.html", ctx)


class PolicyPublish(ServiceFormView[None]):
    """A new version of a policy: the code's rules in force are the starting text; the service
    checks them against the code's model and the dates against the version in force."""

    form_class = PublishForm
    permission = perms.MANAGE
    template_name = "policies/publish.html"
    title = _("Publish a new policy version")
    success_message = _("The new version is published.")

    def form_kwargs(self, obj: None) -> dict[str, Any]:
        code = self.request.GET.get("code", "")
        code = code if code in CODES else next(iter(CODES))
        rules = selectors.rules_in_force(code).model_dump(mode="json")
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        initial = {
            "code": code,
            "effective_from": tomorrow,
            "rules": json.dumps(rules, indent=2, ensure_ascii=False),
        }
        return {"initial": initial}

    def save(self, form: Any, obj: None) -> Policy:
        d = form.cleaned_data
        return services.policy_publish(
            actor=self.actor,
            code=d["code"],
            title=d["title"],
            effective_from=d["effective_from"],
            rules=d["rules"],
            reference=d["reference"],
        )

    def success_url(self, saved: Any, obj: None) -> str:
        return reverse("policies:list")

    def context(self, form: Any, obj: None) -> dict[str, Any]:
        return {
            "back": reverse("policies:list"),
            "codes": [(c, label) for c, (_m, _d, label) in CODES.items()],
        }
