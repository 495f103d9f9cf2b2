"""The bulk-door section of the route × role matrix: every import kind, every role, every door.

For every kind registered with the ingest engine (`ingest.kinds.all_kinds()`, so a kind added
later is covered without editing this file) a provider writes files naming school B1's records
through every natural key of the kind — rows aimed at the actor's own school A1 that match a
B1 record, and rows aimed at B1 itself. A kind without a provider fails the test, saying where
to add one: `FOREIGN_FILES` below, or `bulk_rows(city, b1) -> [[{column key: text}]]` in the
kind's app `tests/matrix.py`.

Every role of the test city then sends those files through the engine (check, strict commit,
partial commit) and through every door (the API, the web pages, `edudx import`), reports
included (CSV, JSON and the user's file with errors marked). For the roles scoped to A1 or
ward A (the cluster lead's cluster re-pointed to A1 + B2, as in tests/test_route_matrix.py):

* no response, preview, diff, problem or report holds a marker of a B1 record (values the
  file itself does not carry: names, addresses, phones, e-mails, models, the school's name);
* nothing is matched: no row of these files counts as changed or unchanged;
* nothing is written: the registry, the inventory, the unit tree and the history are exactly
  as before, in strict and in partial mode.

The department roles may change B1: for them the same files are matched (the positive control
that keeps the markers honest — their preview does show B1's values).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import importlib
import io
import json
import zipfile
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from edudx.core.actor import Actor, Via
from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.ingest import kinds as ingest_kinds
from edudx.ingest.engine import pipeline

pytestmark = pytest.mark.django_db

ALL_ROLES = sorted(
    [
        Role.DEPT_ADMIN,
        Role.DEPT_OFFICER,
        Role.WARD_OFFICER,
        Role.CLUSTER_LEAD,
        Role.SCHOOL_ADMIN,
        Role.TEACHER,
        Role.STUDENT,
        Role.VIEWER,
    ]
)
DEPARTMENT_ROLES = {Role.DEPT_ADMIN, Role.DEPT_OFFICER}
SCOPED_ROLES = [r for r in ALL_ROLES if r not in DEPARTMENT_ROLES]
A1, YEAR = "79000001", "2025-2026"
STAFF_PID = personal_id.make("079", "female", 1985, 424242)
# Values only B1's records hold; a file of these tests never carries them.
MARKERS = {
    "pupil address": "B1-PUPIL-ADDRESS-9c1",
    "pupil phone": "0912888777",
    "pupil father": "Bố Bí Mật Ngoại",
    "staff phone": "0933777111",
    "staff email": "b1-teacher-9c1@example.vn",
    "school address": "B1-SCHOOL-ADDRESS-9c1",
    "device model": "B1-MODEL-SECRET-9c1",
    "device location": "B1-LOCATION-SECRET-9c1",
    "room name": "B1-ROOM-SECRET-9c1",
    "connection speed": "98765",
}


# ----------------------------------------------------------------- B1's records and the files
@pytest.fixture
def b1(city) -> dict[str, Any]:
    """School B1's records with values no file of these tests carries (the markers)."""
    from edudx.infrastructure import services as infra
    from edudx.infrastructure.models import DeviceCategory
    from edudx.infrastructure.schemas import ConnectionIn, DeviceIn, RoomIn
    from edudx.registry.models import School, Staff, Student

    school = city.schools[2]
    pupil, pupil2 = city.students[6], city.students[7]
    teacher = city.staff[2]
    Student.objects.filter(pk=pupil.pk).update(
        address=MARKERS["pupil address"],
        parent_phone=MARKERS["pupil phone"],
        father_name=MARKERS["pupil father"],
    )
    Staff.objects.filter(pk=teacher.pk).update(
        personal_id=STAFF_PID, phone=MARKERS["staff phone"], email=MARKERS["staff email"]
    )
    School.objects.filter(pk=school.pk).update(address=MARKERS["school address"])
    a = Actor.system(source="bulk-matrix")
    room = infra.room_create(actor=a, school=school, data=RoomIn(code="BX1", name=MARKERS["room name"]))
    device = infra.device_create(
        actor=a,
        school=school,
        data=DeviceIn(
            category=DeviceCategory.LAPTOP,
            room_id=room.pk,
            serial_number="BULKB1SERIAL",
            model=MARKERS["device model"],
            location=MARKERS["device location"],
            acquired_on=dt.date(2024, 1, 1),
        ),
    )
    infra.connection_create(
        actor=a,
        school=school,
        data=ConnectionIn(
            provider="BulkNetB1", download_mbps=int(MARKERS["connection speed"]), upload_mbps=5
        ),
    )
    pupil.refresh_from_db()
    return {
        "school": school,
        "b2": city.schools[3],
        "pupil": pupil,
        "pupil2": pupil2,
        "teacher": teacher,
        "device": device,
        "markers": {
            **MARKERS,
            "pupil name": pupil.full_name,
            "teacher name": teacher.full_name,
            "school name": school.unit.name,
        },
    }


def _students(city, b1) -> list[list[dict[str, str]]]:
    p, p2 = b1["pupil"], b1["pupil2"]
    base = {"school_code": A1, "class_name": "6A1", "school_year": YEAR, "full_name": "Học Sinh Lạ",
            "date_of_birth": "01/03/2014", "gender": "Nam", "ethnicity": "Kinh", "parent_phone": "0901111222",
            "father_name": "Bố Mới", "address": "Địa Chỉ Mới"}  # fmt: skip
    return [
        [
            {**base, "student_code": p.moet_code},  # B1's pupil by MOET code, into A1
            {**base, "personal_id": p.personal_id},  # by personal ID, into A1
            {
                **base,
                "school_code": b1["school"].moet_code,
                "student_code": p2.moet_code,
                "date_of_birth": "02/03/2014",
                "gender": "Nữ",
            },  # into B1 itself
        ],  # fmt: skip
        # A new MOET code whose personal ID belongs to B1's pupil (the fallback key).
        [{**base, "student_code": "7999999991", "personal_id": p.personal_id}],
        # A1's own pupil given B1's pupil's personal ID (a unique value of the foreign record).
        [{**base, "student_code": city.students[0].moet_code, "personal_id": p.personal_id}],
    ]


def _staff(city, b1) -> list[list[dict[str, str]]]:
    base = {"school_code": A1, "full_name": "Cán Bộ Lạ", "date_of_birth": "01/01/1985", "gender": "Nữ",
            "phone": "0902222333", "email": "moi@example.vn"}  # fmt: skip
    return [
        [
            {**base, "staff_code": b1["teacher"].moet_code},
            {**base, "personal_id": STAFF_PID},
            {**base, "school_code": b1["school"].moet_code, "staff_code": "GVBULKNEW1"},
        ],
        [{**base, "staff_code": city.staff[0].moet_code, "personal_id": STAFF_PID}],  # A1's teacher, B1's ID
    ]


def _classes(city, b1) -> list[list[dict[str, str]]]:
    b1_code = b1["school"].moet_code
    return [
        [
            {"school_code": b1_code, "school_year": YEAR, "class_name": "6A1", "grade": "7"},
            {"school_code": b1_code, "school_year": YEAR, "class_name": "7A9"},
        ]
    ]


def _schools(city, b1) -> list[list[dict[str, str]]]:
    return [
        [
            {
                "school_code": b1["school"].moet_code,
                "name": "Trường Đổi Tên",
                "level": "THCS",
                "address": "Địa Chỉ Mới",
            },
            {
                "school_code": b1["b2"].moet_code,
                "name": "Trường Đổi Tên Hai",
                "level": "THCS",
                "parent_code": "PB",
            },
        ]
    ]


def _devices(city, b1) -> list[list[dict[str, str]]]:
    base = {
        "school_code": A1,
        "category": "Máy tính xách tay",
        "model": "Đổi Model",
        "location": "Vị Trí Mới",
    }
    return [
        [
            {**base, "asset_tag": b1["device"].asset_tag},
            {**base, "serial_number": "BULKB1SERIAL"},
            {**base, "school_code": b1["school"].moet_code, "serial_number": "BULKNEWSERIAL"},
        ]
    ]


def _rooms(city, b1) -> list[list[dict[str, str]]]:
    return [[{"school_code": b1["school"].moet_code, "room_code": "BX1", "name": "Đổi Tên Phòng"}]]


def _connections(city, b1) -> list[list[dict[str, str]]]:
    return [[{"school_code": b1["school"].moet_code, "provider": "BulkNetB1", "download_mbps": "100"}]]


FOREIGN_FILES: dict[str, Callable[[Any, dict], list[list[dict[str, str]]]]] = {
    "students": _students,
    "staff": _staff,
    "classes": _classes,
    "schools": _schools,
    "devices": _devices,
    "rooms": _rooms,
    "connections": _connections,
}


def _provider(kind_name: str):
    if kind_name in FOREIGN_FILES:
        return FOREIGN_FILES[kind_name]
    found: list[Callable[..., Any]] = []
    for config in apps.get_app_configs():
        module = f"{config.name}.tests.matrix"
        if not config.name.startswith("edudx.") or find_spec(f"{config.name}.tests") is None:
            continue
        if find_spec(module) is None:
            continue
        rows = getattr(importlib.import_module(module), "bulk_rows", None)
        if rows is not None:
            found.append(rows)  # bulk_rows(city, b1) -> {kind name: [[row]]}
    # Several apps may declare bulk_rows, each for its own kinds: the first that has this kind.
    if not found:
        return None
    return lambda city, b1: next((r for f in found if (r := f(city, b1).get(kind_name))), None)


def _files_of(kind, city, b1, tmp_path: Path) -> list[Path]:
    provider = _provider(kind.name)
    files = provider(city, b1) if provider else None
    if not files:
        pytest.fail(
            f"import kind {kind.name!r} has no foreign-row provider: add one to FOREIGN_FILES in "
            "tests/test_bulk_door_matrix.py (or `bulk_rows(city, b1) -> {kind: [[{column key: text}]]}` in "
            "your app's tests/matrix.py): rows naming school B1's records through every natural key of "
            "the kind, aimed at school A1 and at B1",
            pytrace=False,
        )
    out = []
    for n, rows in enumerate(files):
        keys = [c.key for c in kind.columns if any(c.key in r for r in rows)]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([str(kind.column(k).header) for k in keys])
        for r in rows:
            w.writerow([r.get(k, "") for k in keys])
        path = tmp_path / f"{kind.name}-{n}.csv"
        path.write_bytes(buf.getvalue().encode("utf-8"))
        out.append(path)
    return out


# ----------------------------------------------------------------- what must not change or show
def _fingerprint() -> dict[str, dict[Any, str]]:
    """Every row of the registry, the inventory, the unit tree and the history, by primary key."""
    out = {}
    for model in apps.get_models():
        if model._meta.app_label not in ("registry", "infrastructure", "orgs", "core") or model._meta.proxy:
            continue
        if getattr(model, "derived", False):  # maintained figures, refreshed by reads
            continue
        out[model._meta.label] = {row[0]: repr(row) for row in model.objects.order_by("pk").values_list()}
    return out


def _diff(before: dict, after: dict) -> list[str]:
    changed = []
    for label, rows in after.items():
        old = before.get(label, {})
        changed += [f"{label} pk={pk} added" for pk in rows.keys() - old.keys()]
        changed += [f"{label} pk={pk} changed" for pk in rows if pk in old and rows[pk] != old[pk]]
        changed += [f"{label} pk={pk} deleted" for pk in old.keys() - rows.keys()]
    return changed


def _unzip_or_text(raw: bytes) -> str:
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
    text = raw.decode("utf-8", "ignore")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return html.unescape(text)


def _leaks(text: str, markers: dict[str, str]) -> list[str]:
    return [f"{label} {m!r}" for label, m in markers.items() if m in text]


def _outcome_text(outcome: pipeline.Outcome) -> str:
    return json.dumps(
        {"problems": [p.as_dict() for p in outcome.problems.items], "diffs": outcome.diffs},
        ensure_ascii=False,
        default=str,
    )


def _isolate_cluster_lead(city) -> None:
    from edudx.orgs import services as orgs

    orgs.grouping_set_members(
        actor=Actor.system(source="test"),
        grouping=city.cluster,
        units=[city.schools[0].unit, city.schools[3].unit],
    )


def _actor(city, role: str) -> Actor:
    return city.actor_of(role).with_source("import:matrix", via=Via.IMPORT)


# ----------------------------------------------------------------- the tests
def test_every_kind_has_a_foreign_row_provider(city, b1, tmp_path):
    kinds = ingest_kinds.all_kinds()
    assert {"students", "staff", "classes", "schools", "devices", "rooms", "connections"} <= {
        k.name for k in kinds
    }
    for kind in kinds:
        assert _files_of(kind, city, b1, tmp_path), kind.name


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_the_engine_never_shows_matches_or_writes_a_foreign_record(role, city, b1, tmp_path):
    if role == Role.CLUSTER_LEAD:
        _isolate_cluster_lead(city)
    actor = _actor(city, role)
    problems: list[str] = []
    for kind in ingest_kinds.all_kinds():
        for path in _files_of(kind, city, b1, tmp_path):
            where = f"{role} {kind.name} {path.name}"
            check = pipeline.process(kind=kind, path=path, actor=actor, write=False)
            problems += [
                f"{where} check: leaks {leak}" for leak in _leaks(_outcome_text(check), b1["markers"])
            ]
            if check.counts["changed"] or check.counts["unchanged"] or check.diffs:
                problems.append(f"{where} check: matched a foreign record {check.counts}")
            if check.counts["rejected"] != check.counts["total"]:
                problems.append(f"{where} check: not every row refused {check.counts}")
            for mode in (pipeline.STRICT, pipeline.PARTIAL):
                before = _fingerprint()
                done = pipeline.process(kind=kind, path=path, actor=actor, write=True, mode=mode)
                problems += [f"{where} {mode}: wrote {d}" for d in _diff(before, _fingerprint())[:5]]
                problems += [
                    f"{where} {mode}: leaks {leak}" for leak in _leaks(_outcome_text(done), b1["markers"])
                ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_no_door_shows_or_writes_a_foreign_record(role, city, b1, tmp_path):
    if role == Role.CLUSTER_LEAD:
        _isolate_cluster_lead(city)
    user = city.users[role]
    client = Client()
    client.force_login(user)
    markers = b1["markers"]
    problems: list[str] = []
    # Every kind's files first: a provider may seed B1's records (results writes a pupil's
    # scores), and that setup is no door's write.
    files = {kind.name: _files_of(kind, city, b1, tmp_path) for kind in ingest_kinds.all_kinds()}
    before = _fingerprint()

    def look(where: str, response) -> None:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.status_code}")
        problems.extend(f"{where}: leaks {leak}" for leak in _leaks(_unzip_or_text(raw), markers))

    for kind in ingest_kinds.all_kinds():
        for path in files[kind.name]:
            tag = f"{role} {kind.name} {path.name}"
            # API door: upload + check (partial mode), preview, commit, reports.
            with path.open("rb") as fh:
                r = client.post("/api/v1/ingest/runs", {"kind": kind.name, "file": fh, "mode": "partial"})
            look(f"{tag} API upload", r)
            if r.status_code == 201:
                run_id = r.json()["id"]
                for url in (f"/api/v1/ingest/runs/{run_id}/preview", f"/api/v1/ingest/runs/{run_id}",
                            f"/api/v1/ingest/runs/{run_id}/report?format=csv",
                            f"/api/v1/ingest/runs/{run_id}/report?format=json"):  # fmt: skip
                    look(f"{tag} API GET {url}", client.get(url))
                done = client.post(
                    f"/api/v1/ingest/runs/{run_id}/commit",
                    {"mode": "partial"},
                    content_type="application/json",
                )
                look(f"{tag} API commit", done)
                look(f"{tag} API preview after commit", client.get(f"/api/v1/ingest/runs/{run_id}/preview"))
            # Web door: upload + check (strict mode), the run's page, commit, the reports.
            with path.open("rb") as fh:
                r = client.post(
                    "/ingest/upload/", {"kind": kind.name, "file": fh, "mode": "strict", "language": "vi"}
                )
            look(f"{tag} web upload", r)
            if r.status_code == 302 and "/ingest/runs/" in r["Location"]:
                page = r["Location"]
                look(f"{tag} web run page", client.get(page))
                for fmt in ("csv", "json", "xlsx"):
                    look(f"{tag} web report.{fmt}", client.get(f"{page}report.{fmt}"))
                look(f"{tag} web commit", client.post(f"{page}commit/", {"mode": "strict"}, follow=True))
                look(f"{tag} web report after commit", client.get(f"{page}report.xlsx"))
            # CLI door: `edudx import KIND FILE --partial --as USER --report OUT`.
            for out in (tmp_path / f"{kind.name}-{role}.json", tmp_path / f"{kind.name}-{role}.xlsx"):
                stdout, stderr = io.StringIO(), io.StringIO()
                try:
                    call_command(
                        "import", kind.name, str(path), "--partial", "--as", user.username, "--report", str(out),
                        stdout=stdout, stderr=stderr,
                    )  # fmt: skip
                except (SystemExit, Exception) as exc:  # noqa: BLE001 - a refusal is an exit or CommandError
                    stdout.write(str(exc))
                problems.extend(
                    f"{tag} CLI: leaks {leak}"
                    for leak in _leaks(stdout.getvalue() + stderr.getvalue(), markers)
                )
                if out.exists():
                    problems.extend(f"{tag} CLI report {out.suffix}: leaks {leak}"
                                    for leak in _leaks(_unzip_or_text(out.read_bytes()), markers))  # fmt: skip
    problems += [f"{role}: wrote {d}" for d in _diff(before, _fingerprint())[:20]]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", sorted(DEPARTMENT_ROLES))
def test_department_roles_do_reach_b1_records_so_the_markers_are_honest(role, city, b1, tmp_path):
    """The positive control: the same files, by a role whose scope holds B1, are matched, and
    their preview shows B1's values — the markers above would catch a leak."""
    actor = _actor(city, role)
    shown: set[str] = set()
    for kind in ingest_kinds.all_kinds():
        if not actor.scope.has_perm(kind.change_permission):
            continue  # e.g. the unit tree: only the department's administrators change it
        reached = 0
        for path in _files_of(kind, city, b1, tmp_path):
            check = pipeline.process(kind=kind, path=path, actor=actor, write=False)
            codes = {p.code for p in check.problems.items}
            assert not codes & {"record_out_of_scope", "school_out_of_scope"}, (kind.name, codes)
            reached += check.counts["changed"] + check.counts["new"]
            shown |= set(_leaks(_outcome_text(check), b1["markers"]))
        assert reached >= 1, kind.name
    for label in ("pupil address", "pupil phone", "staff email", "school address", "device model", "room name",
                  "connection speed", "pupil name"):  # fmt: skip
        assert any(s.startswith(label) for s in shown), (
            f"{label} never shown to {role}: the marker proves nothing"
        )
