"""Compressed responses without BREACH (issue #21 item 3).

BREACH reads a secret out of a compressed HTTPS response by reflecting attacker-chosen text
next to it and watching the size. Every edudx page carries a CSRF token (base.html's
hx-headers) — Django masks it afresh per response, so the token itself does not leak — but a
page also carries personal data (IDs, names) that an attacker could guess byte by byte through
input the page echoes back: a search box, a filter, a submitted form. So a response is
compressed only when the request carried no such input: GET/HEAD without a query string (paths
hold only ids matched by `\\d+` or fixed words). Searches, filtered lists and form responses go
uncompressed. Static files are precompressed by whitenoise (CompressedManifestStaticFilesStorage)
and are not touched here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class SafeGZipMiddleware(GZipMiddleware):
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return response
        return super().process_response(request, response)


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, precompressed static files; source-map comments are left as they are (the
    vendored bundles name .map files we do not ship, which would fail collectstatic)."""

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )

    def stored_name(self, name: str) -> str:
        # No manifest means collectstatic has not run for this VAR_DIR (a fresh test server, a
        # developer's own var): answer the plain name, which whitenoise serves from the app
        # folders (WHITENOISE_USE_FINDERS), instead of failing every page with a 500.
        if not self.hashed_files:
            return name
        return str(super().stored_name(name))
