"""OneRoster 1.2 rostering REST doors, read-only, for partner OAuth clients.

Every door: the bearer check (auth.partner_caller) → rate limit → the scope the collection
needs → parameters → rows from the sources (registry selectors with the partner's Scope) →
records cut to the field profile → the access log. Errors are OneRoster status-info bodies;
a foreign or unknown sourcedId is 404 `unknownobject`, the same answer for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .. import services
from ..auth import PartnerCaller, partner_caller, rate_limited
from . import gone as gone_rows
from . import sources as src
from .errors import OneRosterError, bad, error_response, not_found
from .query import ListQuery, Predicate, parse, parse_moment
from .records import PEOPLE_KINDS, build, known_fields, query_fields

SCOPE = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
CORE = frozenset({SCOPE + "roster-core.readonly", SCOPE + "roster.readonly"})
DEMOGRAPHICS = frozenset({SCOPE + "roster-demographics.readonly", SCOPE + "roster.readonly"})
Sources = Callable[[PartnerCaller, dict[str, Any]], list[src.Source]]


def _caller(request: HttpRequest) -> PartnerCaller:
    caller = partner_caller(request)
    if caller is not None:
        return caller
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META:
        # A person signed in to the site: these doors are for partner apps only.
        raise OneRosterError(403, "forbidden", "These doors are for partner apps' OAuth clients.")
    raise OneRosterError(401, "unauthorisedrequest", "A valid OAuth 2.0 bearer token is required.")


def _condition(source: src.Source, p: Predicate) -> Q:
    column = source.names.get(p.field)
    if column is None:
        raise bad("invalid_filter_field", f"Cannot filter on {p.field[:60]}.")
    value: Any = p.value
    if p.field == "dateLastModified":
        value = parse_moment(p.value)
    elif column == "pk" or column.endswith("__pk") or column == "school_id":
        digits = "".join(ch for ch in p.value if ch.isdigit())
        value = int(digits[:18]) if digits else -1
    lookups = {"=": "exact", "!=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "~": "icontains"}
    q = Q(**{f"{column}__{lookups[p.op]}": value})
    return ~q if p.op == "!=" else q


def _python_match(record: dict[str, Any], query: ListQuery) -> bool:
    if not query.predicates:
        return True
    results = []
    for p in query.predicates:
        if p.field not in ("sourcedId", "status", "dateLastModified", "type", "title"):
            raise bad("invalid_filter_field", f"Cannot filter on {p.field[:60]}.")
        left = str(record.get(p.field, ""))
        right = p.value
        if p.field == "dateLastModified":
            left, right = parse_moment(left).isoformat(), parse_moment(right).isoformat()
        ops: dict[str, Callable[[str, str], bool]] = {
            "=": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            "~": lambda a, b: b.lower() in a.lower(),
        }
        results.append(ops[p.op](left, right))
    return all(results) if query.logical == "AND" else any(results)


def _prepared(source: src.Source, query: ListQuery) -> Any:
    """The source's queryset with the filter and sort applied (or None: nothing can match)."""
    assert source.qs is not None
    qs = source.qs
    if query.predicates:
        conds = [_condition(source, p) for p in query.predicates]
        combined = conds[0]
        for c in conds[1:]:
            combined = (combined & c) if query.logical == "AND" else (combined | c)
        qs = qs.filter(combined)
    key = source.names.get(query.sort or "sourcedId")
    if query.sort and key is None:
        if source.kind == "gone":  # a deletion carries no names: ordered by sourcedId
            key = source.names["sourcedId"]
        else:
            raise bad("invalid_selection_field", f"Cannot sort on {query.sort[:60]}.")
    tie = source.names["sourcedId"]
    keys = list(src.PERSON_SORTS.get(query.sort, (key,))) if source.people else [key]
    order = [k for k in [*keys, tie] if k] if key != tie else [tie]
    return qs.order_by(*[f"-{o}" if query.descending else o for o in dict.fromkeys(order)])


SESSION_FIELDS = frozenset(
    {"sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "schoolYear"}
)


def _page(
    sources: list[src.Source], query: ListQuery, caller: PartnerCaller
) -> tuple[list[dict[str, Any]], int, set[str], dict[int, int]]:
    """One page over the sources chained in order; returns records, total, the fields written
    and the number of records per school."""
    out: list[dict[str, Any]] = []
    fields: set[str] = set()
    schools: dict[int, int] = {}
    total = 0
    offset, room = query.offset, query.limit
    for source in sources:
        if source.qs is None:
            records = [build(source.kind, r, caller, None) for r in source.rows]
            records = [r for r in records if _python_match(r, query)]
            sort = query.sort or "sourcedId"
            if sort not in SESSION_FIELDS:
                raise bad("invalid_selection_field", f"Cannot sort on {sort[:60]}.")
            records.sort(key=lambda r: str(r.get(sort, "")), reverse=query.descending)
            count = len(records)
            rows: list[Any] = records[offset : offset + room] if room and offset < count else []
            page = [{k: r[k] for k in (query.fields or r) if k in r} for r in rows]
        else:
            qs = _prepared(source, query)
            count = qs.count()
            rows = list(qs[offset : offset + room]) if room and offset < count else []
            page = [build(source.kind, r, caller, query.fields) for r in rows]
            for r in rows:
                school = (
                    r.get("school_id")
                    or r.get("enrolments__school_id")
                    or r.get("assignments__school_class__school_id")
                )
                if school:
                    schools[school] = schools.get(school, 0) + 1
        total += count
        offset = max(0, offset - count)
        room -= len(page)
        out.extend(page)
        for record in page:
            fields.update(record)
    return out, total, fields, schools


def _links(request: HttpRequest, query: ListQuery, total: int) -> str:
    params = {k: v for k, v in request.GET.items() if k not in ("limit", "offset")}
    base = request.path

    def link(offset: int, rel: str) -> str:
        return f'<{base}?{urlencode({**params, "limit": query.limit, "offset": offset})}>; rel="{rel}"'

    last = max(0, (total - 1) // query.limit * query.limit)
    links = [link(0, "first"), link(last, "last")]
    if query.offset + query.limit < total:
        links.append(link(query.offset + query.limit, "next"))
    if query.offset > 0:
        links.append(link(max(0, query.offset - query.limit), "prev"))
    return ", ".join(links)


def _json(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def door(
    wrapper: str,
    kind: str,
    make: Sources,
    needs: frozenset[str],
    *,
    single: bool = False,
    parent: Sources | None = None,
) -> Callable[..., HttpResponse]:
    """A OneRoster GET door: a collection (`single=False`) or one object by sourcedId."""

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: str) -> HttpResponse:
        caller: PartnerCaller | None = None
        status = 200
        fields: set[str] = set()
        schools: dict[int, int] = {}
        try:
            caller = _caller(request)
            wait = rate_limited(request, caller)
            if wait:
                raise OneRosterError(429, "server_busy", f"Too many requests; retry after {wait} s.")
            if request.method not in ("GET", "HEAD"):
                raise OneRosterError(405, "invaliddata", "These doors are read-only.")
            if not caller.scopes & needs:
                raise OneRosterError(403, "forbidden", "The token's scopes do not open this collection.")
            query = parse(request.GET.dict())
            if query.fields is not None:
                unknown = [f for f in query.fields if f not in known_fields(kind, caller)]
                if unknown:
                    raise bad("invalid_selection_field", f"Unknown field: {unknown[0][:60]}.")
            allowed = query_fields(kind, caller)
            if allowed is not None:
                for p in query.predicates:
                    if p.field not in allowed:
                        raise bad("invalid_filter_field", f"Cannot filter on {p.field[:60]}.")
                if query.sort and query.sort not in allowed:
                    raise bad("invalid_selection_field", f"Cannot sort on {query.sort[:60]}.")
            sid = next(iter(kwargs.values()), "")
            where: dict[str, Any] = {}
            if parent is not None:
                if not any(_exists(s) for s in parent(caller, {"sid": sid})):
                    raise not_found()
                where = {"parent_sid_value": sid}
            elif single:
                where = {"sid": sid}
            found = make(caller, where)
            if not single and parent is None:
                found += _gone(caller, found, query)
            if single:
                query.limit, query.offset, query.predicates = 1, 0, []
            page, total, fields, schools = _page(found, query, caller)
            if single:
                if not page:
                    raise not_found()
                response = _json({wrapper: page[0]})
            else:
                response = _json({wrapper: page})
                response["X-Total-Count"] = str(total)
                response["Link"] = _links(request, query, total)
            return response
        except OneRosterError as exc:
            status = exc.status
            return error_response(exc)
        finally:
            if caller is not None:
                services.request_log(
                    client=caller.client,
                    endpoint=request.path,
                    query=request.META.get("QUERY_STRING", ""),
                    status=status,
                    per_school=schools,
                    fields=fields,
                    people=kind in PEOPLE_KINDS or kind in ("enrolment",),
                )

    return view


def _gone(caller: PartnerCaller, found: list[src.Source], query: ListQuery) -> list[src.Source]:
    """A delta (`dateLastModified>` or `>=`, joined by AND) also lists the people and enrolments
    that left the app's view since then (moved to a school that did not approve the app,
    deleted): from the change log, as `tobedeleted`, after the visible rows."""
    if query.logical != "AND":
        return []
    bounds = [p for p in query.predicates if p.field == "dateLastModified" and p.op in (">", ">=")]
    if not bounds or any(p.field not in gone_rows.GONE_NAMES for p in query.predicates):
        return []
    since = max(parse_moment(p.value) for p in bounds)
    out = []
    for source in found:
        gone = gone_rows.gone_source(caller, source.kind, since)
        if gone is not None:
            out.append(gone)
    return out


def _exists(source: src.Source) -> bool:
    return bool(source.rows) if source.qs is None else source.qs.exists()


# ----- what each door reads: sourcedId parsing happens here, a bad one matches nothing
def _pk(where: dict[str, Any], prefix: str) -> int:
    parsed = src.parse_sid(where.get("sid", ""))
    if parsed is None or parsed[0] != prefix:
        raise not_found()
    return parsed[1]


def orgs(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
    if "sid" in where:
        return [src.school_source(caller, pk=_pk(where, "org"))]
    return [src.school_source(caller)]


def sessions(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
    if "sid" in where:
        parsed = src.parse_sid(where["sid"])
        if parsed is None or parsed[0] not in ("y", "t"):
            raise not_found()
        return [src.session_source(caller, only=parsed)]
    return [src.session_source(caller)]


def courses(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
    if "sid" in where:
        m = src.COURSE_SID.match(where["sid"])
        if not m:
            raise not_found()
        return [src.course_source(caller, school_id=int(m[1]), year_id=int(m[2]), grade=int(m[3]))]
    if "school" in where:
        return [src.course_source(caller, school_id=where["school"])]
    return [src.course_source(caller)]


def classes(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
    if "sid" in where:
        return [src.class_source(caller, pk=_pk(where, "cl"))]
    if "school" in where:
        return [src.class_source(caller, school_id=where["school"])]
    return [src.class_source(caller)]


def users(
    caller: PartnerCaller,
    where: dict[str, Any],
    *,
    pupils: bool = True,
    staff: bool = True,
    teachers_only: bool = False,
) -> list[src.Source]:
    if "sid" in where:
        parsed = src.parse_sid(where["sid"])
        if parsed is None:
            raise not_found()
        if parsed[0] == "s" and pupils:
            return [src.pupil_source(caller, pk=parsed[1])]
        if parsed[0] == "st" and staff:
            return [src.staff_source(caller, teachers_only=teachers_only, pk=parsed[1])]
        raise not_found()
    out = []
    if pupils:
        if "school" in where:
            out.append(src.pupil_source(caller, school_id=where["school"]))
        elif "klass" in where:
            out.append(
                src.pupil_source(
                    caller, enrolments__school_class_id=where["klass"], enrolments__state="active"
                )
            )
        else:
            out.append(src.pupil_source(caller))
    if staff:
        if "school" in where:
            out.append(src.staff_source(caller, teachers_only=teachers_only, school_id=where["school"]))
        elif "klass" in where:
            out.append(
                src.staff_source(
                    caller, teachers_only=teachers_only, assignments__school_class_id=where["klass"]
                )
            )
        else:
            out.append(src.staff_source(caller, teachers_only=teachers_only))
    return out


def enrollments(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
    if "sid" in where:
        parsed = src.parse_sid(where["sid"])
        if parsed and parsed[0] == "e":
            return [src.pupil_enrolment_source(caller, enrolments__pk=parsed[1])]
        if parsed and parsed[0] == "ta":
            return [src.teacher_enrolment_source(caller, assignments__pk=parsed[1])]
        raise not_found()
    if "school" in where:
        return [
            src.pupil_enrolment_source(caller, enrolments__school_id=where["school"]),
            src.teacher_enrolment_source(caller, assignments__school_class__school_id=where["school"]),
        ]
    if "klass" in where:
        return [
            src.pupil_enrolment_source(caller, enrolments__school_class_id=where["klass"]),
            src.teacher_enrolment_source(caller, assignments__school_class_id=where["klass"]),
        ]
    return [src.pupil_enrolment_source(caller), src.teacher_enrolment_source(caller)]


def demographics(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
    if "sid" in where:
        return [src.demographic_source(caller, pk=_pk(where, "s"))]
    return [src.demographic_source(caller)]


def nested(make: Callable[..., list[src.Source]], key: str, prefix: str, **options: Any) -> Sources:
    """A nested read: the parent's sourcedId (already proved visible) narrows the collection."""

    def sources(caller: PartnerCaller, where: dict[str, Any]) -> list[src.Source]:
        parsed = src.parse_sid(where.pop("parent_sid_value", ""))
        if parsed is None or parsed[0] != prefix:
            raise not_found()
        return make(caller, {key: parsed[1]}, **options) if options else make(caller, {key: parsed[1]})

    return sources
