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
