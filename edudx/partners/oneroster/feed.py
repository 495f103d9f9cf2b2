"""The change feed: for one resource, what changed since version N, with a cursor.

`GET /partners/feed/v1/<resource>?after=<version>&limit=<n>` (resources: orgs, classes, users,
enrollments, demographics) answers `{"changes": [...], "cursor": "<version>", "more": bool}`.
Each change is the record as the OneRoster door would give it now (cut to the app's profile),
with its `version`; a record the app can no longer see — deleted, moved to a school that did not
approve the app, left, consent withdrawn — is `{"sourcedId", "status": "tobedeleted",
"dateLastModified": <time of the change>}` and nothing else. A page holds each record once (its
last change in the page). The versions come from `partners.Change`, appended by triggers
(`partners.changes`) on every registry write, read only for the app's approved schools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .. import services
from ..auth import PartnerCaller, rate_limited
from ..models import Change
from . import gone
from . import sources as src
from .errors import OneRosterError, bad, error_response, not_found
from .records import _moment, build

CORE_RESOURCES: dict[str, tuple[str, ...]] = {
    "orgs": ("org",),
    "classes": ("cl",),
    "users": ("s", "st"),
    "enrollments": ("e", "ta"),
    "demographics": ("s",),
}
# prefix → (record kind, the row's sourcedId column, the rows of these ids the caller may see)
Reader = Callable[[PartnerCaller, list[int]], src.Source]
READERS: dict[str, tuple[str, str, Reader]] = {
    "org": ("org", "pk", lambda c, ids: src.school_source(c, pk__in=ids)),
    "cl": ("class", "pk", lambda c, ids: src.class_source(c, pk__in=ids)),
    "s": ("user", "pk", lambda c, ids: src.pupil_source(c, pk__in=ids)),
    "st": ("staff", "pk", lambda c, ids: src.staff_source(c, pk__in=ids)),
    "e": (
        "enrolment",
        "enrolments__pk",
        lambda c, ids: src.pupil_enrolment_source(c, enrolments__pk__in=ids),
    ),
    "ta": (
        "assignment",
        "assignments__pk",
        lambda c, ids: src.teacher_enrolment_source(c, assignments__pk__in=ids),
    ),
}


def latest_version() -> int:
    last = Change.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


def _after(value: str) -> int:
    if not value:
        return 0
    if not value.isdigit() or len(value) > 18:
        raise bad("invaliddata", "after must be a version number from a previous cursor.")
    return int(value)


def _limit(value: str) -> int:
    if not value:
        return 100
    if not value.isdigit() or not 1 <= int(value) <= settings.EDUDX_PARTNER_MAX_LIMIT:
        raise bad("invaliddata", f"limit must be between 1 and {settings.EDUDX_PARTNER_MAX_LIMIT}.")
    return int(value)


def changes_page(
    caller: PartnerCaller, resource: str, after: int, limit: int
) -> tuple[list[dict[str, Any]], int, bool, dict[int, int]]:
    """One page of changes: (records, cursor, more, records per school)."""
    prefixes = CORE_RESOURCES[resource]
    columns = ("id", "prefix", "object_id", "at")
    # Two index walks merged by version: every app's rows of the approved schools (the
    # triggers'), and this app's own (a school leaving or entering its view, services.announce).
    shared = list(
        Change.objects.filter(
            id__gt=after, prefix__in=prefixes, school_id__in=caller.school_ids, app_id__isnull=True
        )
        .filter(gone.received_q(caller))
        .order_by("id")
        .values_list(*columns)[: limit + 1]
    )
    own = list(
        gone.own_changes(caller)
        .filter(id__gt=after, prefix__in=prefixes)
        .order_by("id")
        .values_list(*columns)[: limit + 1]
    )
    rows = sorted(shared + own)[: limit + 1]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1][0] if rows else after
    last: dict[tuple[str, int], tuple[int, Any]] = {}
    for version, prefix, object_id, at in rows:
        last[(prefix, object_id)] = (version, at)
    current: dict[tuple[str, int], dict[str, Any]] = {}
    schools: dict[int, int] = {}
    for prefix in prefixes:
        ids = [o for (p, o) in last if p == prefix]
        if not ids:
            continue
        kind, key, reader = READERS[prefix]
        if resource == "demographics":
            kind = "demographic"
            source = src.demographic_source(caller, pk__in=ids)
        else:
            source = reader(caller, ids)
        assert source.qs is not None
        for row in source.qs:
            current[(prefix, row[key])] = build(kind, row, caller, None)
            school = (
                row.get("school_id")
                or row.get("enrolments__school_id")
                or row.get("assignments__school_class__school_id")
            )
            if school and kind not in ("org", "class"):
                schools[school] = schools.get(school, 0) + 1
    out = []
    for (prefix, object_id), (version, at) in sorted(last.items(), key=lambda kv: kv[1][0]):
        record = current.get((prefix, object_id)) or {
            "sourcedId": f"{prefix}{object_id}",
            "status": "tobedeleted",
            "dateLastModified": _moment(at),
        }
        out.append({"version": version, **record})
    return out, cursor, more, schools


@csrf_exempt
def feed(request: HttpRequest, resource: str) -> HttpResponse:
    from .views import CORE, DEMOGRAPHICS, _caller, _json

    caller: PartnerCaller | None = None
    status, fields = 200, set[str]()
    schools: dict[int, int] = {}
    try:
        caller = _caller(request)
        wait = rate_limited(request, caller)
        if wait:
            raise OneRosterError(429, "server_busy", f"Too many requests; retry after {wait} s.")
        if request.method not in ("GET", "HEAD"):
            raise OneRosterError(405, "invaliddata", "These doors are read-only.")
        if resource not in CORE_RESOURCES:
            raise not_found()
        needs = DEMOGRAPHICS if resource == "demographics" else CORE
        if not caller.scopes & needs:
            raise OneRosterError(403, "forbidden", "The token's scopes do not open this collection.")
        params = request.GET
        if any("\x00" in v or len(v) > 100 for v in params.values()):
            raise bad("invaliddata", "A parameter holds a NUL character or is too long.")
        records, cursor, more, schools = changes_page(
            caller, resource, _after(params.get("after", "")), _limit(params.get("limit", ""))
        )
        for record in records:
            fields.update(record)
        fields.discard("version")
        response = _json({"changes": records, "cursor": str(cursor), "more": more})
        if more:
            response["Link"] = f'<{request.path}?after={cursor}>; rel="next"'
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
                people=resource in ("users", "enrollments", "demographics"),
            )
