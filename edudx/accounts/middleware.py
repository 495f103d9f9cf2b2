from django.utils.functional import SimpleLazyObject

from edudx.core.scope import Scope


class ScopeMiddleware:
    """Attach the one Scope of this request; computed lazily, once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .services import scope_for_user

        def build() -> Scope:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return Scope.anonymous()
            return scope_for_user(user)

        if not hasattr(request, "scope"):
            request.scope = SimpleLazyObject(build)
        return self.get_response(request)


class SearchThrottleMiddleware:
    """Count each search (a request carrying settings.EDUDX_SEARCH_PARAMS) against the
    caller's budget (accounts.throttle); past it, 429 with Retry-After: the API's JSON error
    body for /api/, the error page (Vietnamese) for the HTML UI."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import throttle

        text = throttle.search_text(request)
        if text:
            try:
                throttle.check(request, text)
            except throttle.RateLimited as exc:
                response = _rate_limited_response(request, exc)
                response["Retry-After"] = str(exc.retry_after)
                return response
        return self.get_response(request)


def _rate_limited_response(request, exc):
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path_info.startswith("/api/"):
        return JsonResponse(exc.as_dict(), status=exc.status)
    if request.headers.get("HX-Request"):
        # A live search: the message in place of the results (behaviours.js lets htmx swap a 429).
        return render(request, "accounts/_rate_limited.html", {"error": exc}, status=exc.status)
    return render(request, "web/error.html", {"error": exc}, status=exc.status)
