"""Students and staff: normalised and validated with the pure rules, written with history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import ErrorCollector
from edudx.core.rules import names, personal_id, phones
from edudx.core.rules.ethnicity import ETHNIC_GROUPS
from edudx.core.services import create_with_history, update_with_history
from edudx.core.text import fold

from .. import permissions as perms
from ..models import School, Staff, Student
from ..schemas import PersonFields, StaffFields, StaffPatch, StudentFields, StudentPatch

STUDENT_FIELDS = (
    "moet_code", "full_name", "date_of_birth", "gender", "personal_id", "ethnicity", "status", "status_date",
    "disability", "father_name", "mother_name", "guardian_name", "parent_phone", "address", "place_of_birth",
    "school",
)  # fmt: skip
STAFF_FIELDS = (
    "moet_code", "full_name", "date_of_birth", "gender", "personal_id", "ethnicity", "position", "subjects",
    "qualification", "phone", "email", "status", "school",
)  # fmt: skip


def clean_person(
    data: dict[str, Any], *, current: Any = None, phone_fields: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Normalise a person's fields in place and raise every rule violation at once."""
    errors = ErrorCollector()
    out = dict(data)
    if "full_name" in out:
        out["full_name"], _issues = names.normalise(out["full_name"])
        for issue in names.check(out["full_name"]):
            if issue.is_error:
                errors.add("full_name", issue.code, issue.message)
    if out.get("personal_id") is not None:
        out["personal_id"], _issues = personal_id.normalise(out["personal_id"])
        out["personal_id"] = out["personal_id"] or None
    if "moet_code" in out:
        out["moet_code"] = (str(out["moet_code"]).strip() or None) if out["moet_code"] is not None else None
    for field in phone_fields:
        if out.get(field):
            value, issues = phones.normalise(out[field])
            for issue in issues:
                if issue.is_error:
                    errors.add(field, issue.code, issue.message)
            out[field] = value
    if out.get("ethnicity") and out["ethnicity"] not in ETHNIC_GROUPS:
        errors.add("ethnicity", "unknown_ethnicity", _("Unknown ethnic group code."))

    def pick(name: str) -> Any:
        return out[name] if name in out else getattr(current, name, None)

    dob, gender, pid = pick("date_of_birth"), pick("gender"), pick("personal_id")
    if dob and dob > timezone.localdate():
        errors.add("date_of_birth", "dob_in_future", _("The date of birth is in the future."))
    for issue in personal_id.check(pid or "", date_of_birth=dob, gender=gender):
        if issue.is_error:
            errors.add("personal_id", issue.code, issue.message)
    errors.raise_if_any()
    if "full_name" in out:
        out["name_key"] = fold(out["full_name"])
    return out


def _split_key(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    key = data.pop("name_key", None)
    return data, key


def _fields(data: PersonFields, model: type[PersonFields]) -> dict[str, Any]:
    """Every field of `model` that `data` holds (an API input also names the school by id)."""
    return data.model_dump(include=set(model.model_fields))


@transaction.atomic
def student_create(*, actor: Actor, school: School, data: StudentFields) -> Student:
    actor.scope.require(perms.CHANGE, school.unit.path)
    values = clean_person({**_fields(data, StudentFields), "school": school}, phone_fields=("parent_phone",))
    values, key = _split_key(values)
    student = Student(**values, name_key=key or "")
    return create_with_history(actor=actor, obj=student, fields=STUDENT_FIELDS, operation="student_create")


@transaction.atomic
def student_update(*, actor: Actor, student: Student, data: StudentPatch) -> Student:
    """Set the fields `data` was given; a pupil changes school through enrolment_transfer."""
    actor.scope.require(perms.CHANGE, student.school.unit.path if student.school_id else None)
    values = clean_person(
        data.model_dump(exclude_unset=True), current=student, phone_fields=("parent_phone",)
    )
    values, key = _split_key(values)
    if key is not None:
        student.name_key = key
    changes = update_with_history(
        actor=actor, obj=student, data=values, fields=STUDENT_FIELDS, operation="student_update"
    )
    if "full_name" in changes:  # update_with_history saves the changed fields only
        student.save(update_fields=["name_key"])
    return student


@transaction.atomic
def student_set_status(
    *, actor: Actor, student: Student, status: str, on: dt.date | None = None, note: str = ""
) -> Student:
    actor.scope.require(perms.CHANGE, student.school.unit.path if student.school_id else None)
    update_with_history(
        actor=actor,
        obj=student,
        data={"status": status, "status_date": on or timezone.localdate()},
        fields=("status", "status_date"),
        operation="student_set_status",
        action="status",
        note=note,
    )
    return student


@transaction.atomic
def staff_create(*, actor: Actor, school: School, data: StaffFields) -> Staff:
    actor.scope.require(perms.CHANGE, school.unit.path)
    values = clean_person({**_fields(data, StaffFields), "school": school}, phone_fields=("phone",))
    values, key = _split_key(values)
    staff = Staff(**values, name_key=key or "")
    return create_with_history(actor=actor, obj=staff, fields=STAFF_FIELDS, operation="staff_create")


@transaction.atomic
def staff_update(*, actor: Actor, staff: Staff, data: StaffPatch, school: School | None = None) -> Staff:
    """Set the fields `data` was given; `school` moves the staff member (the import does), which
    needs the change permission on both schools."""
    actor.scope.require(perms.CHANGE, staff.school.unit.path if staff.school_id else None)
    values = data.model_dump(exclude_unset=True)
    if school is not None and school != staff.school:
        actor.scope.require(perms.CHANGE, school.unit.path)
        values["school"] = school
    values = clean_person(values, current=staff, phone_fields=("phone",))
    values, key = _split_key(values)
    if key is not None:
        staff.name_key = key
    changes = update_with_history(
        actor=actor, obj=staff, data=values, fields=STAFF_FIELDS, operation="staff_update"
    )
    if "full_name" in changes:  # update_with_history saves the changed fields only
        staff.save(update_fields=["name_key"])
    return staff
