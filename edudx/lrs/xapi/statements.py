"""The Statements resource: PUT, POST, GET (single and query)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import http_date

from ..models import Activity, Attachment, StatementAttachment
from . import launch
from .errors import XapiError
from .http import XRequest, consistent_through
from .query import StatementQuery, get_one, parse_more, run
from .store import store_statements
from .validate import validate_statement
from .wire import (
    accept_languages,
    build_multipart,
    canonical_format,
    check_attachments,
    ids_format,
    parse_multipart,
    read_statement_request,
)

GET_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}
FILTERS = GET_PARAMS - {"statementId", "voidedStatementId", "format", "attachments", "more"}

log = logging.getLogger(__name__)


class RawJson(str):
    """JSON text that is already encoded."""


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


def _read_body(req: XRequest) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    ctype = req.content_type.lower()
    if ctype.startswith("multipart/mixed"):
        return read_statement_request(parse_multipart(req.body, req.content_type))
    if not ctype.startswith("application/json"):
        raise XapiError(400, "statements must be sent as application/json or multipart/mixed")
    try:
        return json.loads(req.body or b"null"), {}
    except ValueError as exc:
        raise XapiError(400, "the body is not valid JSON") from exc


def _write(req: XRequest, statements: list[Any], parts: dict[str, tuple[str, bytes]]) -> list[str]:
    if not req.credential.can_write:
        raise XapiError(403, "this credential may not write")
    for stmt in statements:
        validate_statement(stmt, req.version)
    check_attachments(statements, parts)
    launched = launch.of(req.credential)
    if launched is not None:
        for stmt in statements:
            launch.check_statement(launched, stmt)
    ids = store_statements(
        statements,
        version=req.version,
        credential=req.credential,
        unit_path=req.credential.unit_path,
        attachments=parts,
    )
    if launched is not None:
        from .. import services

        # The LMS's bookkeeping never undoes a stored statement: a receiver's error is logged.
        for receiver, answer in services.launch_statements_stored.send_robust(
            sender=type(launched), launch=launched, statements=statements
        ):
            if isinstance(answer, Exception):
                log.error("cmi5 receiver %s failed", receiver, exc_info=answer)
    return ids


def statements(req: XRequest) -> HttpResponse:
    if req.method == "PUT":
        return put(req)
    if req.method == "POST":
        return post(req)
    return get(req)


def put(req: XRequest) -> HttpResponse:
    req.require_params({"statementId"}, ("statementId",))
    sid = req.uuid("statementId")
    data, parts = _read_body(req)
    if not isinstance(data, dict):
        raise XapiError(400, "PUT takes one statement")
    if "id" in data and str(data["id"]).lower() != sid:
        raise XapiError(400, "the statement id does not match statementId")
    data["id"] = sid
    _write(req, [data], parts)
    return HttpResponse(status=204)


def post(req: XRequest) -> HttpResponse:
    req.require_params(set())
    data, parts = _read_body(req)
    batch = data if isinstance(data, list) else [data]
    if not all(isinstance(s, dict) for s in batch):
        raise XapiError(400, "the body must be a statement or an array of statements")
    return json_response(_write(req, batch, parts))


def _render(req: XRequest, stmts: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]]:
    if fmt == "ids":
        return [ids_format(s) for s in stmts]
    if fmt == "canonical":
        wanted = accept_languages(req.headers.get("accept-language", ""))
        iris = {s["object"].get("id") for s in stmts if s["object"].get("objectType") == "Activity"}
        import hashlib

        hashes = [hashlib.sha1(i.encode()).hexdigest() for i in iris if i]  # noqa: S324
        defs = {a.iri: a.definition for a in Activity.objects.filter(iri_hash__in=hashes)}
        return [canonical_format(s, wanted, defs) for s in stmts]
    return stmts


def _attachment_parts(pks: list[int]) -> list[tuple[str, str, bytes]]:
    links = StatementAttachment.objects.filter(statement_id__in=pks).values_list("attachment_id", flat=True)
    out = []
    for att in Attachment.objects.filter(pk__in=list(links)):
        with att.file.open("rb") as f:
            out.append((att.sha2, att.content_type, f.read()))
    return out


def _respond(req: XRequest, payload: Any, pks_with_attachments: list[int], attachments: bool) -> HttpResponse:
    body = (payload if isinstance(payload, RawJson) else json.dumps(payload, ensure_ascii=False)).encode()
    if attachments:
        content, ctype = build_multipart(body, _attachment_parts(pks_with_attachments))
        resp = HttpResponse(content, content_type=ctype)
    else:
        resp = HttpResponse(body, content_type="application/json")
    resp["X-Experience-API-Consistent-Through"] = consistent_through()
    return resp


def get(req: XRequest) -> HttpResponse:
    if not req.credential.can_read or launch.of(req.credential) is not None:
        raise XapiError(403, "this credential may not read")
    req.require_params(GET_PARAMS)
    fmt = req.params.get("format", "exact")
    if fmt not in ("ids", "exact", "canonical"):
        raise XapiError(400, "format must be ids, exact or canonical")
    attachments = req.boolean("attachments")
    single = [k for k in ("statementId", "voidedStatementId") if k in req.params]
    if single:
        if len(single) > 1 or set(req.params) & FILTERS or "more" in req.params:
            raise XapiError(400, "statementId and voidedStatementId take no filters")
        sid = req.uuid(single[0])
        if sid is None:  # the parameter is there (single); an empty value names no statement
            raise XapiError(400, f"parameter {single[0]!r} must be a UUID")
        row = get_one(
            unit_path=req.credential.unit_path, statement_id=sid, voided=single[0] == "voidedStatementId"
        )
        if row is None:
            raise XapiError(404, "no such statement")
        stmt = _render(req, [json.loads(row.data)], fmt)[0]
        resp = _respond(req, stmt, [row.pk] if row.has_attachments else [], attachments)
        resp["Last-Modified"] = http_date(row.stored.timestamp())
        return resp
    if "more" in req.params:
        if len(req.params) > 1:
            raise XapiError(400, "more takes no other parameters")
        q = parse_more(req.params["more"], req.credential.unit_path)
        fmt, attachments = q.extra.get("format", "exact"), q.extra.get("attachments", False)
    else:
        limit = req.params.get("limit", "0")
        if not limit.isdigit():
            raise XapiError(400, "limit must be a non-negative integer")
        q = StatementQuery(
            unit_path=req.credential.unit_path,
            agent=req.agent(),
            verb=req.iri("verb"),
            activity=req.iri("activity"),
            registration=req.uuid("registration"),
            related_activities=req.boolean("related_activities"),
            related_agents=req.boolean("related_agents"),
            since=req.timestamp("since"),
            until=req.timestamp("until"),
            limit=int(limit),
            ascending=req.boolean("ascending"),
            extra={"format": fmt, "attachments": attachments},
        )
    rows, more = run(q, max_limit=settings.LRS_MAX_LIMIT)
    more_url = f"{req.django.path}?more={more}" if more else ""
    if fmt == "exact":
        # The stored text is already the exact format: splice it, no parse and re-encode.
        payload: Any = RawJson(
            '{"statements":[' + ",".join(r[2] for r in rows) + '],"more":' + json.dumps(more_url) + "}"
        )
    else:
        payload = {"statements": _render(req, [json.loads(r[2]) for r in rows], fmt), "more": more_url}
    resp = _respond(req, payload, [r[0] for r in rows if r[3]], attachments)
    if rows:
        resp["Last-Modified"] = http_date(max(r[1] for r in rows).timestamp())
    return resp
