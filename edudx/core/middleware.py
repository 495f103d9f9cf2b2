"""Map domain errors raised in HTML views to error pages (the API has its own handler)."""

from django.shortcuts import render

from .errors import DomainError, NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
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

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
