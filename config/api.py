"""The REST API at /api/v1/: one NinjaAPI; each edudx app with an `api.py` exposing `router`
is mounted at /api/v1/<app label>/. One error body for everything:
{"error": {"code": str, "message": str, "details": [{"field", "code", "message"}]}}."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.http import Http404
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from edudx.accounts.api_auth import TokenAuth
from edudx.core.errors import DomainError, NotFound


class SessionCsrfAuth(SessionAuth):
    """Django session, with the CSRF check for unsafe methods. An anonymous request gets 401
    (not a CSRF 403), so "who are you" is answered before "is this form yours"."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


api = NinjaAPI(
    title="edudx API",
    version="1",
    description="edudx REST API. Session (with CSRF) or `Authorization: Bearer <token>` authentication. "
    "Lists use cursor pagination: pass `cursor` from the previous page's `next_cursor`.",
    auth=[TokenAuth(), SessionCsrfAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
)


def _body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_name(loc) -> str:
    """ninja's loc is (source, param, field…) for bodies and (source, field) otherwise;
    clients know the body's fields, not our parameter name."""
    parts = list(loc)[1:]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details = [
        {
            "field": _field_name(e.get("loc", [])),
            "code": e.get("type", "invalid"),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(
        request, _body("invalid_request", gettext("The request is not valid."), details), status=422
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, _body("not_authenticated", gettext("Authentication required.")), status=401
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, NotFound().as_dict(), status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = {403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    if exc.status_code == 403 and "CSRF" in str(exc):
        code = "csrf_failed"
    return api.create_response(request, _body(code, str(exc)), status=exc.status_code)


for config in apps.get_app_configs():
    if not config.name.startswith("edudx."):
        continue
    module = f"{config.name}.api"
    if find_spec(module) is not None:
        router = getattr(import_module(module), "router", None)
        if router is not None:
            api.add_router(f"/{config.label}/", router)
