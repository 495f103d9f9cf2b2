"""SCORM blocks' pages: the player (scorm-again provides `window.API` / `window.API_1484_11`;
the SCO plays in a frame of our origin) and the commit door the run-time posts to. Each parses,
calls one service, and answers."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied

from .. import selectors
from ..models import BlockKind
from ..services import scorm as services

MAX_COMMIT_BYTES = 512 * 1024  # SCORM 2004's suspend data alone may be 64,000 characters


@login_required
@require_GET
def scorm_player(request: HttpRequest, block_id: int) -> HttpResponse:
    """The SCO in a frame of our origin under the run-time API of its version (scorm-again),
    started with what the learner's last session left."""
    actor = Actor.from_request(request)
    block = selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
    if block.kind != BlockKind.SCORM:
        raise NotFound()
    attempt = services.attempt_open(actor=actor, block=block)
    assert block.package is not None  # attempt_open checked it
    href = services.item(block)["href"]
    commit = reverse("learning:scorm_commit", kwargs={"key": attempt.key})
    config = {
        "version": attempt.version,
        "commitUrl": commit,
        "launchUrl": reverse("learning:package_root", kwargs={"uid": block.package.uid}) + href,
        "data": services.launch_data(attempt, learner_name=actor.user.get_full_name() or actor.user.username),
    }
    ctx = {"b": block, "attempt": attempt, "config": config}
    return render(request, "learning/interactive/scorm_player.html", ctx)


def _error(code: str, message: str) -> dict[str, Any]:
    return {"result": "false", "error": {"code": code, "message": message, "details": []}}


@csrf_exempt  # the terminate commit comes by sendBeacon (no header): the attempt's key is the secret
@login_required
@require_POST
def scorm_commit(request: HttpRequest, key: str) -> JsonResponse:
    """One commit of the run-time (scorm-again, flattened data model) for the signed-in
    learner's own attempt: `?initialize=true` marks Initialize, `?terminate=true` the last one."""
    actor = Actor.from_request(request)
    services.attempt_owned(actor=actor, key=key)  # another learner's key: 404 before the body is read
    try:
        body = request.body
    except RawPostDataException:  # a form post whose stream was already read: not a commit
        return JsonResponse(_error("scorm_bad_commit", _("The run-time data is not valid JSON.")), status=400)
    if len(body) > MAX_COMMIT_BYTES:
        return JsonResponse(
            _error("scorm_commit_too_large", _("The run-time data is too large.")), status=413
        )
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return JsonResponse(_error("scorm_bad_commit", _("The run-time data is not valid JSON.")), status=400)
    try:
        services.commit(
            actor=actor, key=key, data=data,
            initialize=request.GET.get("initialize") == "true", terminate=request.GET.get("terminate") == "true",
        )  # fmt: skip
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        # Junk run-time data is the client's fault: 400 (the run-time reads any 4xx as a failure).
        return JsonResponse(
            {"result": "false", **exc.as_dict()}, status=400 if exc.status == 422 else exc.status
        )
    return JsonResponse({"result": "true", "errorCode": 0})


def urls() -> list[Any]:
    return [
        path("me/blocks/<int:block_id>/scorm/", scorm_player, name="scorm_player"),
        path("me/scorm/<uuid:key>/commit/", scorm_commit, name="scorm_commit"),
    ]
