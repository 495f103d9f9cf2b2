"""OneRoster 1.2 CSV: the bulk and delta zip, streamed.

`GET /partners/oneroster/csv/v1p2/bulk.zip` — every record the app may receive now;
`GET /partners/oneroster/csv/v1p2/delta.zip?since=<ISO 8601 date-time>` — the records changed
since then, deletions included (`tobedeleted`: withdrawn consents, pupils who left or moved to a
school that did not approve the app). The zip holds `manifest.csv` (propertyName,value:
manifest.version, oneroster.version 1.2, file.<name> = bulk | delta | absent, source.*) and
orgs, academicSessions, courses, classes, users, roles, enrollments and — with the demographics
scope — demographics. Bulk files leave status and dateLastModified empty and hold no deletion.

Every row is the REST door's record (`records.build`: the same sources, the same cut to the
app's field profile), written as a CSV row; a field the profile cuts is an empty cell. Rows are
read with `.iterator()` in chunks and the zip is written into a sink drained after each chunk,
so memory stays flat whatever the city's size (bench/partners_csv.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from .. import services
from ..auth import PartnerCaller, rate_limited
from . import gone as gone_rows
from . import sources as src
from .errors import OneRosterError, bad, error_response
from .feed import latest_version
from .query import parse_moment
from .records import build

CHUNK = 2000

# The 1.2 CSV tables' columns (written from the spec facts as remembered; see the README).
COLUMNS: dict[str, list[str]] = {
    "orgs": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    "academicSessions": [
        "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
        "parentSourcedId", "schoolYear",
    ],
    "courses": [
        "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades",
        "orgSourcedId", "subjects", "subjectCodes",
    ],
    "classes": [
        "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode",
        "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods",
    ],
    "users": [
        "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
        "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
        "password", "userMasterIdentifier", "resourceSourcedIds", "preferredFirstName",
        "preferredMiddleName", "preferredLastName", "primaryOrgSourcedId", "pronouns",
    ],
    "roles": [
        "sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate",
        "endDate", "orgSourcedId", "userProfileSourcedId",
    ],
    "enrollments": [
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId",
        "role", "primary", "beginDate", "endDate",
    ],
    "demographics": [
        "sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative",
        "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
        "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode",
        "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus",
    ],
}  # fmt: skip
# Files of the 1.2 CSV binding this export never holds (declared absent in the manifest).
ABSENT = (
    "categories", "classResources", "courseResources", "lineItems", "lineItemLearningObjectiveIds",
    "lineItemScoreScales", "resources", "results", "resultLearningObjectiveIds", "resultScoreScales",
    "scoreScales", "userProfiles", "userResources",
)  # fmt: skip


def _sid(ref: Any) -> str:
    return ref["sourcedId"] if isinstance(ref, dict) else ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _flat(name: str, r: dict[str, Any]) -> dict[str, Any]:
    """A REST record as the CSV table's columns (references become sourcedIds). The record is
    the caller's own (built for this row): extended in place, not copied."""
    out = r
    if name == "users":
        if "userIds" in r:
            out["userIds"] = [f"{{{u['type']}:{u['identifier']}}}" for u in r["userIds"]]
        out["primaryOrgSourcedId"] = _sid(r.get("primaryOrg"))
    elif name == "enrollments":
        out["classSourcedId"] = _sid(r.get("class"))
        out["schoolSourcedId"] = _sid(r.get("school"))
        out["userSourcedId"] = _sid(r.get("user"))
    elif name in ("orgs", "academicSessions"):
        out["parentSourcedId"] = _sid(r.get("parent"))
    elif name == "courses":
        out["schoolYearSourcedId"] = _sid(r.get("schoolYear"))
        out["orgSourcedId"] = _sid(r.get("org"))
    elif name == "classes":
        out["courseSourcedId"] = _sid(r.get("course"))
        out["schoolSourcedId"] = _sid(r.get("school"))
        out["termSourcedIds"] = [_sid(t) for t in r.get("terms", [])]
    return out


# Columns whose values may be lists (joined with commas); every other value is text or None,
# which csv.writer writes as is ("" for None).
LISTS = ("grades", "userIds", "termSourcedIds", "subjects", "subjectCodes", "periods")


def _cells(flat: dict[str, Any], columns: list[str], blanks: list[str]) -> list[Any]:
    """The row's cells, read in C (map over dict.get); only list values are rewritten."""
    for key in LISTS:
        value = flat.get(key)
        if value is not None and value.__class__ is not str:
            flat[key] = _cell(value)
    return list(map(flat.get, columns, blanks))


class _Lines:
    """CSV lines written by one csv.writer into one buffer, taken out as UTF-8 bytes per chunk
    (a writer and a buffer per line cost a tenth of the export's time at 100,000 users)."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def add(self, cells: list[Any]) -> None:
        self.writer.writerow(cells)

    def take(self) -> bytes:
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        return data


def _roles(r: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """users.csv holds no roles in 1.2: one roles.csv row per role of the user."""
    for i, role in enumerate(r.get("roles", [])):
        yield {
            "sourcedId": f"{r['sourcedId']}-r{i}",
            "status": r["status"],
            "dateLastModified": r["dateLastModified"],
            "userSourcedId": r["sourcedId"],
            "roleType": role["roleType"],
            "role": role["role"],
            "orgSourcedId": _sid(role.get("org")),
        }


class _Sink(io.RawIOBase):
    """Where the zip writes: bytes kept until the response drains them (no seek: zipfile
    then writes data descriptors and never goes back)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self.parts.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


Rows = Callable[[], Iterator[dict[str, Any]]]


def _moment_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _records(
    caller: PartnerCaller, sources: list[src.Source], since: dt.datetime | None
) -> Iterator[dict[str, Any]]:
    for source in sources:
        if source.qs is None:
            rows: Any = source.rows  # academic sessions: a handful, filtered below
        else:
            qs = source.qs
            if since is not None:
                qs = qs.filter(**{f"{source.names['dateLastModified']}__gt": since})
            # No ORDER BY: a sort of 2.5 M rows held the first byte back for minutes (SQLite
            # sorts before it streams); the CSV binding asks for no order.
            rows = qs.order_by().iterator(chunk_size=CHUNK)
        for row in rows:
            record = build(source.kind, row, caller, None)
            if since is None and record.get("status") == "tobedeleted":
                continue  # a bulk file lists what is; deletions are for deltas
            if since is not None and source.qs is None and record["dateLastModified"] <= _moment_text(since):
                continue
            yield record


def _gone(caller: PartnerCaller, sources: list[src.Source], since: dt.datetime | None) -> list[src.Source]:
    if since is None:
        return []
    out = []
    for source in sources:
        gone = gone_rows.gone_source(caller, source.kind, since)
        if gone is not None:
            out.append(gone)
    return out


def tables(caller: PartnerCaller, since: dt.datetime | None, demographics: bool) -> dict[str, Rows]:
    """The CSV tables of this export, each a function giving its records lazily."""

    def read(make: Callable[[], list[src.Source]]) -> Rows:
        def rows() -> Iterator[dict[str, Any]]:
            sources = make()
            yield from _records(caller, sources + _gone(caller, sources, since), since)

        return rows

    out: dict[str, Rows] = {
        "orgs": read(lambda: [src.school_source(caller)]),
        "academicSessions": read(lambda: [src.session_source(caller)]),
        "courses": read(lambda: [src.course_source(caller)]),
        "classes": read(lambda: [src.class_source(caller)]),
        "users": read(lambda: [src.pupil_source(caller), src.staff_source(caller)]),
        "enrollments": read(
            lambda: [src.pupil_enrolment_source(caller), src.teacher_enrolment_source(caller)]
        ),
    }
    if demographics:
        out["demographics"] = read(lambda: [src.demographic_source(caller)])
    return out


def _info(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _csv_line(values: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue().encode("utf-8")


def stream(
    caller: PartnerCaller,
    since: dt.datetime | None,
    demographics: bool,
    counts: dict[int, int],
    fields: set[str],
) -> Iterator[bytes]:
    """The zip, chunk by chunk. `counts` (records per school) and `fields` fill as it goes."""
    mode = "bulk" if since is None else "delta"
    sink = _Sink()
    now = dt.datetime.now(dt.UTC)
    stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    produced = tables(caller, since, demographics)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
        manifest = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
        for name in COLUMNS:
            present = name in produced or (name == "roles" and "users" in produced)
            manifest.append([f"file.{name}", mode if present else "absent"])
        manifest += [[f"file.{name}", "absent"] for name in ABSENT]
        manifest += [["source.systemName", "edudx"], ["source.systemCode", f"v{latest_version()}"]]
        zf.writestr(_info("manifest.csv", stamp), b"".join(_csv_line(line) for line in manifest))
        for name, rows in produced.items():
            columns = COLUMNS[name]
            # roles.csv follows users.csv: its lines wait in a temporary file, not in memory.
            roles = tempfile.TemporaryFile() if name == "users" else None  # noqa: SIM115 - closed below
            with zf.open(_info(f"{name}.csv", stamp), "w", force_zip64=True) as out:
                out.write(_csv_line(columns))
                lines, role_lines, pending = _Lines(), _Lines(), 0
                role_columns = COLUMNS["roles"]
                blanks, role_blanks = [""] * len(columns), [""] * len(role_columns)
                for record in rows():
                    fields.update(record)
                    school = _school(record)
                    if school is not None and name in ("users", "enrollments"):
                        counts[school] = counts.get(school, 0) + 1
                    if roles is not None:
                        for role in _roles(record):
                            if since is None:
                                role["status"] = role["dateLastModified"] = ""
                            role_lines.add(_cells(role, role_columns, role_blanks))
                    flat = _flat(name, record)
                    if since is None:
                        flat["status"] = flat["dateLastModified"] = ""
                    lines.add(_cells(flat, columns, blanks))
                    pending += 1
                    if pending >= CHUNK:
                        out.write(lines.take())
                        if roles is not None:
                            roles.write(role_lines.take())
                        pending = 0
                        yield sink.drain()
                out.write(lines.take())
                if roles is not None:
                    roles.write(role_lines.take())
            yield sink.drain()
            if roles is not None:
                with roles, zf.open(_info("roles.csv", stamp), "w", force_zip64=True) as out:
                    out.write(_csv_line(COLUMNS["roles"]))
                    roles.seek(0)
                    while piece := roles.read(1 << 20):
                        out.write(piece)
                        yield sink.drain()
    yield sink.drain()


def _school(record: dict[str, Any]) -> int | None:
    org = record.get("primaryOrg") or record.get("school")
    sid = _sid(org)
    return int(sid[3:]) if sid.startswith("org") and sid[3:].isdigit() else None


@csrf_exempt
def export(request: HttpRequest, mode: str) -> HttpResponse | StreamingHttpResponse:
    """The bulk or delta zip for the partner behind the bearer token; logged when it ends."""
    from .views import CORE, DEMOGRAPHICS, _caller

    caller: PartnerCaller | None = None
    try:
        caller = _caller(request)
        wait = rate_limited(request, caller)
        if wait:
            raise OneRosterError(429, "server_busy", f"Too many requests; retry after {wait} s.")
        if request.method not in ("GET", "HEAD"):
            raise OneRosterError(405, "invaliddata", "These doors are read-only.")
        if not caller.scopes & CORE:
            raise OneRosterError(403, "forbidden", "The token's scopes do not open this collection.")
        since: dt.datetime | None = None
        value = request.GET.get("since", "")
        if "\x00" in value or len(value) > 40:
            raise bad("invaliddata", "since must be an ISO 8601 date-time.")
        if mode == "delta":
            if not value:
                raise bad("invaliddata", "A delta needs since=<ISO 8601 date-time>.")
            since = parse_moment(value)
    except OneRosterError as exc:
        if caller is not None:
            _log(caller, request, exc.status, {}, set())
        return error_response(exc)
    counts: dict[int, int] = {}
    fields: set[str] = set()
    body = stream(caller, since, bool(caller.scopes & DEMOGRAPHICS), counts, fields)

    def logged() -> Iterator[bytes]:
        assert caller is not None
        try:
            yield from body
        finally:
            _log(caller, request, 200, counts, fields)

    response = StreamingHttpResponse(logged(), content_type="application/zip")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="oneroster-{mode}-{stamp}.zip"'
    return response


def _log(
    caller: PartnerCaller, request: HttpRequest, status: int, counts: dict[int, int], fields: set[str]
) -> None:
    services.request_log(
        client=caller.client,
        endpoint=request.path,
        query=request.META.get("QUERY_STRING", ""),
        status=status,
        per_school=counts,
        fields=fields,
        people=True,
    )
