"""Typed inputs of learning's services and the API's answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from edudx.core.ids import Id

from .models import BlockKind, CourseKind, QuestionKind


class CourseIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    kind: CourseKind = CourseKind.CLASS
    subject: str = Field(default="", max_length=20)
    grade: int | None = Field(default=None, ge=0, le=12)
    description: str = Field(default="", max_length=20_000)
    school_id: Id | None = None
    class_id: Id | None = None
    quiz_weight: int = Field(default=100, ge=0, le=100)
    assignment_weight: int = Field(default=0, ge=0, le=100)
    pass_mark: int = Field(default=50, ge=0, le=100)
    # Open courses: the self-enrolment window and the number of places (None: no limit).
    enrol_opens_at: dt.datetime | None = None
    enrol_closes_at: dt.datetime | None = None
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)


class SectionIn(Schema):
    title: str = Field(min_length=1, max_length=200)


class LessonIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    section_id: Id | None = None


class BlockIn(Schema):
    kind: BlockKind
    title: str = Field(default="", max_length=200)
    resource_id: Id | None = None
    html: str = Field(default="", max_length=200_000)
    video_url: str = Field(default="", max_length=1000)
    video_seconds: int = Field(default=0, ge=0, le=86_400)
    quiz_id: Id | None = None
    prompt: str = Field(default="", max_length=20_000)


class QuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(min_length=1, max_length=20_000)
    data: dict[str, Any] = Field(default_factory=dict)
    points: float = Field(default=1, gt=0, le=100)
    subject: str = Field(default="", max_length=20)
    grade: int | None = Field(default=None, ge=0, le=12)
    topic: str = Field(default="", max_length=300)
    shared: bool = False


class QuizIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    draw: int = Field(default=0, ge=0, le=500)
    shuffle: bool = True
    time_limit_minutes: int = Field(default=0, ge=0, le=600)
    max_attempts: int = Field(default=0, ge=0, le=100)
    pass_mark: int = Field(default=50, ge=0, le=100)


class AssignIn(Schema):
    class_id: Id
    due_at: dt.datetime


class CourseOut(Schema):
    id: int
    title: str
    kind: str
    state: str
    subject: str
    grade: int | None
    school_id: int | None
    school_class_id: int | None


class CoursePage(Schema):
    items: list[CourseOut]
    next_cursor: str | None
    prev_cursor: str | None


class LessonOut(Schema):
    id: int
    title: str
    state: str
    course_id: int
    section_id: int


class GridRow(Schema):
    student_id: int | None
    name: str
    cells: list[str | None]  # per lesson: None, "started", "completed", "overdue"


class GridOut(Schema):
    lessons: list[LessonOut]
    rows: list[GridRow]


class CompetenceIn(Schema):
    """A competence of a teachers' framework (skills) a training course trains, and the level
    of that framework it aims at (optional)."""

    competence_id: Id
    level_id: Id | None = None


class TrainingEnrolIn(Schema):
    """Staff put on a training course: by staff record, or every staff member with an account
    at a school."""

    staff_ids: list[Id] = Field(default_factory=list, max_length=2000)
    school_id: Id | None = None
