"""The demo city: deterministic, realistic, loadable twice only on purpose, and the same city
whether loaded into the database or written as the sector's spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import types
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from edudx.accounts.models import Membership, User
from edudx.core.demo import DemoContext
from edudx.core.models import HistoryEntry
from edudx.core.roles import Role
from edudx.core.rules import dates, personal_id
from edudx.core.rules.ethnicity import ethnicity_code
from edudx.core.rules.levels import Level, level_code, ownership_code, typical_age
from edudx.core.rules.people import gender_code, student_status_code
from edudx.core.scope import Scope
from edudx.core.text import fold
from edudx.registry import selectors
from edudx.registry.demo import city, export, steps
from edudx.registry.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from edudx.registry.filters import StudentFilter
from edudx.registry.models import Enrolment, School, SchoolClass, SchoolYear, Staff, Student


def load_tiny() -> str:
    out = io.StringIO()
    call_command("demo", scale="tiny", registry_only=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def tiny(db):
    load_tiny()


def snapshot() -> list[tuple]:
    return list(
        Student.objects.order_by("moet_code").values_list(
            "moet_code", "full_name", "personal_id", "date_of_birth", "gender", "status", "school__moet_code"
        )
    ) + list(
        Staff.objects.order_by("moet_code").values_list("moet_code", "full_name", "personal_id", "position")
    )


class _Rollback(Exception):
    pass


# ----------------------------------------------------------------------------- determinism
@pytest.mark.django_db(transaction=False)
def test_two_loads_into_fresh_databases_give_the_same_codes_and_names():
    try:
        with transaction.atomic():
            load_tiny()
            first = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not School.objects.exists()
    load_tiny()
    second = snapshot()
    assert len(first) > 500
    assert first == second


def test_generator_is_deterministic_and_the_seed_changes_it():
    def codes_and_names(seed: int) -> list[tuple[str, str]]:
        gen = city.SchoolGenerator(city.plan("tiny", seed))
        return [(s.code, s.full_name) for people in gen.all() for s in people.students]

    assert codes_and_names(2025) == codes_and_names(2025)
    assert codes_and_names(2025) != codes_and_names(7)


def test_schools_must_be_generated_in_plan_order():
    the_plan = city.plan("tiny")
    gen = city.SchoolGenerator(the_plan)
    with pytest.raises(ValueError, match="plan order"):
        gen.people(the_plan.schools[1])


# ----------------------------------------------------------------------------- realism
def test_small_plan_has_every_level_and_upper_secondary_reports_to_the_department():
    the_plan = city.plan("small")
    assert len(the_plan.schools) == 30
    assert 14_000 <= the_plan.total_pupils <= 16_000
    assert set(Level.values) <= {s.level for s in the_plan.schools}
    for s in the_plan.schools:
        assert s.under_department == (s.level in (Level.THPT, Level.GDTX, Level.THCS_THPT, Level.LIEN_CAP))
    owners = Counter(s.ownership for s in the_plan.schools)
    assert owners["cong_lap"] > owners["tu_thuc"] > 0


def test_city_plan_matches_the_citys_figures():
    the_plan = city.plan("city")
    assert len(the_plan.areas) == 168
    assert Counter(a.kind for a in the_plan.areas) == {"ward": 113, "commune": 54, "special_zone": 1}
    assert len(the_plan.schools) == 3500
    assert len(the_plan.clusters) == 16
    by_band = Counter()
    for s in the_plan.schools:
        for stage, n in s.pupils.items():
            by_band[city.band_of(stage)] += n
    for band, expected in city.SIZES["city"].pupils.items():
        assert abs(by_band[band] - expected) / expected < 0.02, band
    assert 90_000 <= sum(s.staff for s in the_plan.schools) <= 115_000


def test_family_names_are_concentrated_as_in_the_population():
    gen = city.SchoolGenerator(city.plan("small"))
    families = Counter(s.full_name.split(" ")[0] for people in gen.all() for s in people.students)
    total = sum(families.values())
    assert 0.33 <= families["Nguyễn"] / total <= 0.42
    assert [name for name, _ in families.most_common(3)] == ["Nguyễn", "Trần", "Lê"]


def test_personal_ids_agree_with_birth_date_and_gender(tiny):
    people = list(Student.objects.values_list("personal_id", "date_of_birth", "gender")) + list(
        Staff.objects.values_list("personal_id", "date_of_birth", "gender")
    )
    with_pid = [p for p in people if p[0]]
    assert len(with_pid) >= 0.98 * len(people)
    for pid, dob, gender in with_pid:
        errors = [i for i in personal_id.check(pid, date_of_birth=dob, gender=gender) if i.is_error]
        assert errors == [], (personal_id.mask(pid), dob, gender)
    provinces = Counter(pid[:3] for pid, _d, _g in with_pid)
    assert provinces.most_common(1)[0][0] == "079"
    assert len(provinces) > 3  # also 074/077 and other provinces


def test_ages_fit_grades(tiny):
    year = SchoolYear.objects.get(is_current=True)
    rows = Enrolment.objects.filter(year=year).values_list(
        "student__date_of_birth", "school_class__grade", "school_class__name", "school__level"
    )
    assert rows
    for dob, grade, name, level in rows:
        age = dates.age_on(dob, year.start_date)
        if grade == 0:
            lo = 2 + city.PRESCHOOL_GROUPS.index(name.rsplit(" ", 1)[0])
            assert lo - 1 <= age <= lo + 1, (name, dob)  # a few start a year late
        else:
            slack = 4 if level == Level.GDTX else 2
            assert typical_age(grade) - 1 <= age <= typical_age(grade) + slack, (grade, dob)


def test_statuses_are_mostly_studying_with_dated_moves(tiny):
    statuses = Counter(Student.objects.values_list("status", flat=True))
    assert statuses["dang_hoc"] / sum(statuses.values()) > 0.85
    assert statuses["chuyen_den"] > 0
    assert not Student.objects.exclude(status="dang_hoc").filter(status_date__isnull=True).exists()
    left = Enrolment.objects.filter(student__status="chuyen_di", year__is_current=True, previous__isnull=True)
    assert all(e.state == "transferred" and e.end_date == e.student.status_date for e in left)


def test_classes_have_homeroom_teachers_and_teaching_assignments(tiny):
    current = SchoolClass.objects.filter(year__is_current=True)
    assert current.exists()
    assert not current.filter(homeroom_teacher__isnull=True).exists()
    for cls in current.filter(grade__gte=1).select_related("homeroom_teacher"):
        assert cls.homeroom_teacher.school_id == cls.school_id
        assert cls.assignments.exists()
    names = set(current.values_list("name", flat=True))
    assert {"6A1", "10A1", "Lá 1", "Chồi 1", "Mầm 1"} <= names


def test_transfers_keep_both_ends_and_history(tiny):
    moved = Enrolment.objects.filter(previous__isnull=False, year__is_current=True).select_related("previous")
    assert moved.exists()
    between = [e for e in moved if e.school_id != e.previous.school_id]
    assert between
    e = between[0]
    assert e.previous.state == Enrolment.State.TRANSFERRED and e.previous.end_date == e.start_date
    assert e.student.status == "chuyen_den"
    assert HistoryEntry.objects.filter(object_id=str(e.student_id), operation="enrolment_transfer").exists()


def test_each_school_has_one_history_entry_for_the_bulk_load(tiny):
    loaded = 0
    for school in School.objects.all():
        entries = HistoryEntry.objects.filter(
            content_type__model="school", object_id=str(school.pk), operation="demo_load"
        )
        assert entries.count() == 1
        assert entries[0].action == "other" and entries[0].note.startswith("Synthetic demo data")
        loaded += entries[0].changes["students"][1]
    assert loaded == Student.objects.count()  # transfers move pupils between schools afterwards
    # At the small sizes, one "create" entry per pupil too (core.history.record_bulk).
    pupil = Student.objects.order_by("id").first()
    created = HistoryEntry.objects.get(
        content_type__model="student", object_id=str(pupil.pk), operation="demo_load", action="create"
    )
    assert created.changes["full_name"] == [None, pupil.full_name] and created.note == ""


def test_name_search_without_diacritics_works_after_the_bulk_load(tiny):
    student = Student.objects.order_by("id").last()
    qs, _order = selectors.student_list(
        scope=Scope.system(), filters=StudentFilter(q=fold(student.full_name))
    )
    assert student in qs
    staff = Staff.objects.order_by("id").last()
    qs, _order = selectors.staff_list(
        scope=Scope.system(), filters=selectors.StaffFilter(q=fold(staff.full_name))
    )
    assert staff in qs


# ----------------------------------------------------------------------------- logins
EXPECTED_TARGET = {
    Role.DEPT_ADMIN: "department",
    Role.DEPT_OFFICER: "department",
    Role.WARD_OFFICER: "ward",
    Role.SCHOOL_ADMIN: "school",
    Role.TEACHER: "school",
    Role.STUDENT: "school",
    Role.VIEWER: "department",
}


def test_every_role_has_a_demo_login_with_the_right_membership(tiny):
    assert {login.role for login in DEMO_LOGINS} == set(Role.values)
    assert any(login.username == "admin" and login.role == Role.DEPT_ADMIN for login in DEMO_LOGINS)
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
        memberships = list(Membership.objects.filter(user=user))
        assert [m.role for m in memberships] == [login.role]
        m = memberships[0]
        if login.role == Role.CLUSTER_LEAD:
            assert m.grouping is not None and m.grouping.kind == "cluster"
        else:
            assert m.unit.kind == EXPECTED_TARGET[login.role]
    school_unit = Membership.objects.get(user__username="hieutruong").unit
    assert Student.objects.get(user__username="hocsinh").school.unit == school_unit
    assert Staff.objects.get(user__username="giaovien").school.unit == school_unit
    assert Staff.objects.get(user__username="hieutruong").position == "hieu_truong"


def test_ward_officer_sees_exactly_the_schools_of_the_ward(tiny):
    from edudx.accounts.services import scope_for_user

    officer = User.objects.get(username="phuong")
    ward = Membership.objects.get(user=officer).unit
    qs, _order = selectors.school_list(scope=scope_for_user(officer))
    assert set(qs) == set(School.objects.filter(unit__parent=ward))
    assert qs.exists()


def test_demo_logins_prints_the_table(tiny):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in text
    assert DEMO_PASSWORD in text


# ----------------------------------------------------------------------------- --if-empty
def test_if_empty_does_nothing_when_schools_exist(tiny):
    before = (School.objects.count(), Student.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("demo", scale="tiny", if_empty=True, registry_only=True, stdout=out)
    assert (School.objects.count(), Student.objects.count(), User.objects.count()) == before
    assert "already holds" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("demo", scale="tiny", registry_only=True, stdout=io.StringIO())


# ----------------------------------------------------------------------------- other apps
def test_other_apps_steps_run_in_order_and_a_failing_one_is_rolled_back(db, monkeypatch):
    calls = []

    def ok(name):
        return types.SimpleNamespace(build=lambda ctx: calls.append((name, ctx.data.get("marker"))))

    def broken(ctx):
        User.objects.create(username="half-built")
        raise RuntimeError("not ready")

    monkeypatch.setattr(
        steps,
        "discover",
        lambda: [
            (10, "first", ok("first")),
            (20, "broken", types.SimpleNamespace(build=broken)),
            (30, "last", ok("last")),
        ],
    )
    ctx = DemoContext(scale="small")
    ctx.data["marker"] = "registry"
    results = steps.run_all(ctx)
    assert calls == [("first", "registry"), ("last", "registry")]
    assert [r[1] == "ok" for r in results] == [True, False, True]
    assert not User.objects.filter(username="half-built").exists()
    with pytest.raises(RuntimeError):
        steps.run_all(ctx, strict=True)


def test_discover_finds_only_other_edudx_apps_with_a_build(db):
    for order, label, module in steps.discover():
        assert label != "registry"
        assert callable(module.build)
        assert isinstance(order, int)
    orders = [o for o, _l, _m in steps.discover()]
    assert orders == sorted(orders)


# ----------------------------------------------------------------------------- generate
def read_csv(path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel writes
    assert b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    call_command("generate", scale="tiny", out=out, stdout=io.StringIO())
    return out


def test_generate_writes_the_sectors_headers(generated):
    headers, _rows = read_csv(generated / "students.csv")
    assert headers[:10] == [
        "Mã trường", "Lớp", "Năm học", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính",
        "Số định danh cá nhân", "Dân tộc", "Trạng thái",
    ]  # fmt: skip
    assert {"Ngày trạng thái", "Số điện thoại phụ huynh", "Họ tên cha", "Họ tên mẹ", "Địa chỉ"} <= set(
        headers
    )
    headers, _rows = read_csv(generated / "schools.csv")
    assert headers[:6] == ["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Mã đơn vị quản lý", "Địa chỉ"]
    for name in ("classes.csv", "staff.csv", "units.csv", "clusters.csv"):
        assert read_csv(generated / name)[1]


def test_generated_student_rows_parse_back(generated):
    _headers, rows = read_csv(generated / "students.csv")
    assert len(rows) == city.plan("tiny").total_pupils
    for row in rows:
        dob, issues = dates.parse(row["Ngày sinh"])
        assert dob is not None and issues == [], row["Ngày sinh"]
        assert len(row["Ngày sinh"]) == 10 and row["Ngày sinh"][2] == "/"
        gender = gender_code(row["Giới tính"])
        assert gender in ("male", "female")
        pid = row["Số định danh cá nhân"]
        if pid:
            assert len(pid) == 12 and pid.startswith("0")  # leading zero kept as text
            assert [i for i in personal_id.check(pid, date_of_birth=dob, gender=gender) if i.is_error] == []
        assert student_status_code(row["Trạng thái"]) is not None
        assert ethnicity_code(row["Dân tộc"]) is not None
        if row["Ngày trạng thái"]:
            assert dates.parse(row["Ngày trạng thái"])[1] == []
        assert row["Số điện thoại phụ huynh"].startswith("0")


def test_every_subject_has_its_name_for_the_staff_export():
    from edudx.core.rules.curriculum import Subject

    assert set(city.SUBJECT_LABEL) == set(Subject.values)


def test_generated_schools_parse_back(generated):
    _headers, rows = read_csv(generated / "schools.csv")
    units = {r["Mã đơn vị"] for r in read_csv(generated / "units.csv")[1]}
    for row in rows:
        assert level_code(row["Cấp học"]) is not None
        assert ownership_code(row["Loại hình"]) is not None
        assert row["Mã đơn vị quản lý"] in units


def test_generated_xlsx_keeps_ids_as_text(generated):
    from openpyxl import load_workbook

    files = sorted((generated / "xlsx").glob("*.xlsx"))
    assert len(files) == len(city.plan("tiny").schools)
    wb = load_workbook(files[0], read_only=True)
    assert wb.sheetnames == ["HocSinh", "CanBo", "Lop"]
    rows = list(wb["HocSinh"].iter_rows(values_only=True))
    assert list(rows[0]) == list(export.STUDENT_HEADERS)
    pid_col = rows[0].index("Số định danh cá nhân")
    pids = [r[pid_col] for r in rows[1:] if r[pid_col]]
    assert pids and all(isinstance(p, str) and len(p) == 12 for p in pids)


def test_generated_files_describe_the_city_the_demo_loads(generated, tiny):
    _headers, rows = read_csv(generated / "students.csv")
    in_files = {(r["Mã học sinh"], r["Họ và tên"], r["Số định danh cá nhân"]) for r in rows}
    in_db = {
        (c, n, p or "") for c, n, p in Student.objects.values_list("moet_code", "full_name", "personal_id")
    }
    assert in_files == in_db
    _headers, rows = read_csv(generated / "schools.csv")
    assert {r["Mã trường"] for r in rows} == set(School.objects.values_list("moet_code", flat=True))
    assert all(dt.datetime.strptime(r["Ngày sinh"], "%d/%m/%Y") for r in read_csv(generated / "staff.csv")[1])
