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
