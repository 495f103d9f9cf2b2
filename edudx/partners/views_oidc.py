"""OpenID Connect for apps acting for a signed-in user (authorization code + PKCE, S256):
django-oauth-toolkit's authorize, token, userinfo and JWKS views under /partners/oauth/, and the
discovery document (written here: DOT's own reverses `oauth2_provider:` names, which live under
`partners:` in this site). The ID token is signed RS256 with the key under the var dir
(settings OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"])."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from oauth2_provider.views import AuthorizationView

from .oauth import issuer


class Authorize(AuthorizationView):
    """DOT's authorize view with the site's page: the signed-in user allows or refuses."""

    template_name = "partners/authorize.html"


def discovery(request: HttpRequest) -> HttpResponse:
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"partners:{name}"))

    body = {
        "issuer": issuer(request),
        "authorization_endpoint": url("oauth_authorize"),
        "token_endpoint": url("oauth_token"),
        "userinfo_endpoint": url("oidc_userinfo"),
        "jwks_uri": url("oidc_jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": list(settings.OAUTH2_PROVIDER["SCOPES"]),
        "claims_supported": ["sub", "name"],
    }
    return JsonResponse(body)
