"""Files of a resource: download, preview, thumbnail, and the web link. Never inline HTML or
SVG from our origin."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseRedirect

from edudx.core.actor import Actor
from edudx.core.errors import NotFound

from .. import files, selectors, services
from ..models import State


def file_response(version, *, inline: bool, name: str | None = None) -> FileResponse:
    fh = version.file.open("rb")
    kind = files.KINDS.get(version.kind)
    inline = inline and bool(kind and kind.inline)
    resp = FileResponse(fh, content_type=version.mime if inline else "application/octet-stream")
    filename = name or version.original_name or f"file{version.extension}"
    if not filename.lower().endswith(version.extension):
        filename += version.extension
    ascii_name = filename.encode("ascii", "ignore").decode() or f"file{version.extension}"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    resp["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    resp["X-Content-Type-Options"] = "nosniff"
    if version.kind != "pdf":
        # Browsers refuse to run their PDF viewer in a sandboxed document; a PDF is not HTML and
        # nosniff keeps it from being read as such.
        resp["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    resp["Cross-Origin-Resource-Policy"] = "same-origin"
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


def _version(request, resource_id: int, version_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    return r, selectors.version_get(scope=request.scope, resource=r, pk=version_id)


@login_required
def version_download(request, resource_id: int, version_id: int):
    r, v = _version(request, resource_id, version_id)
    if r.state == State.PUBLISHED:
        services.use_record(actor=Actor.from_request(request), resource=r, kind="download")
    return file_response(v, inline=False)


@login_required
def version_preview(request, resource_id: int, version_id: int):
    _r, v = _version(request, resource_id, version_id)
    kind = files.KINDS.get(v.kind)
    if not (kind and kind.inline):
        raise NotFound()
    resp = file_response(v, inline=True)
    resp["X-Frame-Options"] = "SAMEORIGIN"
    return resp


@login_required
def version_thumbnail(request, resource_id: int, version_id: int):
    _r, v = _version(request, resource_id, version_id)
    if not v.thumbnail:
        raise NotFound()
    resp = FileResponse(v.thumbnail.open("rb"), content_type="image/png")
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, max-age=86400"
    return resp


@login_required
def resource_go(request, resource_id: int):
    """Open a web link resource (counted as a use); only http(s) addresses are followed."""
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    if not r.url.lower().startswith(("https://", "http://")):
        raise NotFound()
    if r.state == State.PUBLISHED:
        services.use_record(actor=Actor.from_request(request), resource=r, kind="view")
    return HttpResponseRedirect(r.url)
