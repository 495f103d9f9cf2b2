"""LTI 1.3 platform pages and endpoints: tool registration (admins), launch and Deep Linking
(browser, signed-in), the authorization endpoint answering with a form_post of the id_token,
and the service endpoints tools call (token, AGS, NRPS: JSON, bearer tokens, coded errors)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError
from edudx.core.views import ServiceFormView, typed_input
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors as learning
from . import deeplink, grades, keys, selectors, services
from .errors import LtiError
from .forms import ToolForm
from .schemas import ToolIn

MAX_BODY = 65536


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _root(request: HttpRequest) -> str:
    return _base(request) + "/learning/lti"


# ------------------------------------------------------------------ registration (admins)
@login_required
@require_GET
def tools(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.LTI_MANAGE)
    return render(request, "learning/lti/tools.html", {"tools": selectors.tool_list(scope=scope)[:200]})


class ToolCreate(ServiceFormView[None]):
    form_class = ToolForm
    permission = perms.LTI_MANAGE
    template_name = "learning/form.html"

    def form_kwargs(self, obj: None) -> dict[str, Any]:
        schools, _order = registry.school_list(scope=self.scope)
        return {"schools": list(schools[:300])}

    def save(self, form: Any, obj: None) -> Any:
        return services.tool_create(actor=self.actor, data=typed_input(form, ToolIn, form.cleaned_data))

    def success_url(self, saved: Any, obj: None) -> str:
        return reverse("learning:lti_tool", kwargs={"tool_id": saved.pk})

    def context(self, form: Any, obj: None) -> dict[str, Any]:
        return {"title": _("Register an external tool (LTI 1.3)"), "back": reverse("learning:lti_tools")}


tool_create = ToolCreate.as_view()


@login_required
@require_GET
def tool_detail(request: HttpRequest, tool_id: int) -> HttpResponse:
    tool = selectors.tool_get(scope=request.scope, pk=tool_id)  # type: ignore[attr-defined]
    root = _root(request)
    endpoints = [
        (_("Issuer"), services.issuer(_base(request))),
        (_("Client id"), tool.client_id),
        (_("Deployment id"), tool.deployment_id),
        (_("Authorization endpoint"), f"{root}/auth/"),
        (_("Token endpoint"), f"{root}/token/"),
        (_("Platform JWKS"), f"{root}/jwks/"),
    ]
    return render(request, "learning/lti/tool.html", {"tool": tool, "endpoints": endpoints})


@login_required
@require_POST
def tool_action(request: HttpRequest, tool_id: int, action: str) -> HttpResponse:
    actor = Actor.from_request(request)
    tool = selectors.tool_get(scope=actor.scope, pk=tool_id)
    services.tool_transition(actor=actor, tool=tool, move=action)
    return HttpResponseRedirect(reverse("learning:lti_tool", kwargs={"tool_id": tool.pk}))


def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(keys.jwks())


# ------------------------------------------------------------------ launch and Deep Linking
@login_required
@require_GET
def launch(request: HttpRequest, block_id: int) -> HttpResponse:
    url = services.launch_start(actor=Actor.from_request(request), block_id=block_id, base=_base(request))
    return HttpResponseRedirect(url)


@login_required
@require_POST
def deep_link(request: HttpRequest, lesson_id: int, tool_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    lesson = learning.lesson_get(scope=actor.scope, pk=lesson_id)
    return HttpResponseRedirect(
        services.deep_link_start(actor=actor, lesson=lesson, tool_id=tool_id, base=_base(request))
    )


@never_cache
@login_required
@csrf_exempt  # the tool sends the browser here (GET, or a cross-site POST); the signed hint binds it
@require_http_methods(["GET", "POST"])
def auth(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    params = {k: str(v)[:4000] for k, v in source.items()}
    done = services.authorize(actor=Actor.from_request(request), params=params, base=_base(request))
    return render(
        request,
        "learning/lti/form_post.html",
        {"action": done.redirect_uri, "fields": [("id_token", done.id_token), ("state", done.state)]},
    )


@csrf_exempt  # a cross-site form post from the tool: the tool's signature and our signed data bind it
@require_POST
def deep_link_return(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("JWT", "")
    try:
        blocks = deeplink.deep_link_return(token=token, base=_base(request))
    except DomainError as exc:
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
    lesson_id = blocks[0].lesson_id if blocks else None
    return render(request, "learning/lti/picked.html", {"blocks": blocks, "lesson_id": lesson_id})


# ------------------------------------------------------------------ services (tools call these)
def _json_error(exc: DomainError) -> JsonResponse:
    response = JsonResponse(exc.as_dict(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY:
        raise LtiError(code="lti_too_large")
    try:
        return json.loads(request.body or b"null")
    except ValueError as exc:
        raise LtiError(code="lti_bad_json") from exc


def _service(call: Callable[[], HttpResponse]) -> HttpResponse:
    try:
        return call()
    except DomainError as exc:
        return _json_error(exc)


def _typed(data: Any, media: str, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False)
    response["Content-Type"] = media
    return response


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    params = {k: str(v)[:10000] for k, v in request.POST.items()}
    try:
        answer = grades.token_issue(params=params, token_url=_root(request) + "/token/", base=_base(request))
    except LtiError as exc:
        body = {"error": exc.oauth, "error_description": str(exc.message), "code": exc.code}
        return JsonResponse(body, status=401 if exc.oauth == "invalid_client" else 400)
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


def _auth(request: HttpRequest) -> str:
    return str(request.headers.get("Authorization", ""))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def line_items(request: HttpRequest, course_id: int) -> HttpResponse:
    def run() -> HttpResponse:
        write = request.method == "POST"
        need = grades.SCOPE_LINEITEMS_WRITE if write else grades.SCOPE_LINEITEMS_READ
        tool, course = grades.access(authorization=_auth(request), course_id=course_id, need=need)
        if write:
            item = grades.line_item_create(tool=tool, course=course, body=_body(request))
            return _typed(
                grades.line_item_json(item, _root(request)), "application/vnd.ims.lis.v2.lineitem+json", 201
            )
        items = [grades.line_item_json(i, _root(request)) for i in course_items(tool, course)]
        return _typed(items, "application/vnd.ims.lis.v2.lineitemcontainer+json")

    return _service(run)


def course_items(tool: Any, course: Any) -> Any:
    from ..models import LtiLineItem

    return LtiLineItem.objects.filter(tool=tool, course=course)[:1000]


@csrf_exempt
@require_GET
def line_item(request: HttpRequest, course_id: int, line_item_id: int) -> HttpResponse:
    def run() -> HttpResponse:
        tool, course = grades.access(
            authorization=_auth(request), course_id=course_id, need=grades.SCOPE_LINEITEMS_READ
        )
        item = grades.line_item_get(tool=tool, course=course, pk=line_item_id)
        return _typed(grades.line_item_json(item, _root(request)), "application/vnd.ims.lis.v2.lineitem+json")

    return _service(run)


@csrf_exempt
@require_POST
def scores(request: HttpRequest, course_id: int, line_item_id: int) -> HttpResponse:
    def run() -> HttpResponse:
        tool, course = grades.access(
            authorization=_auth(request), course_id=course_id, need=grades.SCOPE_SCORE
        )
        item = grades.line_item_get(tool=tool, course=course, pk=line_item_id)
        grades.score_post(tool=tool, course=course, item=item, body=_body(request))
        return HttpResponse(status=204)

    return _service(run)


@csrf_exempt
@require_GET
def results(request: HttpRequest, course_id: int, line_item_id: int) -> HttpResponse:
    def run() -> HttpResponse:
        tool, course = grades.access(
            authorization=_auth(request), course_id=course_id, need=grades.SCOPE_RESULTS
        )
        item = grades.line_item_get(tool=tool, course=course, pk=line_item_id)
        rows = grades.results(
            tool=tool, item=item, root=_root(request), user_sub=request.GET.get("user_id", "")[:64]
        )
        return _typed(rows, "application/vnd.ims.lis.v2.resultcontainer+json")

    return _service(run)


@csrf_exempt
@require_GET
def memberships(request: HttpRequest, course_id: int) -> HttpResponse:
    def run() -> HttpResponse:
        tool, course = grades.access(
            authorization=_auth(request), course_id=course_id, need=grades.SCOPE_NRPS
        )
        limit = request.GET.get("limit", "")
        offset = request.GET.get("offset", "")
        size = min(int(limit), 1000) if limit.isdigit() and len(limit) < 6 and int(limit) > 0 else 1000
        start = int(offset) if offset.isdigit() and len(offset) < 9 else 0
        data = grades.memberships(tool=tool, course=course, root=_root(request), limit=size, offset=start)
        more = data.pop("_more")
        response = _typed(data, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
        if more:
            response["Link"] = (
                f'<{_root(request)}/nrps/{course.pk}/memberships/?limit={size}&offset={start + size}>; rel="next"'
            )
        return response

    return _service(run)
