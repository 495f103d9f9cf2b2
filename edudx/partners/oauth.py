"""django-oauth-toolkit's scopes backend (settings OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]):
a client may ask only the scopes the department gave it, and gets all of them by default."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes


def _client_scopes(application: Any) -> list[str]:
    from .models import PartnerClient

    if application is None:
        return []
    client = PartnerClient.objects.filter(application_id=application.pk, revoked_at__isnull=True).first()
    return list(client.scopes) if client else []


class ClientScopes(SettingsScopes):
    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _client_scopes(application)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _client_scopes(application)


class Validator(OAuth2Validator):
    """DOT's validator with the OpenID Connect issuer at this site's /partners/oauth (DOT finds
    its own by reversing `oauth2_provider:` URL names, which live under `partners:` here)."""

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return issuer(request)

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        claims: dict[str, Any] = {}
        if "profile" in (request.scopes or []):
            claims["name"] = user.get_full_name() or user.get_username()
        return claims


def issuer(request: Any) -> str:
    from django.http import HttpRequest
    from django.urls import reverse

    if not isinstance(request, HttpRequest):
        phony = HttpRequest()
        phony.META = dict(getattr(request, "headers", {}) or {})
        if phony.META.get("X_DJANGO_OAUTH_TOOLKIT_SECURE"):
            phony.META["wsgi.url_scheme"] = "https"
        request = phony
    return str(request.build_absolute_uri(reverse("partners:oidc_discovery")))[
        : -len("/.well-known/openid-configuration")
    ]
