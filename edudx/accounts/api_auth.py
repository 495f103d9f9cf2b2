from ninja.security import HttpBearer


class TokenAuth(HttpBearer):
    """`Authorization: Bearer edx_…` — the token's user gets the same Scope as in the UI."""

    def authenticate(self, request, token):
        from edudx.core.scope import Scope

        from .services import scope_for_user, token_authenticate

        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.scope = scope_for_user(user) if user else Scope.anonymous()
        return user
