"""State, Activity Profile and Agent Profile resources; Activities, Agents and About."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from ..models import Activity, Document, DocumentKind
from . import launch
from .errors import XapiError
from .http import XRequest, allow_cross_origin, preflight, served_versions
from .keys import ifi_key
from .statements import json_response
from .store import iso
from .validate import V1, V2

# kind: (required params, id param, optional params)
RESOURCES = {
    DocumentKind.STATE: (("activityId", "agent"), "stateId", {"registration", "since"}),
    DocumentKind.ACTIVITY_PROFILE: (("activityId",), "profileId", {"since"}),
    DocumentKind.AGENT_PROFILE: (("agent",), "profileId", {"since"}),
}


def _etag(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 (the spec's ETag is SHA-1)


def _scope_key(kind: str, activity: str | None, agent_key: str | None, registration: str | None) -> str:
    raw = f"{kind}|{activity or ''}|{agent_key or ''}|{registration or ''}"
    return hashlib.sha1(raw.encode()).hexdigest()  # noqa: S324 (a key, not security)


def _content(doc: Document) -> bytes:
    if doc.content is not None:
        return bytes(doc.content)
    with doc.file.open("rb") as f:
        return f.read()


def _etags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/").strip('"') for t in header.split(",") if t.strip()]


def _check_preconditions(req: XRequest, doc: Document | None) -> None:
    if_match = req.headers.get("if-match")
    if_none = req.headers.get("if-none-match")
    if if_match is not None:
        tags = _etags(if_match)
        if doc is None or ("*" not in tags and doc.etag not in tags):
            raise XapiError(412, "If-Match precondition failed")
    if if_none is not None:
        tags = _etags(if_none)
        if doc is not None and ("*" in tags or doc.etag in tags):
            raise XapiError(412, "If-None-Match precondition failed")


def document(kind: DocumentKind) -> Callable[[XRequest], HttpResponse]:
    required, id_param, optional = RESOURCES[kind]

    def handler(req: XRequest) -> HttpResponse:
        if (
            req.method == "GET"
            and not req.credential.can_read
            or req.method != "GET"
            and not req.credential.can_write
        ):
            raise XapiError(403, "this credential may not do this")
        allowed = set(required) | {id_param} | optional
        # `since` filters the multi-document GET and, in 1.0.3 only, the State multi-DELETE.
        if id_param in req.params or not (
            req.method == "GET" or req.method == "DELETE" and req.version == V1
        ):
            allowed.discard("since")
        req.require_params(allowed, required)
        if req.params.get(id_param) == "":
            raise XapiError(400, f"parameter {id_param!r} must not be empty")
        activity = req.iri("activityId") if "activityId" in required else None
        agent = req.agent() if "agent" in required else None
        registration = req.uuid("registration") if "registration" in optional else None
        launched = launch.of(req.credential)
        if launched is not None:
            launch.check_document(launched, activity, agent, registration)
        key = _scope_key(kind, activity, ifi_key(agent) if agent else None, registration)
        doc_id = req.params.get(id_param)
        base = Document.objects.filter(unit_path=req.credential.unit_path, scope_key=key)
        if req.method in ("PUT", "POST") and doc_id is None:
            raise XapiError(400, f"parameter {id_param!r} is required")
        if req.method == "GET":
            if doc_id is None:
                since = req.timestamp("since")
                qs = base.filter(updated__gt=since) if since else base
                resp = json_response(list(qs.order_by("doc_id").values_list("doc_id", flat=True)))
                last = qs.order_by("-updated").values_list("updated", flat=True).first()
                if last:
                    resp["Last-Modified"] = http_date(last.timestamp())
                return resp
            doc = base.filter(doc_id=doc_id).first()
            if doc is None:
                raise XapiError(404, "no such document")
            resp = HttpResponse(_content(doc), content_type=doc.content_type)
            resp["ETag"] = f'"{doc.etag}"'
            resp["Last-Modified"] = http_date(doc.updated.timestamp())
            return resp
        if req.method == "DELETE":
            with transaction.atomic():
                if doc_id is None:
                    if kind != DocumentKind.STATE:
                        raise XapiError(400, f"parameter {id_param!r} is required")
                    since = req.timestamp("since")
                    (base.filter(updated__gt=since) if since else base).delete()
                else:
                    doc = base.filter(doc_id=doc_id).select_for_update().first()
                    _check_preconditions(req, doc)
                    if doc is not None:
                        doc.delete()
            return HttpResponse(status=204)
        return _write(req, kind, base, doc_id, activity, agent, registration, key)

    return handler


def state_put(
    *, unit_path: str, activity_id: str, agent: dict[str, Any], registration: str, state_id: str, content: Any
) -> None:
    """Write one JSON State document in-process (the platform as author: no credential)."""
    body = json.dumps(content, ensure_ascii=False).encode()
    key = _scope_key(DocumentKind.STATE, activity_id, ifi_key(agent), registration)
    Document.objects.update_or_create(
        unit_path=unit_path,
        scope_key=key,
        doc_id=state_id,
        defaults={
            "kind": DocumentKind.STATE,
            "activity_id": activity_id,
            "agent": agent,
            "registration": registration,
            "content_type": "application/json",
            "etag": _etag(body),
            "updated": timezone.now(),
            "content": body,
            "file": "",
        },
    )


def _write(req, kind, base, doc_id, activity, agent, registration, key) -> HttpResponse:
    ctype = req.content_type or "application/octet-stream"
    body = req.body
    is_json = ctype.split(";")[0].strip().lower() == "application/json"
    with transaction.atomic():
        doc = base.filter(doc_id=doc_id).select_for_update().first()
        _check_preconditions(req, doc)
        concurrency = "if-match" in req.headers or "if-none-match" in req.headers
        # 1.0.3 lets a State PUT overwrite unconditionally; 2.0 (and both profiles) need a precondition.
        needs_headers = kind != DocumentKind.STATE or req.version == V2
        if req.method == "PUT" and doc is not None and needs_headers and not concurrency:
            raise XapiError(409, "a PUT to an existing document needs If-Match or If-None-Match")
        if req.method == "PUT" and doc is None and kind != DocumentKind.STATE and not concurrency:
            # Communication 3.1.s3.b1: "A Client making a PUT request to either the Agent
            # Profile Resource or Activity Profile Resource MUST include the If-Match header or
            # the If-None-Match header" — a request missing it is a bad request (400).
            raise XapiError(400, "a PUT to a profile document needs If-Match or If-None-Match")
        if req.method == "POST" and doc is not None:
            # Merge: both must be JSON objects; the new object's top-level properties win.
            old_is_json = doc.content_type.split(";")[0].strip().lower() == "application/json"
            if not (is_json and old_is_json):
                raise XapiError(400, "POST merges only application/json documents")
            try:
                old, new = json.loads(_content(doc)), json.loads(body)
            except ValueError as exc:
                raise XapiError(400, "documents to merge must be JSON") from exc
            if not isinstance(old, dict) or not isinstance(new, dict):
                raise XapiError(400, "documents to merge must be JSON objects")
            body = json.dumps({**old, **new}, ensure_ascii=False).encode()
        elif req.method == "POST" and is_json:
            try:
                if not isinstance(json.loads(body), dict):
                    raise XapiError(400, "a JSON document sent by POST must be an object")
            except ValueError as exc:
                raise XapiError(400, "the document is not valid JSON") from exc
        if doc is None:
            doc = Document(
                kind=kind,
                unit_path=req.credential.unit_path,
                scope_key=key,
                doc_id=doc_id,
                activity_id=activity or "",
                agent=agent,
                registration=registration,
                credential=req.credential if req.credential.pk else None,  # a launch token has none
            )
        doc.content_type = ctype
        doc.etag = _etag(body)
        doc.updated = timezone.now()
        if len(body) > settings.LRS_INLINE_DOCUMENT_MAX:
            doc.content = None
            doc.file.save(f"{doc.etag}.bin", ContentFile(body), save=False)
        else:
            doc.content = body
            doc.file = ""
        doc.save()
    resp = HttpResponse(status=204)
    resp["ETag"] = f'"{doc.etag}"'
    return resp


def activities(req: XRequest) -> HttpResponse:
    req.require_params({"activityId"}, ("activityId",))
    iri = req.iri("activityId")
    if iri is None:  # require_params made sure it is given
        raise XapiError(400, "activityId is required")
    act = Activity.objects.filter(iri_hash=hashlib.sha1(iri.encode()).hexdigest()).first()  # noqa: S324
    out: dict[str, Any] = {"objectType": "Activity", "id": iri}
    if act is not None and act.definition:
        out["definition"] = act.definition
    return json_response(out)


def agents(req: XRequest) -> HttpResponse:
    req.require_params({"agent"}, ("agent",))
    agent = req.agent()
    if agent is None:  # require_params made sure it is given
        raise XapiError(400, "agent is required")
    person: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return json_response(person)


V1_PATCHES = ["1.0.0", "1.0.1", "1.0.2", V1]  # every 1.0.x header is served as 1.0.3


def about(request) -> HttpResponse:
    """Public, cross-origin too. A 1.0.x client is told only 1.0.x versions (the 1.0.3 suite
    allows nothing else in the list); anyone else gets every version served."""
    if request.method == "OPTIONS":
        return preflight(("GET",))
    header = (request.headers.get("X-Experience-API-Version") or "").strip()
    served = served_versions()
    is_v1 = V1 in served and (header == "1.0" or header.startswith("1.0.") or V2 not in served)
    resp = json_response(
        {
            "version": V1_PATCHES if is_v1 else [*(V1_PATCHES if V1 in served else []), V2],
            "extensions": {
                "https://edudx.hcm.edu.vn/xapi/extensions/about": {
                    "name": "edudx LRS",
                    "time": iso(timezone.now()),
                }
            },
        }
    )
    resp["X-Experience-API-Version"] = V1 if is_v1 else V2
    return allow_cross_origin(resp)
