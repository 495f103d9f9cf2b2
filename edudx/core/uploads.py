"""Uploads arrive on disk, never whole in memory, and are refused as soon as they pass their limit.

Each URL prefix has an upload limit (`EDUDX_UPLOAD_LIMITS`: the ingest doors take up to
`INGEST_MAX_FILE_BYTES`, the library up to its largest kind; `EDUDX_UPLOAD_MAX_BYTES`
elsewhere). `UploadLimitMiddleware` refuses a multipart POST whose `Content-Length` already
says it is too big, before anything is parsed; otherwise it has the body parsed there and
then, and `LimitedUploadHandler` (first in `FILE_UPLOAD_HANDLERS`) counts the bytes of the
files as they stream in: the first chunk past the limit stops the upload, the temporary files
already written are deleted, and the refusal — a stable code and a translated message, 413 —
is answered instead of the view. Django's own handlers keep a file of up to
`FILE_UPLOAD_MAX_MEMORY_SIZE` in memory and write bigger ones to a temporary file in 64 KiB
chunks, so a request holds at most that much of any upload in memory.

The rest of a refused body is read and discarded (up to `EDUDX_UPLOAD_DRAIN_MAX_BYTES`) so the
client, which sends the whole body before it reads the answer, sees the refusal rather than a
reset connection.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

MB = 1024 * 1024


class UploadTooLarge(DomainError):
    status = 413
    code = "upload_too_large"
    default_message = _("The file is too large.")

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            _("The file is larger than %(size)s, the most this page accepts.")
            % {"size": filesizeformat(limit)}
        )


def upload_limit(path: str) -> int:
    """The most bytes of files one request to `path` may carry (the longest prefix wins)."""
    best, limit = -1, int(getattr(settings, "EDUDX_UPLOAD_MAX_BYTES", 50 * MB))
    for prefix, value in getattr(settings, "EDUDX_UPLOAD_LIMITS", {}).items():
        if path.startswith(prefix) and len(prefix) > best:
            best, limit = len(prefix), int(value)
    return limit


def _slack() -> int:
    # The form's other fields and the multipart framing ride in the same body.
    return int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2.5 * MB) + 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in the request; past the limit, stops the upload."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit(request.path_info) if request is not None else _default()
        self.seen = 0  # bytes of files in this request so far, all files together

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            if self.request is not None:
                # Read back by UploadLimitMiddleware once the parser stops (an attribute of the
                # request: the handler has no other way to reach the middleware).
                setattr(self.request, "upload_refused", UploadTooLarge(self.limit))  # noqa: B010
            # connection_reset=False: the parser deletes the files written so far and reads the
            # rest of the body, so the client gets the answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _default() -> int:
    return int(getattr(settings, "EDUDX_UPLOAD_MAX_BYTES", 50 * MB))


def _refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=error.status)
    return render(request, "web/error.html", {"error": error}, status=error.status)


def _drain(request: HttpRequest, length: int) -> bool:
    """Read and drop what is left of the body; False when it is too long to be worth it."""
    if length > int(getattr(settings, "EDUDX_UPLOAD_DRAIN_MAX_BYTES", 4 * 1024 * MB)):
        return False
    while request.read(MB):
        pass
    return True


class UploadLimitMiddleware:
    """Refuses oversized multipart uploads before the view (and the CSRF check) sees them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        limit = upload_limit(request.path_info)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + _slack():
            response = _refusal(request, UploadTooLarge(limit))
            if not _drain(request, length):
                response["Connection"] = "close"
            return response
        request.FILES  # noqa: B018 - parse now, through LimitedUploadHandler
        error = getattr(request, "upload_refused", None)
        if error is not None:
            return _refusal(request, error)
        return None
