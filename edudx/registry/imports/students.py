"""The students kind: pupils of a school with their class for the school year (C1-HocSinh)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR, WARNING
from edudx.core.rules.levels import grade_from_class_name
from edudx.core.rules.people import StudentStatus, student_status_code
from edudx.ingest import kinds as K
from edudx.ingest.kinds import KEY, ROW, age_vs_grade, person_rules

from .. import permissions as perms
from ..kinds import SCHOOL_CODE, locate_school, resolve_school, school_paths
from ..models import Student
from ..pupil_key import by_pupil_key, pupil_key, pupil_match
from ..services import bulk
from .common import (
    CLASS_NAME,
    DOB,
    ETHNICITY,
    FULL_NAME,
    GENDER,
    PID,
    SCHOOL_YEAR,
    _labels,
    _name_key,
    _personal_id_once,
    grade_bounds,
    resolve_year,
)


def resolve_class(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    """(school, year, class name) → class_id; a missing class is created at commit if its name
    fits the school's level, else the row is refused."""
    from ..models import SchoolClass

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
    lo, hi = grade_bounds()
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


def resolve_students(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
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


def write_students(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
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
