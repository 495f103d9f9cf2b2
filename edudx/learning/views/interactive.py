"""Interactive blocks' pages: the teacher's package upload (H5P or cmi5), the H5P player (its
own frame and Content-Security-Policy), the player's xAPI door, a package's files, the cmi5
launch and the AU's fetch URL. Each parses, calls one service or selector, and answers."""

from __future__ import annotations

import json
import mimetypes
import posixpath
from typing import Any

from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied

from .. import permissions as perms
from .. import selectors
from ..models import Block, BlockKind, InteractivePackage
from ..models.interactive import PackageKind
from ..services import cmi5 as cmi5_services
from ..services import interactive as services
from ..services import scorm as scorm_services

MAX_STATEMENT_BYTES = 64 * 1024

# The player's frame runs the package's H5P libraries (jQuery-era scripts that add inline styles
# and scripts to the frame h5p-standalone builds): it gets its own policy, scripts and styles of
# our origin plus inline ones (no eval: the browser test plays a package without it); it may be
# framed by our pages only.
PLAYER_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}


SCO_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def _lesson_url(lesson_id: int) -> str:
    return reverse("learning:lesson", kwargs={"lesson_id": lesson_id})


def _my_lesson_url(lesson_id: int) -> str:
    return reverse("learning:my_lesson", kwargs={"lesson_id": lesson_id})


@login_required
@require_http_methods(["GET", "POST"])
def package_upload(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    lesson = selectors.lesson_get(scope=actor.scope, pk=lesson_id)
    if not actor.scope.can(perms.AUTHOR, lesson.course.unit_path):
        raise PermissionDenied()
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind", "")
        try:
            if upload is None or kind not in PackageKind.values:
                error = _("Choose the kind and the package file.")
            elif kind == PackageKind.H5P:
                services.h5p_add(
                    actor=actor, lesson=lesson, upload=upload, title=request.POST.get("title", "")
                )
            elif kind == PackageKind.SCORM:
                scorm_services.scorm_add(actor=actor, lesson=lesson, upload=upload)
            else:
                services.cmi5_import(actor=actor, lesson=lesson, upload=upload)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            error = f"{exc.message} ({exc.code})"
        if not error:
            messages.success(request, _("The package was added to the lesson."))
            return HttpResponseRedirect(_lesson_url(lesson.pk))
    status = 400 if error else 200
    ctx = {"lesson": lesson, "error": error, "kinds": PackageKind.choices}
    return render(request, "learning/interactive/upload.html", ctx, status=status)


def _learner_block(request: HttpRequest, block_id: int, kind: str) -> tuple[Actor, Block]:
    actor = Actor.from_request(request)
    block = selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
    if block.kind != kind:
        raise NotFound()
    return actor, block


@login_required
@xframe_options_sameorigin
@csp(PLAYER_CSP)  # type: ignore[arg-type]
def h5p_player(request: HttpRequest, block_id: int) -> HttpResponse:
    """The player's frame: h5p-standalone with the block's package; statements go to h5p_xapi."""
    _actor, block = _learner_block(request, block_id, BlockKind.H5P)
    package = block.package
    if package is None:
        raise NotFound()
    config = {
        "h5pJsonPath": reverse("learning:package_root", kwargs={"uid": package.uid}).rstrip("/"),
        "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
        "xAPIObjectIRI": services.h5p_iri(block),
        "xapiUrl": reverse("learning:h5p_xapi", kwargs={"block_id": block.pk}),
        "csrf": get_token(request),  # the frame posts statements with the session's CSRF token
    }
    return render(request, "learning/interactive/player.html", {"block": block, "config": config})


def _error(code: str, message: str) -> dict[str, Any]:
    """The shape of DomainError.as_dict, for refusals made here."""
    return {"error": {"code": code, "message": message, "details": []}}


@login_required
@require_POST
def h5p_xapi(request: HttpRequest, block_id: int) -> JsonResponse:
    """One statement of the player (session + CSRF): stored as the signed-in learner's."""
    actor, block = _learner_block(request, block_id, BlockKind.H5P)
    if len(request.body) > MAX_STATEMENT_BYTES:
        return JsonResponse(_error("h5p_statement_too_large", _("The statement is too large.")), status=413)
    try:
        statement = json.loads(request.body)
    except (ValueError, RecursionError):
        return JsonResponse(_error("h5p_bad_statement", _("The statement is not valid JSON.")), status=400)
    try:
        sid = services.h5p_statement(actor=actor, block=block, statement=statement)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"id": sid})


def _may_read(request: HttpRequest, package: InteractivePackage) -> bool:
    actor = Actor.from_request(request)
    if actor.user is None:
        return False
    if actor.scope.can(perms.VIEW, package.course.unit_path):
        return True
    for block_id in package.blocks.values_list("pk", flat=True)[:50]:
        try:
            selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
        except NotFound:
            continue
        return True
    return False


@require_http_methods(["GET", "HEAD"])
def package_file(request: HttpRequest, uid: str, name: str = "") -> HttpResponseBase:
    """A file of an unpacked package. H5P and SCORM: for who may see the course or do one of its
    blocks (the player's frame is ours; a SCO runs in our origin, framed by our player only).
    cmi5: the AU runs sandboxed (an opaque origin that carries no session), so its files are
    served by their unguessable folder alone. Served as documents, H5P files never run as a
    page and cmi5 pages run sandboxed; SCO pages run in our origin under SCO_CSP."""
    package = InteractivePackage.objects.select_related("course").filter(uid=uid).first()
    clean = posixpath.normpath(name)
    if package is None or not name or clean.startswith(("/", "..")) or clean != name:
        raise Http404()
    if package.kind in (PackageKind.H5P, PackageKind.SCORM) and not _may_read(request, package):
        raise Http404()
    where = f"{services.folder(package)}/{clean}"
    if not default_storage.exists(where):
        raise Http404()
    ctype = mimetypes.guess_type(clean)[0] or "application/octet-stream"
    resp = FileResponse(default_storage.open(where, "rb"), content_type=ctype)
    resp["X-Content-Type-Options"] = "nosniff"
    if package.kind == PackageKind.H5P:
        resp["Content-Security-Policy"] = "sandbox; default-src 'none'"
    elif package.kind == PackageKind.SCORM:
        # A SCO finds the run-time API in its parent frame, so it runs in our origin (framed by
        # our player only, talking to our origin only); see learning/README.md "Known risk".
        resp["Content-Security-Policy"] = SCO_CSP
        resp["X-Frame-Options"] = "SAMEORIGIN"
    else:
        resp["Content-Security-Policy"] = "sandbox allow-scripts allow-forms allow-popups"
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


@login_required
@require_POST
def cmi5_launch(request: HttpRequest, block_id: int) -> HttpResponse:
    actor, block = _learner_block(request, block_id, BlockKind.CMI5)
    base = request.build_absolute_uri("/").rstrip("/")
    endpoint = request.build_absolute_uri(reverse("lrs:xapi_about")).rsplit("about", 1)[0]
    return_url = request.build_absolute_uri(_my_lesson_url(block.lesson_id))
    try:
        url = cmi5_services.cmi5_launch(
            actor=actor, block=block, base=base, endpoint=endpoint, return_url=return_url
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(return_url)
    if url.startswith(base + "/"):
        return HttpResponseRedirect(url)
    # An AU on another site: the lesson page's CSP (form-action 'self') forbids a form's redirect
    # to another origin, so a page of ours sends the learner on (meta refresh and a link).
    return render(request, "learning/interactive/cmi5_launch.html", {"b": block, "url": url})


def _cors(resp: HttpResponse) -> HttpResponse:
    resp["Access-Control-Allow-Origin"] = "*"
    resp["Cache-Control"] = "no-store"
    return resp


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def cmi5_fetch(request: HttpRequest, session: str) -> HttpResponse:
    """The AU's fetch URL (cmi5): POST once for the LRS token; its own session id is the secret."""
    if request.method == "OPTIONS":
        resp = HttpResponse(status=204)
        resp["Access-Control-Allow-Methods"] = "POST"
        return _cors(resp)
    body, status = cmi5_services.cmi5_fetch(session_id=session[:64])
    return _cors(JsonResponse(body, status=status))


def urls() -> list[Any]:
    from .scorm import urls as scorm_urls

    return [
        *scorm_urls(),
        path("lessons/<int:lesson_id>/package/", package_upload, name="package_upload"),
        path("me/blocks/<int:block_id>/h5p/", h5p_player, name="h5p_player"),
        path("me/blocks/<int:block_id>/h5p/xapi/", h5p_xapi, name="h5p_xapi"),
        path("me/blocks/<int:block_id>/cmi5/", cmi5_launch, name="cmi5_launch"),
        path("cmi5/fetch/<str:session>/", cmi5_fetch, name="cmi5_fetch"),
        path("packages/<uuid:uid>/", package_file, name="package_root"),
        path("packages/<uuid:uid>/<path:name>", package_file, name="package_file"),
    ]
