"""The staff kind: teachers and staff of a school (CSDL_GiaoVien)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules.people import Position, StaffStatus
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.ingest.kinds import KEY, person_rules

from .. import permissions as perms
from ..kinds import SCHOOL_CODE, locate_school, resolve_school
from ..models import School, Staff
from ..schemas import StaffFields, StaffPatch
from .common import DOB, ETHNICITY, FULL_NAME, GENDER, PID, _labels, _personal_id_once, _row_dicts


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


def write_staff(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    from .. import services

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
