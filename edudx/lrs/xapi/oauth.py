"""OAuth2 client-credentials token endpoint for LRS credentials (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def _error(code: str, status: int = 400) -> HttpResponse:
    return HttpResponse(json.dumps({"error": code}), status=status, content_type="application/json")


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    from .. import services

    key, secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("basic "):
        try:
            key, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return _error("invalid_client", 401)
    cred = services.credential_authenticate(key, secret)
    if cred is None:
        return _error("invalid_client", 401)
    if request.POST.get("grant_type") != "client_credentials":
        return _error("unsupported_grant_type")
    value, lifetime = services.token_issue(credential=cred)
    resp = HttpResponse(
        json.dumps({"access_token": value, "token_type": "Bearer", "expires_in": lifetime}),
        content_type="application/json",
    )
    resp["Cache-Control"] = "no-store"
    return resp
