"""Typed shapes of the registry API. Input schemas check shape and type only; the rules
(personal-ID structure, grades per level, …) live in the services and come back as
field errors in the one error body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator

from edudx.core.ids import Id
from edudx.core.rules.personal_id import mask, mask_email


class Cursor(Schema):
    cursor: str | None = Field(None, description="`next_cursor` or `prev_cursor` of another page")
    limit: int = Field(50, ge=1, le=500)


# ----- output
class SchoolOut(Schema):
    id: int
    unit_id: int
    moet_code: str
    name: str
    level: str
    ownership: str
    address: str
    phone: str
    email: str
    area_id: int | None
    area_name: str

    @staticmethod
    def build(school: Any) -> SchoolOut:
        parent = school.unit.parent
        return SchoolOut(
            id=school.pk,
            unit_id=school.unit_id,
            moet_code=school.moet_code,
            name=school.unit.name,
            level=school.level,
            ownership=school.ownership,
            address=school.address,
            phone=school.phone,
            email=school.email,
            area_id=parent.pk if parent else None,
            area_name=parent.name if parent else "",
        )


class ClassOut(Schema):
    id: int
    school_id: int
    school_name: str
    year_id: int
    year: str
    grade: int
    name: str
    homeroom_teacher_id: int | None
    homeroom_teacher_name: str

    @staticmethod
    def build(c: Any) -> ClassOut:
        t = c.homeroom_teacher
        return ClassOut(
            id=c.pk,
            school_id=c.school_id,
            school_name=c.school.unit.name,
            year_id=c.year_id,
            year=c.year.code,
            grade=c.grade,
            name=c.name,
            homeroom_teacher_id=t.pk if t else None,
            homeroom_teacher_name=t.full_name if t else "",
        )


class StudentOut(Schema):
    id: int
    moet_code: str | None
    full_name: str
    date_of_birth: dt.date | None
    gender: str
    personal_id: str | None = Field(description="Masked unless the caller may see personal IDs")
    ethnicity: str
    status: str
    status_date: dt.date | None
    disability: str
    father_name: str
    mother_name: str
    guardian_name: str
    parent_phone: str = Field(description="Masked unless the caller may see personal data")
    address: str
    place_of_birth: str
    school_id: int | None
    school_name: str

    @staticmethod
    def build(s: Any, *, pii: bool) -> StudentOut:
        return StudentOut(
            id=s.pk,
            moet_code=s.moet_code,
            full_name=s.full_name,
            date_of_birth=s.date_of_birth,
            gender=s.gender,
            personal_id=s.personal_id if pii else mask(s.personal_id) or None,
            ethnicity=s.ethnicity,
            status=s.status,
            status_date=s.status_date,
            disability=s.disability,
            father_name=s.father_name,
            mother_name=s.mother_name,
            guardian_name=s.guardian_name,
            parent_phone=s.parent_phone if pii else mask(s.parent_phone),
            address=s.address,
            place_of_birth=s.place_of_birth,
            school_id=s.school_id,
            school_name=s.school.unit.name if s.school_id else "",
        )


class StaffOut(Schema):
    id: int
    moet_code: str | None
    full_name: str
    date_of_birth: dt.date | None
    gender: str
    personal_id: str | None = Field(description="Masked unless the caller may see personal IDs")
    ethnicity: str
    position: str
    subjects: list[str]
    qualification: str
    phone: str
    email: str
    status: str
    school_id: int | None
    school_name: str

    @staticmethod
    def build(s: Any, *, pii: bool) -> StaffOut:
        return StaffOut(
            id=s.pk,
            moet_code=s.moet_code,
            full_name=s.full_name,
            date_of_birth=s.date_of_birth,
            gender=s.gender,
            personal_id=s.personal_id if pii else mask(s.personal_id) or None,
            ethnicity=s.ethnicity,
            position=s.position,
            subjects=list(s.subjects or []),
            qualification=s.qualification,
            phone=s.phone if pii else mask(s.phone),
            email=s.email if pii else mask_email(s.email),
            status=s.status,
            school_id=s.school_id,
            school_name=s.school.unit.name if s.school_id else "",
        )


class EnrolmentOut(Schema):
    id: int
    school_class_id: int
    class_name: str
    school_id: int
    school_name: str
    year: str
    state: str
    start_date: dt.date
    end_date: dt.date | None
    previous_id: int | None
    note: str

    @staticmethod
    def build(e: Any) -> EnrolmentOut:
        return EnrolmentOut(
            id=e.pk,
            school_class_id=e.school_class_id,
            class_name=e.school_class.name,
            school_id=e.school_id,
            school_name=e.school.unit.name,
            year=e.year.code,
            state=e.state,
            start_date=e.start_date,
            end_date=e.end_date,
            previous_id=e.previous_id,
            note=e.note,
        )


class HistoryOut(Schema):
    id: int
    at: dt.datetime
    action: str
    operation: str
    actor: str
    via: str
    source: str
    changes: dict[str, Any]
    note: str


def page_schema(item: type, name: str) -> type:
    """{"items": [...], "next_cursor": str|null, "prev_cursor": str|null} for `item`."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {
                "items": list[item],  # type: ignore[valid-type]
                "next_cursor": str | None,
                "prev_cursor": str | None,
            },
        },
    )


SchoolPage = page_schema(SchoolOut, "SchoolPage")
ClassPage = page_schema(ClassOut, "ClassPage")
StudentPage = page_schema(StudentOut, "StudentPage")
StaffPage = page_schema(StaffOut, "StaffPage")
EnrolmentList = page_schema(EnrolmentOut, "EnrolmentList")
HistoryList = page_schema(HistoryOut, "HistoryList")


# ----- input
class SchoolIn(Schema):
    parent: Id = Field(description="Id of the ward/commune unit the school belongs to")
    moet_code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=255)
    level: str
    ownership: str = "cong_lap"
    address: str = ""
    phone: str = ""
    email: str = ""


def refuse_null(value):
    """Patch fields: a field left out keeps its value; null is refused (422) where the record
    cannot hold it (it used to reach the rules as None: a 500)."""
    if value is None:
        raise ValueError("null is not allowed here; leave the field out to keep its value")
    return value


class SchoolPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=255)
    parent: Id | None = None
    level: str | None = None
    ownership: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None

    @field_validator("name", "parent", "level", "ownership")
    @classmethod
    def _not_null(cls, value):
        return refuse_null(value)


class ClassIn(Schema):
    school: Id
    year: Id
    grade: int = Field(ge=0, le=12)
    name: str = Field(min_length=1, max_length=40)
    homeroom_teacher: Id | None = None


class ClassPatch(Schema):
    grade: int | None = Field(None, ge=0, le=12)
    name: str | None = Field(None, min_length=1, max_length=40)
    homeroom_teacher: Id | None = None

    @field_validator("grade", "name")
    @classmethod
    def _not_null(cls, value):
        return refuse_null(value)


class PersonFields(Schema):
    moet_code: str | None = Field(default=None, max_length=20)
    date_of_birth: dt.date | None = None
    personal_id: str | None = Field(default=None, max_length=20)
    ethnicity: str = Field(default="", max_length=2)


class StudentFields(PersonFields):
    """A pupil as the services create one — the web form and the API (StudentIn adds the school,
    which the services take as a record)."""

    full_name: str = Field(min_length=1, max_length=150)
    gender: str
    status: str = "dang_hoc"
    disability: str = ""
    father_name: str = ""
    mother_name: str = ""
    guardian_name: str = ""
    parent_phone: str = ""
    address: str = ""
    place_of_birth: str = ""


class StudentIn(StudentFields):
    school: Id


class StudentPatch(Schema):
    """A change to a pupil: only the fields sent are changed."""

    moet_code: str | None = Field(None, max_length=20)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    date_of_birth: dt.date | None = None
    gender: str | None = None
    personal_id: str | None = Field(None, max_length=20)
    ethnicity: str | None = Field(None, max_length=2)
    disability: str | None = None
    father_name: str | None = None
    mother_name: str | None = None
    guardian_name: str | None = None
    parent_phone: str | None = None
    address: str | None = None
    place_of_birth: str | None = None

    @field_validator("full_name", "gender")
    @classmethod
    def _not_null(cls, value):
        return refuse_null(value)


class StatusIn(Schema):
    status: str
    on: dt.date | None = None
    note: str = Field("", max_length=500)


class TransferIn(Schema):
    to_class: Id = Field(description="Id of the class the student moves to")
    on: dt.date
    note: str = Field("", max_length=255)


class StaffFields(PersonFields):
    """A staff member as the services create one — the web form, the API (StaffIn adds the
    school) and the import."""

    full_name: str = Field(min_length=1, max_length=150)
    gender: str
    position: str = "giao_vien"
    subjects: list[str] = []
    qualification: str = ""
    phone: str = ""
    email: str = ""
    status: str = "working"


class StaffIn(StaffFields):
    school: Id


class StaffPatch(Schema):
    """A change to a staff member: only the fields sent are changed."""

    moet_code: str | None = Field(None, max_length=20)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    date_of_birth: dt.date | None = None
    gender: str | None = None
    personal_id: str | None = Field(None, max_length=20)
    ethnicity: str | None = Field(None, max_length=2)
    position: str | None = None
    subjects: list[str] | None = None
    qualification: str | None = None
    phone: str | None = None
    email: str | None = None
    status: str | None = None

    @field_validator("full_name", "gender", "position", "subjects", "status")
    @classmethod
    def _not_null(cls, value):
        return refuse_null(value)
