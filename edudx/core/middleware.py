"""Map domain errors raised in HTML views to error pages (the API has its own handler)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import ResolverMatch

from .errors import DomainError, NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound | PermissionDenied):
            return render(request, "web/error.html", {"error": exception}, status=exception.status)
        if isinstance(exception, DomainError):
            return render(request, "web/error.html", {"error": exception}, status=exception.status)
        return None


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise (the language cookie set by the switch).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers in
    Vietnamese schools send English; edudx is Vietnamese first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class LeanPathMiddleware:
    """Serve the paths in settings.LEAN_PATH_PREFIXES past the middleware they never use.

    Those are machine APIs that authenticate every request by their own credentials (the
    xAPI endpoints: HTTP Basic or a Bearer token) and answer JSON: sessions, CSRF, the user,
    the scope, messages, htmx, login throttling and the language cookie do nothing for them
    but cost about a quarter of a one-statement POST. Placed right after SecurityMiddleware,
    so these responses keep its headers (nosniff, referrer and opener policy, HSTS, the SSL
    redirect); X-Frame-Options is set here as XFrameOptionsMiddleware would, and a fixed
    Content-Security-Policy (settings.EDUDX_LEAN_CSP: nothing may load). A browser
    session can never authenticate such a request — which is also what lets the xAPI
    answer cross-origin requests (CORS) safely. Every other path goes down the full stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.prefixes = tuple(settings.LEAN_PATH_PREFIXES)
        self.language = settings.LANGUAGE_CODE
        self.frame_options = getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()
        # JSON only: a fixed policy that lets nothing load (CSPMiddleware sits after us).
        self.csp = getattr(settings, "EDUDX_LEAN_CSP", "")
        # Import the URL configuration (every app's views) while the process starts, not
        # in its first request: a fresh server worker would otherwise spend its first
        # seconds of serving on imports.
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(self.prefixes):
            return self.get_response(request)
        from django.urls import get_urlconf
        from django.utils import translation

        # A thread may still hold the language a previous full-stack request chose.
        translation.activate(self.language)
        # Resolver404 → the 404 page
        request.resolver_match = match = _resolve_lean(get_urlconf(), request.path_info)
        response: Any = match.func(request, *match.args, **match.kwargs)  # a view's response, or a lazy one
        if response is None:
            raise ValueError(f"{match.func!r} returned None instead of an HttpResponse")
        if callable(getattr(response, "render", None)):
            response = response.render()
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", self.frame_options)
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if not response.streaming and "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(response.content))
        served: HttpResponseBase = response
        return served


@functools.lru_cache(maxsize=256)
def _resolve_lean(urlconf: Any, path: str) -> ResolverMatch:
    """Lean paths are a handful of fixed routes, each walked past a dozen URL patterns on
    every request: resolve each once per process (the URL configuration does not change
    while serving; a 404 raises and is not cached)."""
    from django.urls import resolve

    return resolve(path, urlconf)
