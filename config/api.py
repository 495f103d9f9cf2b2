"""The REST API at /api/v1/: one NinjaAPI; each edudx app with an `api.py` exposing `router`
is mounted at /api/v1/<app label>/. One error body for everything:
{"error": {"code": str, "message": str, "details": [{"field", "code", "message"}]}}."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import SessionAuth

from edudx.accounts.api_auth import TokenAuth
from edudx.core.api_errors import ErrorOut
from edudx.core.errors import DomainError, NotFound


class SessionCsrfAuth(SessionAuth):
    """Django session, with the CSRF check for unsafe methods. An anonymous request gets 401
    (not a CSRF 403), so "who are you" is answered before "is this form yours"."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


# The error answers the document lists, with the one error body (edudx.core.api_errors).
ERROR_ANSWERS = {
    401: "Not authenticated: no valid session or bearer token (`not_authenticated`)",
    403: "Not permitted (`permission_denied`), or a session request without its CSRF token (`csrf_failed`)",
    404: "Not found, or outside the caller's scope — the two are not told apart (`not_found`)",
    409: "Conflicts with the record's current state (`conflict` and more specific codes)",
    422: "The input is not valid: malformed (`invalid_request`, one detail per field) or refused "
    "by the domain rules (`validation_failed` and more specific codes)",
    429: "Too many searches in a short time (`rate_limited`); `Retry-After` says how many seconds to wait",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def declare_error_answers(document: dict) -> dict:
    """List on every operation the error answers it gives, with the error body:

    - 401 on every operation that requires authentication;
    - 403 on every write (CSRF on the session door; the services check permissions);
    - 404 on every operation whose path names a record;
    - 422 on every operation that takes input (parameters or a body);
    - 429 on every GET that takes a search parameter (settings.EDUDX_SEARCH_PARAMS,
      throttled by accounts.throttle);
    - and whatever a handler declares itself with `edudx.core.api_errors.errors(…)` (a 403
      from a read that needs a permission, a 404 for a record named in the body, a 409).
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in body.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas.setdefault("ErrorOut", body)
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    search = set(settings.EDUDX_SEARCH_PARAMS)
    for operations in document.get("paths", {}).values():
        for method, op in operations.items():
            params = op.get("parameters", [])
            statuses = set()
            if op.get("security"):
                statuses.add(401)
            if method in WRITE_METHODS:
                statuses.add(403)
            if any(p.get("in") == "path" for p in params):
                statuses.add(404)
            if params or "requestBody" in op:
                statuses.add(422)
            if method == "get" and any(p.get("in") == "query" and p.get("name") in search for p in params):
                statuses.add(429)
            # ninja keys the answers by int status; keep one key type (json.dumps sorts them).
            responses = {int(code): answer for code, answer in op.get("responses", {}).items()}
            statuses |= {code for code in responses if code in ERROR_ANSWERS}
            for status in sorted(statuses):
                answer = {"description": ERROR_ANSWERS[status], "content": content}
                if status == 429:
                    answer["headers"] = {
                        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
                    }
                responses[status] = answer
            op["responses"] = dict(sorted(responses.items()))
    return document


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class ObjectBodyParser(Parser):
    """Every JSON body of this API is an object. Anything else (an array, a number) is refused
    as unreadable (422): ninja would otherwise take an empty array for a body of defaults.
    No text may hold a NUL character (PostgreSQL cannot store or compare one: it was a 500)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        if _holds_nul(data):
            raise ValueError("the request body holds a NUL character")
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if _holds_nul(result):
            raise HttpError(400, "NUL character in a parameter")
        return result


class EdudxAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_error_answers(document)


api = EdudxAPI(
    title="edudx API",
    version="1",
    description="edudx REST API. Session (with CSRF) or `Authorization: Bearer <token>` authentication. "
    "Lists use cursor pagination: pass `cursor` from the previous page's `next_cursor`.",
    auth=[TokenAuth(), SessionCsrfAuth(csrf=True)],
    parser=ObjectBodyParser(),
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


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    # Last line of defence: a number too large for the database (64-bit) that reached a query.
    # Ids are bounded where they are parsed (edudx.core.ids.Id); this keeps any field missed a 422.
    return api.create_response(
        request,
        _body("number_out_of_range", gettext("A number in the request is out of range.")),
        status=422,
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, NotFound().as_dict(), status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # ninja's "Cannot parse request body" (a malformed JSON or multipart body): one status
        # and one code for every input the API cannot take.
        return api.create_response(
            request,
            _body(
                "invalid_request",
                gettext("The request is not valid."),
                [
                    {
                        "field": "body",
                        "code": "unparsable",
                        "message": gettext("The request body could not be read."),
                    }
                ],
            ),
            status=422,
        )
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
