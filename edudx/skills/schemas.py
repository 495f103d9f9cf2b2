"""Typed inputs of the skills services (shared by forms and the API) and the API's answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from edudx.core.ids import Id


class CompetenceIn(Schema):
    name: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=5000)
    verify: bool = False


class CertificateIn(Schema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=255)
    family: str = "other"
    issuer: str = Field(min_length=1, max_length=255)
    levels: list[str] = Field(default_factory=list, max_length=20)
    validity_months: int | None = Field(None, ge=1, le=240)
    meets_standard: str = ""
    module_codes: list[str] = Field(default_factory=list, max_length=15)
    verify: bool = False
    note: str = Field("", max_length=2000)


class PersonCertificateIn(Schema):
    certificate_id: Id
    staff_id: Id | None = None
    student_id: Id | None = None
    number: str = Field("", max_length=64)
    level: str = Field("", max_length=40)
    score: Decimal | None = Field(None, ge=0, le=10000, max_digits=7, decimal_places=2)
    issued_on: dt.date | None = None


class TargetIn(Schema):
    position: str = Field(min_length=1, max_length=20)
    rank: int = Field(ge=1, le=10)


class CampaignIn(Schema):
    name: str = Field(min_length=1, max_length=255)
    school_year: str = Field(pattern=r"^\d{4}-\d{4}$")
    self_deadline: dt.date | None = None
    review_deadline: dt.date | None = None


class RatingIn(Schema):
    competence_id: Id
    rank: int = Field(ge=1, le=10)
    evidence: str = Field("", max_length=500)


# ----- answers
class CertificateOut(Schema):
    id: int
    code: str
    name: str
    family: str
    issuer: str
    levels: list[str]
    validity_months: int | None
    meets_standard: str
    verify: bool


class PersonCertificateOut(Schema):
    id: int
    certificate_id: int
    staff_id: int | None
    student_id: int | None
    school_id: int
    level: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    state: str


class CoverageRow(Schema):
    unit_id: int
    unit: str
    group: str
    people: int
    holders: int
    share: float


class ResultOut(Schema):
    id: int
    certificate_id: int
    candidate_name: str
    date_of_birth: dt.date | None
    level: str
    taken_on: dt.date | None
    match: str
    staff_id: int | None
    student_id: int | None


class CursorQuery(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=500)


class PersonCertificatePage(Schema):
    items: list[PersonCertificateOut]
    next_cursor: str | None
    prev_cursor: str | None


class MoveIn(Schema):
    move: str = Field(pattern=r"^(verify|expire|revoke)$")
    note: str = Field("", max_length=255)


class AssignIn(Schema):
    staff_id: Id | None = None
    student_id: Id | None = None


class CoverageQuery(Schema):
    measure: str = Field("std:basic", max_length=60)
    group: str = Field("staff", pattern=r"^(staff|pupils)$")
    area: Id | None = None
    sub: str = Field("", max_length=20)


# ----- training (issue #16 item 4)
class TrainingRecordIn(Schema):
    staff_id: Id
    competence_id: Id
    title: str = Field(min_length=1, max_length=255)
    provider: str = Field("", max_length=255)
    completed_on: dt.date
    hours: int | None = Field(None, ge=1, le=2000)


class CourseCompletionIn(Schema):
    """What the learning app hands over when a staff member completes a training course: the
    competences of a teachers' framework the course trains (its evidence)."""

    staff_id: Id
    competence_ids: list[Id] = Field(min_length=1, max_length=30)
    course_title: str = Field(min_length=1, max_length=255)
    reference: str = Field(min_length=1, max_length=64)  # "learning:course:12"
    completed_on: dt.date
    hours: int | None = Field(None, ge=1, le=2000)
    provider: str = Field("", max_length=255)


class TrainingRecordOut(Schema):
    id: int
    staff_id: int
    school_id: int
    competence_id: int
    title: str
    provider: str
    completed_on: dt.date
    hours: int | None
    source: str


class TrainingRecordPage(Schema):
    items: list[TrainingRecordOut]
    next_cursor: str | None
    prev_cursor: str | None


class TrainingNeedOut(Schema):
    unit_id: int
    unit: str
    competence_id: int
    competence: str
    assessed: int
    below_target: int


class PlanItemOut(Schema):
    staff_id: int
    position: str
    competence_id: int
    rank: int
    target: int
    trained: bool


# ----- pupils' competence levels (issue #16 item 5)
class PupilLevelEntry(Schema):
    student_id: Id
    level_id: Id | None = None  # None: not assessed (a level entered before is removed)


class PupilLevelsIn(Schema):
    """A class's levels in one competence: `default_level_id` for every pupil of the class not
    named in `levels` (class-level entry), then one entry per named pupil."""

    competence_id: Id
    default_level_id: Id | None = None
    levels: list[PupilLevelEntry] = Field(default_factory=list, max_length=200)


class PupilLevelCount(Schema):
    unit_id: int
    unit: str
    competence_id: int
    competence: str
    assessed: int
    at_band: int  # at or above the level of the pupil's grade band
    by_level: dict[str, int]


class ClassPupilLevel(Schema):
    student_id: int
    level_id: int | None


# ----- alerts, catalogue, issuers' lists (issue #16 item 3)
class AlertOut(Schema):
    id: int
    kind: str
    person_certificate_id: int
    staff_id: int | None
    school_id: int
    due_on: dt.date


class IssuerNumberIn(Schema):
    number: str = Field(min_length=1, max_length=64)
    issued_on: dt.date | None = None
    revoked: bool = False


class IssuerListIn(Schema):
    numbers: list[IssuerNumberIn] = Field(min_length=1, max_length=20000)


class IssuerListOut(Schema):
    added: int
    verified: int
    revoked: int


class TargetOut(Schema):
    framework_id: int
    position: str
    rank: int
