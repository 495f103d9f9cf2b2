"""API shapes of learning results (scores in points, one decimal)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class OutcomeOut(Schema):
    label: str
    year: str
    period: int
    schools: int
    pupils: int
    passed_share: float | None
    learning: dict[str, int]
    conduct: dict[str, int]
    promotion: dict[str, int]
    bands: dict[str, list[int]]
    at_risk: int
    as_of: dt.datetime | None


class AtRiskOut(Schema):
    student_id: int
    name: str
    class_name: str
    learning: str
    mean: float | None
    fall: float | None
    absences: int | None
    signals: list[str]
    notes: int


class BookRowOut(Schema):
    student_id: int
    regular: list[float]
    midterm: float | None
    final: float | None
    comment: str
    level: str
    average: float | None
    year_average: float | None


class SubjectOut(BookRowOut):
    year: str
    class_id: int
    semester: int
    subject: str


class TermOut(Schema):
    class_id: int
    period: int
    learning: str
    conduct: str
    absences: int | None
    failed: int
    mean: float | None
    promotion: str
    signals: list[str]


class PupilOut(Schema):
    student_id: int
    terms: list[TermOut]
    subjects: list[SubjectOut]
