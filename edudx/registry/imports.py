"""Ingest kinds of the registry: schools, classes, students with enrolments, staff.

Declared once here (found at start-up by core.autodiscover); the ingest engine reads,
normalises, validates, previews, commits and reports. Column headers follow the sector
database's templates (CSDL ngành); aliases accept them without accents, in English, and
as older template versions wrote them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING
from edudx.core.rules.ethnicity import ETHNIC_GROUPS, ethnicity_code
from edudx.core.rules.levels import (
    GRADES,
    Level,
    Ownership,
    grade_from_class_name,
    level_code,
    ownership_code,
)
from edudx.core.rules.people import (
    Gender,
    Position,
    StaffStatus,
    StudentStatus,
    gender_code,
    student_status_code,
)
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.ingest.kinds import KEY, ROW, SharedValue, age_vs_grade, person_rules

from . import permissions as perms
from .kinds import SCHOOL_CODE, locate_school, resolve_school, school_paths
from .models import School, SchoolYear, Staff, Student
from .pupil_key import by_pupil_key, pupil_key, pupil_match
from .schemas import ClassPatch, StaffFields, StaffPatch
from .services import bulk

INGEST_RUN = "ingest.run"


def _labels(choices) -> tuple[str, ...]:
    return tuple(
        str(label).split("(")[-1].rstrip(")") if "(" in str(label) else str(label) for label in choices.labels
    )


def _position_code(value: str) -> str | None:
    # The sector's long forms too: "Nhân viên công nghệ thông tin", "Nhân viên thư viện" (what
    # `edudx generate` writes) are the labels' "nhân viên CNTT" and "thư viện".
    f = fold(value).replace("cong nghe thong tin", "cntt")
    for candidate in (f, f.removeprefix("nhan vien ")):
        for code, label in Position.choices:
            if candidate in (
                code,
                fold(str(label).split("(")[-1].rstrip(")")),
                fold(str(label).split(" (")[0]),
            ):
                return code
    return None


def _staff_status_code(value: str) -> str | None:
    f = fold(value)
    for code, label in StaffStatus.choices:
        if f in (code, fold(str(label).split("(")[-1].rstrip(")")), fold(str(label).split(" (")[0])):
            return code
    return None


# ----- columns shared by kinds
SCHOOL_YEAR = K.Column(
    "school_year", "Năm học", ("nam hoc", "school year", "year"), normaliser=K.SCHOOL_YEAR,
    help=_("School year, e.g. 2025-2026; empty means the current year."), example="2025-2026",
)  # fmt: skip
CLASS_NAME = K.Column(
    "class_name", "Lớp", ("ten lop", "lop hoc", "class", "class name", "ma lop"), required=True, not_blank=True,
    normaliser=K.CLASS_NAME, help=_("Class name, e.g. 6A1."), example="6A1",
)  # fmt: skip
FULL_NAME = K.Column(
    "full_name", "Họ và tên", ("ho ten", "ho va ten hoc sinh", "ho ten hoc sinh", "ho ten can bo", "full name", "name"),
    required=True, not_blank=True, normaliser=K.NAME, help=_("Full name with diacritics."), example="Nguyễn Văn An",
)  # fmt: skip
DOB = K.Column(
    "date_of_birth", "Ngày sinh", ("ngay thang nam sinh", "date of birth", "dob", "birth date"), required=True,
    not_blank=True, normaliser=K.DATE, help=_("Date of birth, dd/mm/yyyy."), example="01/03/2014",
)  # fmt: skip
GENDER = K.Column(
    "gender", "Giới tính", ("gioi tinh", "gender", "sex", "phai"), required=True, not_blank=True,
    choices=gender_code, choice_labels=("Nam", "Nữ"), help=_("Nam or Nữ."), example="Nam",
)  # fmt: skip
PID = K.Column(
    "personal_id", "Số định danh cá nhân",
    ("so dinh danh", "so dinh danh ca nhan", "ma dinh danh cong dan", "cccd", "so cccd", "personal id", "citizen id"),
    normaliser=K.PERSONAL_ID, help=_("12-digit personal ID (CCCD)."), example="079214000001",
)  # fmt: skip
ETHNICITY = K.Column(
    "ethnicity", "Dân tộc", ("dan toc", "ethnicity"), choices=ethnicity_code,
    choice_labels=tuple(ETHNIC_GROUPS.values()), help=_("Ethnic group name or GSO code."), example="Kinh",
)  # fmt: skip


def _name_key(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    """core.text.fold, vectorised: the search key stored beside every name."""
    return frame.with_columns(
        pl.col("full_name")
        .str.replace_all("[đĐð]", "d")
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .alias("__name_key")
    )


def _personal_id_once(code_column: str):
    """The kind's rule: one personal ID, one person in the file (see ingest.kinds.SharedValue)."""

    def rule(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
        check = ctx.cache.get("personal_id_once")
        if check is None:
            check = ctx.cache["personal_id_once"] = SharedValue(
                "personal_id", code_column, "personal_id_duplicate_in_file",
                _("This personal ID is also on row(s) %(rows)s of this file: one person, one row."),
            )  # fmt: skip
        return check.check(frame, sink)

    return rule


# ----- references, resolved in bulk
def _years(ctx: K.Context) -> dict[str, int]:
    if "years" not in ctx.cache:
        ctx.cache["years"] = {y.code: y.pk for y in SchoolYear.objects.all()}
        current = SchoolYear.objects.filter(is_current=True).first()
        ctx.cache["current_year"] = current.code if current else None
        ctx.cache["closed_years"] = list(
            SchoolYear.objects.filter(closed_at__isnull=False).values_list("code", flat=True)
        )
    return ctx.cache["years"]


def resolve_year(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    years = _years(ctx)
    current = ctx.cache.get("current_year")
    frame = frame.with_columns(pl.col("school_year").fill_null(pl.lit(current, dtype=pl.String)))
    frame = sink.flag(
        frame, ~pl.col("school_year").is_in(list(years)) & pl.col("school_year").is_not_null(), "school_year",
        "school_year_not_found", ERROR, _("This school year is not set up in edudx."),
    )  # fmt: skip
    frame = sink.flag(frame, pl.col("school_year").is_null(), "school_year", "school_year_not_found", ERROR,
                      _("No school year given and no current year is set."))  # fmt: skip
    # A closed year's records are final (its reports were published from them).
    frame = sink.flag(
        frame, pl.col("school_year").is_in(ctx.cache["closed_years"]), "school_year", "school_year_closed", ERROR,
        _("This school year is closed; nothing more can be imported into it."),
    )  # fmt: skip
    return frame.with_columns(
        pl.col("school_year").replace_strict(years, default=None, return_dtype=pl.Int64).alias("year_id")
    )


def resolve_class(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    """(school, year, class name) → class_id; a missing class is created at commit if its name
    fits the school's level, else the row is refused."""
    from .models import SchoolClass

    keys = frame.select("school_id", "year_id", "class_name").drop_nulls().unique()
    found: dict[tuple[int, int, str], tuple[int, int]] = {}
    if keys.height:
        for c in SchoolClass.objects.filter(
            school_id__in=keys["school_id"].unique().to_list(),
            year_id__in=keys["year_id"].unique().to_list(),
            name__in=keys["class_name"].unique().to_list(),
        ).values("id", "school_id", "year_id", "name", "grade"):
            found[(c["school_id"], c["year_id"], c["name"])] = (c["id"], c["grade"])
    lookup = pl.DataFrame(
        {
            "school_id": [k[0] for k in found],
            "year_id": [k[1] for k in found],
            "class_name": [k[2] for k in found],
            "class_id": [v[0] for v in found.values()],
            "__grade_db": [v[1] for v in found.values()],
        },
        schema={
            "school_id": pl.Int64,
            "year_id": pl.Int64,
            "class_name": pl.String,
            "class_id": pl.Int64,
            "__grade_db": pl.Int64,
        },
    )
    frame = frame.join(lookup, on=["school_id", "year_id", "class_name"], how="left", maintain_order="left")
    names = frame["class_name"].drop_nulls().unique().to_list()
    implied = {n: grade_from_class_name(n) for n in names}
    frame = frame.with_columns(
        pl.coalesce(
            pl.col("__grade_db"),
            pl.col("class_name").replace_strict(implied, default=None, return_dtype=pl.Int64),
        ).alias("__grade")
    )
    lo = pl.col("__level").replace_strict(
        {k: v[0] for k, v in GRADES.items()}, default=None, return_dtype=pl.Int64
    )
    hi = pl.col("__level").replace_strict(
        {k: v[1] for k, v in GRADES.items()}, default=None, return_dtype=pl.Int64
    )
    new_class = (
        pl.col("class_id").is_null() & pl.col("school_id").is_not_null() & pl.col("year_id").is_not_null()
    )
    frame = sink.flag(
        frame, new_class & pl.col("__grade").is_null(), "class_name", "class_not_found", ERROR,
        _("No such class at this school, and its grade cannot be read from the name."),
    )  # fmt: skip
    frame = sink.flag(
        frame, pl.col("__grade").is_not_null() & ((pl.col("__grade") < lo) | (pl.col("__grade") > hi)),
        "class_name", "class_name_level_mismatch", ERROR, _("This class name does not fit the school's level."),
    )  # fmt: skip
    # Say it once per class (its first row in the file), not on every pupil of the class.
    announced: set = ctx.cache.setdefault("announced_classes", set())
    candidates = frame.filter(new_class & pl.col("__grade").is_not_null() & ~pl.col("__err"))
    firsts = candidates.unique(
        subset=["school_id", "year_id", "class_name"], keep="first", maintain_order=True
    )
    rows = []
    for row, sid, yid, name in firsts.select(ROW, "school_id", "year_id", "class_name").iter_rows():
        if (sid, yid, name) not in announced:
            announced.add((sid, yid, name))
            rows.append(row)
    return sink.flag(
        frame, pl.col(ROW).is_in(rows), "class_name", "class_will_be_created", WARNING,
        _("The class does not exist yet; it will be created."),
    )  # fmt: skip


def resolve_students(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    frame = resolve_year(frame, sink, ctx)
    return resolve_class(frame, sink, ctx)


STUDENT_COMPARED = (
    "student_code", "full_name", "date_of_birth", "gender", "personal_id", "ethnicity", "parent_phone", "status",
    "status_date", "disability", "father_name", "mother_name", "address", "place_of_birth", "school_id", "class_name",
)  # fmt: skip


def existing_students(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    # A registry that held no pupil when the import began has nothing to match: this file's
    # own earlier rows are refused by the in-file checks (natural key, personal ID), never
    # matched here. Asked before the first write; a city's first load then skips two index
    # probes a row.
    if "pupils_before" not in ctx.cache:
        ctx.cache["pupils_before"] = Student.objects.exists()
    if not ctx.cache["pupils_before"]:
        return {}
    codes = frame["student_code"].drop_nulls().unique().to_list()
    by_code, _ = bulk.student_bulk_lookup(codes=codes, pids=[])
    # personal ID is the fallback key: only for rows whose MOET code is absent or unknown
    fallback = frame.filter(pl.col("student_code").is_null() | ~pl.col("student_code").is_in(list(by_code)))
    pids = fallback["personal_id"].drop_nulls().unique().to_list()
    _, by_pid = bulk.student_bulk_lookup(codes=[], pids=pids)
    # the pupil key (school, name, date of birth, gender) last: rows neither identifier matched
    unmatched = fallback.filter(pl.col("personal_id").is_null() | ~pl.col("personal_id").is_in(list(by_pid)))
    by_pupil = by_pupil_key(unmatched)
    if not by_code and not by_pid and not by_pupil:
        return {}
    out: dict[str, dict[str, Any]] = {}
    matched: list[tuple[str, dict, int]] = []
    new_pid: dict[str, str] = {}  # row key -> the personal ID the row gives a pupil matched by code
    rows = frame.select(KEY, "student_code", "personal_id", "year_id", "pupil_key")
    for key, code, pid, year_id, pupil in rows.iter_rows():
        rec = by_code.get(code) if code else None
        if rec is None and pid:
            rec = by_pid.get(pid)
        if rec is None and pupil in by_pupil:
            rec = pupil_match(by_pupil[pupil], code, pid)
            if rec is not None and K.REFUSED in rec:
                out[key] = rec
                continue
        if rec is not None:
            matched.append((key, rec, year_id))
            if pid and rec["personal_id"] != pid:
                new_pid[key] = pid
    # A matched pupil's new personal ID that another pupil holds (the unique index would fail
    # the commit): that pupil is claimed (K.CLAIMED), one lookup for the chunk's such rows.
    _, owners = bulk.student_bulk_lookup(codes=[], pids=list(set(new_pid.values()))) if new_pid else ({}, {})
    claims = {key: owners[pid] for key, pid in new_pid.items() if pid in owners}
    classes = bulk.active_classes(student_ids=[r["id"] for _, r, _ in matched])
    paths = school_paths(
        ctx, list({r["school_id"] for _, r, _ in matched} | {r["school_id"] for r in claims.values()})
    )
    inv = {v: k for k, v in bulk.STUDENT_MAP.items()}
    for key, rec, year_id in matched:
        if key in claims:
            owner = claims[key]
            out[key] = {
                "id": owner["id"],
                K.UNIT_PATH: paths.get(owner["school_id"]),
                K.CLAIMED: "personal_id",
            }
            continue
        cur = {inv.get(f, f): v for f, v in rec.items()}
        cur["class_name"] = classes.get((rec["id"], year_id))
        cur[K.UNIT_PATH] = paths.get(rec["school_id"])
        out[key] = cur
    return out


def write_students(*, actor: Any, new: pl.DataFrame, changed: list[tuple], ctx: K.Context) -> None:
    refused = [c for _, r, c in changed if "student_code" in c and c["student_code"][0]]
    if refused:  # a MOET code never changes; the rule lives in validation, this is a guard
        changed = [(i, r, {k: v for k, v in c.items() if k != "student_code"}) for i, r, c in changed]
    bulk.student_bulk_upsert(actor=actor, new=new, changed=changed)


STUDENTS = K.register(
    K.Kind(
        name="students",
        label=_("Students with enrolments"),
        description=_(
            "Pupils of a school with their class for the school year (sector database export C1-HocSinh)."
        ),
        columns=(
            SCHOOL_CODE,
            CLASS_NAME,
            SCHOOL_YEAR,
            K.Column(
                "student_code",
                "Mã học sinh",
                (
                    "ma hs",
                    "ma hoc sinh",
                    "ma dinh danh hoc sinh",
                    "ma dinh danh nganh",
                    "ma dinh danh bo gd",
                    "student code",
                    "moet code",
                ),
                normaliser=K.CODE,
                help=_(
                    "MOET student code (mã định danh ngành). May be empty for a new pupil who has none yet: "
                    "a pupil without code and personal ID is recognised by school, full name, date of birth "
                    "and gender, and a later file with the code fills it in."
                ),
                example="7900000001",
            ),
            FULL_NAME,
            DOB,
            GENDER,
            replace(
                PID,
                help=_(
                    "12-digit personal ID (CCCD). May be empty while it is pending; an 11-digit value "
                    "(leading zero lost) is repaired, any other length is refused."
                ),
            ),
            ETHNICITY,
            K.Column(
                "parent_phone",
                "Số điện thoại phụ huynh",
                (
                    "sdt phu huynh",
                    "dien thoai phu huynh",
                    "so dien thoai",
                    "dien thoai",
                    "phone",
                    "parent phone",
                ),
                normaliser=K.PHONE,
                help=_("Parent's phone, 0xxxxxxxxx."),
                example="0901234567",
            ),
            K.Column(
                "status",
                "Trạng thái",
                ("trang thai hoc sinh", "tinh trang", "status"),
                choices=student_status_code,
                choice_labels=_labels(StudentStatus),
                help=_("Status, e.g. Đang học."),
                example="Đang học",
            ),
            K.Column(
                "status_date",
                "Ngày trạng thái",
                ("ngay cap nhat trang thai", "status date"),
                normaliser=K.DATE,
                help=_("Date of the status, dd/mm/yyyy."),
            ),
            K.Column(
                "disability",
                "Khuyết tật",
                ("loai khuyet tat", "disability"),
                help=_("Type of disability, if any."),
            ),
            K.Column(
                "father_name",
                "Họ tên cha",
                ("ho ten bo", "ho va ten cha", "father name", "father"),
                normaliser=K.NAME,
                help=_("Father's full name."),
            ),
            K.Column(
                "mother_name",
                "Họ tên mẹ",
                ("ho va ten me", "mother name", "mother"),
                normaliser=K.NAME,
                help=_("Mother's full name."),
            ),
            K.Column(
                "address",
                "Địa chỉ",
                ("dia chi thuong tru", "noi o hien nay", "address"),
                help=_("Home address."),
            ),
            K.Column("place_of_birth", "Nơi sinh", ("noi sinh", "place of birth"), help=_("Place of birth.")),
        ),  # fmt: skip
        # A pupil without MOET code and personal ID (a new grade-1 pupil) is keyed by pupil_key.
        natural_key=("student_code", "personal_id", "pupil_key"),
        compared=STUDENT_COMPARED,
        resolve=resolve_students,
        rules=(
            person_rules,
            _personal_id_once("student_code"),
            lambda f, s, c: age_vs_grade(f, s),
            _name_key,
            pupil_key,
        ),
        existing=existing_students,
        write=write_students,
        bulk_load=bulk.student_bulk_load,
        change_permission=perms.CHANGE,
        locate=locate_school,
    )
)


# ----- staff
STAFF_FIELDS = {
    "staff_code": "moet_code", "full_name": "full_name", "date_of_birth": "date_of_birth", "gender": "gender",
    "personal_id": "personal_id", "ethnicity": "ethnicity", "position": "position", "phone": "phone",
    "email": "email", "status": "status",
}  # fmt: skip


def existing_staff(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    codes = frame["staff_code"].drop_nulls().unique().to_list()
    pids = frame["personal_id"].drop_nulls().unique().to_list()
    fields = ("id", "school_id", *STAFF_FIELDS.values(), "school__unit__path")
    by_code = (
        {s["moet_code"]: s for s in Staff.objects.filter(moet_code__in=codes).values(*fields)}
        if codes
        else {}
    )
    by_pid = (
        {s["personal_id"]: s for s in Staff.objects.filter(personal_id__in=pids).values(*fields)}
        if pids
        else {}
    )
    inv = {v: k for k, v in STAFF_FIELDS.items()}
    out = {}
    for key, code, pid in frame.select(KEY, "staff_code", "personal_id").iter_rows():
        rec = (by_code.get(code) if code else None) or (by_pid.get(pid) if pid else None)
        owner = by_pid.get(pid) if pid else None
        if rec and owner and owner["id"] != rec["id"]:  # the row's personal ID is another's
            out[key] = {"id": owner["id"], K.UNIT_PATH: owner["school__unit__path"], K.CLAIMED: "personal_id"}
        elif rec:
            cur = {inv.get(f, f): v for f, v in rec.items() if f != "school__unit__path"}
            cur[K.UNIT_PATH] = rec["school__unit__path"]
            out[key] = cur
    return out


def _row_dicts(new: Any) -> list[dict[str, Any]]:
    """The engine hands new rows as a polars frame (set-based writers use it as is); the one-row
    services below take them one dict at a time."""
    if new is None:
        return []
    return new.to_dicts() if isinstance(new, pl.DataFrame) else list(new)


def write_staff(*, actor: Any, new: pl.DataFrame, changed: list[tuple], ctx: K.Context) -> None:
    from . import services

    rows = _row_dicts(new)
    school_ids = {r["school_id"] for r in rows} | {r["school_id"] for _, r, _ in changed}
    schools = School.objects.select_related("unit").in_bulk(school_ids)
    for r in rows:
        data = {STAFF_FIELDS[k]: r[k] for k in STAFF_FIELDS if r.get(k) is not None}
        # The engine has checked the row: the typed input is built as is (model_construct).
        services.staff_create(
            actor=actor, school=schools[r["school_id"]], data=StaffFields.model_construct(**data)
        )
    current = Staff.objects.select_related("school__unit").in_bulk([pk for pk, _, _ in changed])
    for pk, r, changes in changed:
        data = {STAFF_FIELDS[k]: r[k] for k in changes if k in STAFF_FIELDS and k != "staff_code"}
        school = schools[r["school_id"]] if "school_id" in changes else None
        services.staff_update(
            actor=actor, staff=current[pk], data=StaffPatch.model_construct(**data), school=school
        )


STAFF = K.register(
    K.Kind(
        name="staff",
        label=_("Staff"),
        description=_("Teachers and staff of a school (sector database export CSDL_GiaoVien)."),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "staff_code",
                "Mã cán bộ",
                ("ma can bo", "ma giao vien", "ma dinh danh can bo", "ma gv", "staff code"),
                normaliser=K.CODE,
                help=_("MOET staff code."),
                example="GV79000101",
            ),
            FULL_NAME,
            DOB,
            GENDER,
            PID,
            ETHNICITY,
            K.Column(
                "position",
                "Chức vụ",
                ("chuc vu", "vi tri viec lam", "position"),
                choices=_position_code,
                choice_labels=_labels(Position),
                help=_("Position, e.g. Giáo viên."),
                example="giáo viên",
            ),
            K.Column(
                "phone", "Số điện thoại", ("dien thoai", "sdt", "phone"), normaliser=K.PHONE, help=_("Phone.")
            ),
            K.Column("email", "Email", ("thu dien tu", "e-mail"), help=_("E-mail address.")),
            K.Column(
                "status",
                "Trạng thái",
                ("trang thai", "tinh trang lam viec", "status"),
                choices=_staff_status_code,
                choice_labels=_labels(StaffStatus),
                help=_("Working status."),
                example="đang làm việc",
            ),
        ),  # fmt: skip
        natural_key=("staff_code", "personal_id"),
        compared=tuple(STAFF_FIELDS) + ("school_id",),
        resolve=resolve_school,
        rules=(person_rules, _personal_id_once("staff_code")),
        existing=existing_staff,
        write=write_staff,
        change_permission=perms.CHANGE,
        locate=locate_school,
    )
)


# ----- schools and classes (thousands of rows: the one-row services are fast enough)
def _units(frame: pl.DataFrame, ctx: K.Context) -> dict[str, Any]:
    """Managing units named by `parent_code`, among those the actor can see (in bulk, cached)."""
    from edudx.orgs import selectors as org_selectors

    units = ctx.cache.setdefault("units", {})
    asked = ctx.cache.setdefault("units_asked", set())
    todo = [c for c in frame["parent_code"].drop_nulls().unique().to_list() if c not in asked]
    if todo:
        units.update(
            {u.code: u for u in org_selectors.unit_list(scope=ctx.actor.scope).filter(code__in=todo)}
        )
        asked.update(todo)
    return units


def locate_parent(frame: pl.DataFrame, ctx: K.Context) -> pl.Series:
    """The schools kind writes under the managing unit a row names (None: no parent given, or one
    the actor cannot see — refused as unknown by resolve_parent)."""
    paths = {c: u.path for c, u in _units(frame, ctx).items()}
    return frame["parent_code"].replace_strict(paths, default=None, return_dtype=pl.String)


def resolve_parent(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    units = _units(frame, ctx)
    return sink.flag(
        frame, pl.col("parent_code").is_not_null() & ~pl.col("parent_code").is_in(list(units)), "parent_code",
        "unit_not_found", ERROR, _("No managing unit has this code (or it is outside your scope)."),
    )  # fmt: skip


def existing_schools(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    codes = frame["school_code"].drop_nulls().unique().to_list()
    out = {}
    for s in School.objects.filter(moet_code__in=codes).values(
        "id", "moet_code", "level", "ownership", "address", "unit__name", "unit__parent__code", "unit__path"
    ):
        out[f"school_code={s['moet_code']}"] = {
            "id": s["id"], "school_code": s["moet_code"], "name": s["unit__name"], "level": s["level"],
            "ownership": s["ownership"], "address": s["address"], "parent_code": s["unit__parent__code"],
            K.UNIT_PATH: s["unit__path"],
        }  # fmt: skip
    return out


def write_schools(*, actor: Any, new: list[dict], changed: list[tuple], ctx: K.Context) -> None:
    from . import services

    units = ctx.cache.get("units", {})
    for r in _row_dicts(new):
        parent = units.get(r["parent_code"])
        if parent is None:
            raise ValueError("a new school needs its managing unit")  # refused in validation
        data = {k: r[k] for k in ("level", "ownership", "address") if r.get(k) is not None}
        services.school_register(
            actor=actor, parent=parent, moet_code=r["school_code"], name=r["name"], data=data
        )
    for pk, r, changes in changed:
        school = School.objects.select_related("unit").get(pk=pk)
        data = {k: r[k] for k in ("level", "ownership", "address") if k in changes}
        services.school_update(
            actor=actor, school=school, data=data, name=r["name"] if "name" in changes else None,
            parent=units.get(r["parent_code"]) if "parent_code" in changes else None,
        )  # fmt: skip


def _new_school_needs_parent(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    known = set(
        School.objects.filter(moet_code__in=frame["school_code"].drop_nulls().unique().to_list()).values_list(
            "moet_code", flat=True
        )
    )
    return sink.flag(
        frame, ~pl.col("school_code").is_in(list(known)) & pl.col("parent_code").is_null(), "parent_code",
        "value_required", ERROR, _("A new school needs the code of its managing unit."),
    )  # fmt: skip


SCHOOLS = K.register(
    K.Kind(
        name="schools",
        label=_("Schools"),
        description=_("Schools with their level, ownership and managing unit."),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "name",
                "Tên trường",
                ("ten truong", "ten don vi", "school name", "name"),
                required=True,
                not_blank=True,
                help=_("Official school name."),
                example="Trường THCS Nguyễn Du",
            ),
            K.Column(
                "level",
                "Cấp học",
                ("cap hoc", "level", "school level"),
                required=True,
                not_blank=True,
                choices=level_code,
                choice_labels=_labels(Level),
                help=_("School level, e.g. THCS."),
                example="THCS",
            ),
            K.Column(
                "ownership",
                "Loại hình",
                ("loai hinh", "loai hinh truong", "ownership"),
                choices=ownership_code,
                choice_labels=_labels(Ownership),
                help=_("Public, private…"),
                example="Công lập",
            ),
            K.Column(
                "parent_code",
                "Mã đơn vị quản lý",
                ("ma don vi quan ly", "don vi quan ly", "ma phuong xa", "parent code", "managing unit"),
                normaliser=K.CODE,
                help=_("Code of the ward/commune or the department."),
                example="PA",
            ),
            K.Column("address", "Địa chỉ", ("dia chi", "address"), help=_("Address.")),
        ),  # fmt: skip
        natural_key=("school_code",),
        compared=("name", "level", "ownership", "address", "parent_code"),
        resolve=resolve_parent,
        rules=(_new_school_needs_parent,),
        existing=existing_schools,
        write=write_schools,
        change_permission=perms.CHANGE,
        locate=locate_parent,
        locate_column="parent_code",
    )
)


def existing_classes(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    from .models import SchoolClass

    out = {}
    qs = SchoolClass.objects.filter(
        school_id__in=frame["school_id"].drop_nulls().unique().to_list(),
        year_id__in=frame["year_id"].drop_nulls().unique().to_list(),
    ).values("id", "school_id", "year_id", "name", "grade", "school__unit__path")
    index = {(c["school_id"], c["year_id"], c["name"]): c for c in qs}
    for key, sid, yid, name in frame.select(KEY, "school_id", "year_id", "class_name").iter_rows():
        c = index.get((sid, yid, name))
        if c:
            out[key] = {
                "id": c["id"], "grade": c["grade"], "class_name": c["name"], K.UNIT_PATH: c["school__unit__path"],
            }  # fmt: skip
    return out


def _class_key(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    frame = resolve_year(frame, sink, ctx)
    frame = frame.with_columns(
        (pl.col("school_code") + "/" + pl.col("school_year") + "/" + pl.col("class_name")).alias("class_key"),
        pl.coalesce(
            pl.col("grade"), pl.col("class_name").map_elements(grade_from_class_name, return_dtype=pl.Int64)
        ).alias("grade"),
    )
    lo = pl.col("__level").replace_strict(
        {k: v[0] for k, v in GRADES.items()}, default=None, return_dtype=pl.Int64
    )
    hi = pl.col("__level").replace_strict(
        {k: v[1] for k, v in GRADES.items()}, default=None, return_dtype=pl.Int64
    )
    frame = sink.flag(frame, pl.col("grade").is_null(), "grade", "value_required", ERROR,
                      _("The grade cannot be read from the class name; give it."))  # fmt: skip
    # The service refuses it too (registry.services._check_class): say so in the check, not as
    # a failed commit.
    implied = pl.col("class_name").map_elements(grade_from_class_name, return_dtype=pl.Int64)
    frame = sink.flag(
        frame, implied.is_not_null() & pl.col("grade").is_not_null() & (implied != pl.col("grade")), "grade",
        "class_name_grade_mismatch", ERROR, _("The class name suggests another grade."),
    )  # fmt: skip
    return sink.flag(
        frame, (pl.col("grade") < lo) | (pl.col("grade") > hi), "class_name", "class_name_level_mismatch", ERROR,
        _("This class name does not fit the school's level."),
    )  # fmt: skip


def write_classes(*, actor: Any, new: pl.DataFrame, changed: list[tuple], ctx: K.Context) -> None:
    from . import services
    from .models import SchoolClass

    rows = _row_dicts(new)
    schools = School.objects.select_related("unit").in_bulk({r["school_id"] for r in rows})
    years = {y.pk: y for y in SchoolYear.objects.all()}
    for r in rows:
        services.class_create(
            actor=actor,
            school=schools[r["school_id"]],
            year=years[r["year_id"]],
            grade=r["grade"],
            name=r["class_name"],
        )
    current = SchoolClass.objects.select_related("school__unit").in_bulk([pk for pk, _, _ in changed])
    for pk, r, changes in changed:
        patch = ClassPatch.model_construct(**({"grade": r["grade"]} if "grade" in changes else {}))
        services.class_update(actor=actor, school_class=current[pk], data=patch)


CLASSES = K.register(
    K.Kind(
        name="classes",
        label=_("Classes"),
        description=_("Classes of a school for a school year."),
        columns=(
            SCHOOL_CODE,
            SCHOOL_YEAR,
            CLASS_NAME,
            K.Column(
                "grade",
                "Khối",
                ("khoi", "khoi lop", "grade"),
                normaliser=K.INTEGER,
                help=_("Grade 1–12 (0 for preschool groups); read from the name when empty."),
                example="6",
            ),
        ),  # fmt: skip
        natural_key=("class_key",),
        compared=("grade",),
        resolve=_class_key,
        existing=existing_classes,
        write=write_classes,
        change_permission=perms.CHANGE,
        locate=locate_school,
    )
)

__all__ = ["CLASSES", "SCHOOLS", "STAFF", "STUDENTS", "Gender", "INGEST_RUN"]
