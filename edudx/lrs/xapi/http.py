"""The request envelope every xAPI resource handler sees: negotiated version, credential,
parameters, headers and body — the same whether the client used a normal request or the
1.0.3 Alternate Request Syntax (a form POST with ?method=)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..models import Credential
from .errors import XapiError
from .validate import V1, V2, is_iri, is_uuid, parse_timestamp, validate_agent_param

FORM_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    version: str
    credential: Credential
    django: HttpRequest

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def require_params(self, allowed: set[str], required: tuple[str, ...] = ()) -> None:
        for key in self.params:
            if key not in allowed:
                raise XapiError(400, f"parameter {key!r} is not allowed here")
        for key in required:
            if key not in self.params:
                raise XapiError(400, f"parameter {key!r} is required")

    # ----- typed parameters
    def iri(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is not None and not is_iri(value):
            raise XapiError(400, f"parameter {name!r} must be an IRI")
        return value

    def uuid(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is not None and not is_uuid(value):
            raise XapiError(400, f"parameter {name!r} must be a UUID")
        return value.lower() if value else None

    def agent(self, name: str = "agent") -> dict[str, Any] | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise XapiError(400, f"parameter {name!r} must be JSON") from exc
        validate_agent_param(value, self.version, name)
        return value

    def timestamp(self, name: str):
        value = self.params.get(name)
        return parse_timestamp(value, name, version=self.version) if value is not None else None

    def boolean(self, name: str) -> bool:
        value = self.params.get(name, "false")
        if value not in ("true", "false"):
            raise XapiError(400, f"parameter {name!r} must be true or false")
        return value == "true"


_V1_HEADER = re.compile(r"1\.0(\.\d+)?")
_V2_HEADER = re.compile(r"2\.0(\.\d+)?")


def served_versions() -> tuple[str, ...]:
    """The versions this deployment serves (LRS_XAPI_VERSIONS), oldest first. Both by
    default; an operator may serve one, e.g. for tools that must only ever see 1.0.3."""
    wanted = {v.strip() for v in getattr(settings, "LRS_XAPI_VERSIONS", (V1, V2))}
    return tuple(v for v in (V1, V2) if v in wanted) or (V1, V2)


def newest_version() -> str:
    """The label of a response to a request that names no (served) version: "The LRS MUST
    set this header to the latest patch version" (Communication 3.3.s3.b2)."""
    return served_versions()[-1]


def negotiate(header: str | None) -> str:
    if not header:
        raise XapiError(400, "X-Experience-API-Version header is required")
    value = header.strip()
    version = V2 if _V2_HEADER.fullmatch(value) else V1 if _V1_HEADER.fullmatch(value) else None
    if version is None or version not in served_versions():
        raise XapiError(400, f"X-Experience-API-Version {header!r} is not supported")
    return version


def _negotiated(header: str | None) -> str | None:
    """The version an error response is labelled with, if the header names one."""
    try:
        return negotiate(header)
    except XapiError:
        return None


def error_response(exc: XapiError, version: str | None) -> HttpResponse:
    resp = HttpResponse(
        json.dumps({"error": exc.message}), status=exc.status, content_type="application/json"
    )
    resp["X-Experience-API-Version"] = version or newest_version()
    if exc.status == 401:
        resp["WWW-Authenticate"] = 'Basic realm="edudx LRS"'
    return resp


def authenticate(header: str | None) -> Credential:
    from .. import services

    if not header:
        raise XapiError(401, "authentication required")
    scheme, _, value = header.partition(" ")
    cred = None
    if scheme.lower() == "basic":
        try:
            key, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError) as exc:
            raise XapiError(401, "malformed Basic credentials") from exc
        if key.startswith(services.LAUNCH_KEY_PREFIX):
            cred = services.launch_authenticate(key, secret)
        else:
            cred = services.credential_authenticate(key, secret)
    elif scheme.lower() == "bearer":
        cred = services.token_authenticate(value.strip())
    if cred is None:
        raise XapiError(401, "invalid credentials")
    return cred


def request_headers(meta: dict[str, Any]) -> dict[str, str]:
    """The request's headers by lower-case name, read once from the WSGI environ (what
    request.headers holds, without building its case-insensitive mapping on every request)."""
    out = {}
    for key, value in meta.items():
        if key.startswith("HTTP_"):
            out[key[5:].replace("_", "-").lower()] = value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            out[key.replace("_", "-").lower()] = value
    return out


def _envelope(
    request: HttpRequest, headers: dict[str, str]
) -> tuple[str, dict[str, str], dict[str, str], bytes, bool]:
    if not request.META.get("QUERY_STRING"):  # most writes: no parameters at all
        params: dict[str, str] = {}
    elif any(len(values) > 1 for _key, values in request.GET.lists()):
        raise XapiError(400, "a parameter is given more than once")
    else:
        params = {key: str(value) for key, value in request.GET.items()}  # one value each (checked above)
    if request.method == "POST" and "method" in params:
        # 1.0.3 Alternate Request Syntax: the real method in the query, headers and content
        # and parameters in the form body; nothing else may be in the query string.
        if set(request.GET) != {"method"}:
            raise XapiError(400, "with ?method= the query string must hold nothing else")
        method = request.GET["method"].upper()
        if method not in ("GET", "PUT", "POST", "DELETE"):
            raise XapiError(400, "unsupported method in Alternate Request Syntax")
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise XapiError(400, "Alternate Request Syntax requires a form body")
        form = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        out_headers = {k: v for k, v in headers.items() if k not in ("content-type", "content-length")}
        body = b""
        out_params = {}
        for key, value in form.items():
            lk = key.lower()
            if lk in FORM_HEADERS:
                out_headers[lk] = value
            elif key == "content":
                body = value.encode("utf-8")
            else:
                out_params[key] = value
        if body and "content-type" not in out_headers:
            out_headers["content-type"] = "application/json"
        return method, out_params, out_headers, body, True
    method = "GET" if request.method == "HEAD" else (request.method or "GET")
    return method, params, headers, request.body, False


# Cross-origin (CORS): content packages call the LRS from their own origin in the browser,
# with the credential in the Authorization header. No cookie ever authenticates an xAPI
# request (and the lean path reads none), so any origin may call and read; credentials
# mode stays off (no Access-Control-Allow-Credentials).
CORS_REQUEST_HEADERS = "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
CORS_EXPOSED_HEADERS = "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
CORS_MAX_AGE = "86400"


def allow_cross_origin(resp: HttpResponse) -> HttpResponse:
    resp["Access-Control-Allow-Origin"] = "*"
    resp["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    return resp


def preflight(methods: tuple[str, ...]) -> HttpResponse:
    """The answer to a browser's OPTIONS preflight: which methods and headers may follow."""
    allowed = ", ".join([*methods, *(("HEAD",) if "GET" in methods else ()), "OPTIONS"])
    resp = HttpResponse(status=204)
    resp["Allow"] = resp["Access-Control-Allow-Methods"] = allowed
    resp["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
    resp["Access-Control-Max-Age"] = CORS_MAX_AGE
    return allow_cross_origin(resp)


def xapi_endpoint(handler: Callable[[XRequest], HttpResponse], *, methods: tuple[str, ...]) -> Callable:
    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return preflight(methods)
        request_hdrs = request_headers(request.META)
        version = _negotiated(request_hdrs.get("x-experience-api-version"))
        try:
            method, params, headers, body, alternate = _envelope(request, request_hdrs)
            # Credentials first: a browser session is never an xAPI credential (401).
            credential = authenticate(headers.get("authorization"))
            if alternate or version is None:  # the form may carry the header, or it is wrong
                version = negotiate(headers.get("x-experience-api-version"))
            if alternate and version != V1:
                raise XapiError(400, "the Alternate Request Syntax was removed in xAPI 2.0")
            if method not in methods:
                raise XapiError(405, f"method {method} is not allowed here")
            xreq = XRequest(method, params, headers, body, version, credential, request)
            resp = handler(xreq)
        except RequestDataTooBig:
            resp = error_response(XapiError(413, "the request is too large"), version)
        except RecursionError:
            # JSON nested deeper than the parser's recursion limit ([[[[…]]]], in a statement,
            # an extension or a document to merge): a bad request, not a server error.
            resp = error_response(XapiError(400, "the JSON is nested too deeply"), version)
        except XapiError as exc:
            resp = error_response(exc, version)
            if request.path.endswith("/statements") and request.method in ("GET", "HEAD"):
                resp["X-Experience-API-Consistent-Through"] = consistent_through()
        else:
            resp["X-Experience-API-Version"] = version
        if request.method == "HEAD":
            resp.content = b""
        return allow_cross_origin(resp)

    return view


def consistent_through() -> str:
    from .store import iso

    return iso(timezone.now())
