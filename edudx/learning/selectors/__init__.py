"""Reads of courses, lessons, banks, progress and activity, through the caller's Scope.

Staff see the courses of the units in their scope (`learning.view`); a pupil sees only the
published lessons assigned to the class they are in now (registry, read through its selectors),
and only their own progress.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .. import gift, grading
from .. import permissions as perms
from ..filters import COURSE_SORTS, CourseFilter
from ..models import (
    Assignment,
    Attempt,
    Block,
    BlockProgress,
    Course,
    CourseKind,
    CourseState,
    Enrolment,
    Lesson,
    LessonState,
    Progress,
    Question,
    Quiz,
)

PATH = "unit_path"


def course_list(*, scope: Scope, filters: CourseFilter | None = None) -> QuerySet[Course]:
    f = filters or CourseFilter()
    qs = Course.objects.filter(scope.filter_q(perms.VIEW, PATH)).select_related("school_class", "school")
    if f.q.strip():
        qs = qs.filter(title__icontains=f.q.strip())
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.school:
        qs = qs.filter(school_id=f.school)
    return qs.order_by(*COURSE_SORTS.get(f.sort, COURSE_SORTS["new"]))


def course_get(*, scope: Scope, pk: int) -> Course:
    try:
        return course_list(scope=scope).get(pk=pk)
    except (Course.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def lesson_get(*, scope: Scope, pk: int) -> Lesson:
    """A lesson for staff who see its course."""
    try:
        return (
            Lesson.objects.filter(scope.filter_q(perms.VIEW, "course__unit_path"))
            .select_related("course", "section")
            .get(pk=pk)
        )
    except (Lesson.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def course_structure(course: Course) -> list[tuple[Any, list[Lesson]]]:
    sections = list(course.sections.prefetch_related("lessons"))
    return [(s, list(s.lessons.all())) for s in sections]


def lesson_blocks(lesson: Lesson) -> list[Block]:
    return list(lesson.blocks.select_related("quiz", "resource", "resource_version"))


def lesson_assignments(lesson: Lesson) -> list[Assignment]:
    return list(Assignment.objects.filter(lesson=lesson).order_by("due_at", "id"))


def quiz_get(*, scope: Scope, pk: int) -> Quiz:
    try:
        return (
            Quiz.objects.filter(scope.filter_q(perms.VIEW, "course__unit_path"))
            .select_related("course")
            .get(pk=pk)
        )
    except (Quiz.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def bank_for_course(*, scope: Scope, course: Course) -> QuerySet[Question]:
    """The course's own questions and the questions shared for its subject."""
    q = Q(course=course)
    if course.subject:
        q |= Q(shared=True, subject=course.subject)
    return Question.objects.filter(q).order_by("id")


def bank_shared(*, subject: str, grade: int | None = None, topic: str = "") -> QuerySet[Question]:
    qs = Question.objects.filter(shared=True, subject=subject)
    if grade is not None:
        qs = qs.filter(grade=grade)
    if topic:
        qs = qs.filter(topic=topic)
    return qs


def gift_export(questions: QuerySet[Question]) -> str:
    return gift.write([(q.kind, "", q.text, q.data) for q in questions])


# ----- pupils
def pupil_class(*, scope: Scope, user_id: int) -> tuple[int | None, int | None]:
    """(student id, class id of the active enrolment) of the pupil whose account this is;
    (None, None) when the scope sees no such pupil or they are in no class now."""
    key = ("learning.pupil_class", user_id)
    if key in scope._cache:
        cached: tuple[int | None, int | None] = scope._cache[key]
        return cached
    # One query (every learner action asks this; an exam hour asks it thousands of times a
    # minute): the pupil as the scope sees them, with their newest active enrolment's class.
    students, _order = registry.student_list(scope=scope)
    rows = list(
        students.filter(user_id=user_id, enrolments__state="active")
        .order_by("-enrolments__start_date", "-enrolments__id")
        .values_list("pk", "enrolments__school_class_id")[:1]
    )
    result: tuple[int | None, int | None] = (rows[0][0], rows[0][1]) if rows else (None, None)
    scope._cache[key] = result
    return result


@dataclass
class PupilLesson:
    lesson: Lesson
    due_at: dt.datetime
    completed: bool
    started: bool
    score: Any = None
    overdue: bool = False


def pupil_lessons(*, scope: Scope, user_id: int) -> list[PupilLesson]:
    """The published lessons assigned to the pupil's class now, due soonest first."""
    _student, class_id = pupil_class(scope=scope, user_id=user_id)
    if class_id is None:
        return []
    rows = list(
        Assignment.objects.filter(school_class_id=class_id, lesson__state=LessonState.PUBLISHED)
        .select_related("lesson__course")
        .order_by("due_at", "id")
    )
    progress = {
        p.lesson_id: p
        for p in Progress.objects.filter(user_id=user_id, lesson_id__in=[a.lesson_id for a in rows])
    }
    now = timezone.now()
    out = []
    for a in rows:
        p = progress.get(a.lesson_id)
        done = bool(p and p.completed_at)
        out.append(
            PupilLesson(
                a.lesson, a.due_at, done, p is not None, p.score if p else None, not done and a.due_at < now
            )
        )
    return out


def open_course_learner(*, course: Course, user_id: int) -> bool:
    """The person is enrolled (still active) in this open or training course, and it is running
    or archived (an archived course's learners keep their lessons; a draft shows nobody
    anything)."""
    return (
        course.kind in (CourseKind.OPEN, CourseKind.TRAINING)
        and course.state != CourseState.DRAFT
        and Enrolment.objects.filter(course=course, user_id=user_id, active=True).exists()
    )


def learner_lesson(*, scope: Scope, user_id: int, pk: int) -> Lesson:
    try:
        lesson = Lesson.objects.select_related("course").get(pk=pk, state=LessonState.PUBLISHED)
    except (Lesson.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if lesson.course.kind in (CourseKind.OPEN, CourseKind.TRAINING):
        if not open_course_learner(course=lesson.course, user_id=user_id):
            raise NotFound()
        return lesson
    if not scope.has_perm(perms.LEARN):
        raise NotFound()
    _student, class_id = pupil_class(scope=scope, user_id=user_id)
    if class_id is None or not Assignment.objects.filter(lesson=lesson, school_class_id=class_id).exists():
        raise NotFound()
    return lesson


def learner_block(*, scope: Scope, user_id: int, pk: int) -> Block:
    try:
        block = Block.objects.select_related("lesson__course", "quiz").get(pk=pk)
    except (Block.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    learner_lesson(scope=scope, user_id=user_id, pk=block.lesson_id)
    return block


def learner_blocks(*, lesson: Lesson, user_id: int) -> list[tuple[Block, BlockProgress | None]]:
    blocks = lesson_blocks(lesson)
    mine = {bp.block_id: bp for bp in BlockProgress.objects.filter(user_id=user_id, block__lesson=lesson)}
    return [(b, mine.get(b.pk)) for b in blocks]


def open_attempt(*, user_id: int, attempt_id: int) -> Attempt:
    try:
        return Attempt.objects.select_related("quiz", "block__lesson__course").get(
            pk=attempt_id, user_id=user_id
        )
    except (Attempt.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def attempt_questions(attempt: Attempt) -> list[Question]:
    from .exam import questions

    by_id = questions(attempt.question_ids)  # from the process's memory once read
    return [by_id[i] for i in attempt.question_ids if i in by_id]


def last_attempt(*, user_id: int, quiz_id: int) -> Attempt | None:
    return Attempt.objects.filter(user_id=user_id, quiz_id=quiz_id).order_by("-started_at", "-id").first()


# ----- teachers
@dataclass
class Grid:
    lessons: list[Lesson]
    rows: list[dict[str, Any]] = field(default_factory=list)


def progress_grid(*, scope: Scope, course: Course) -> Grid:
    """Pupil × lesson for a class course: the roster as it is now (transfers followed), each
    cell None (not started), "started", "completed" or "overdue"."""
    scope.require(perms.VIEW, course.unit_path)
    lessons = [lesson for _s, ls in course_structure(course) for lesson in ls]
    grid = Grid(lessons)
    if course.school_class_id is None:
        return grid
    school_class = registry.class_get(scope=scope, pk=course.school_class_id)
    roster = list(registry.class_roster(scope=scope, school_class=school_class))
    users = {e.student.user_id: e.student for e in roster if e.student.user_id}
    cells = {
        (p.user_id, p.lesson_id): p
        for p in Progress.objects.filter(lesson__in=lessons, user_id__in=list(users))
    }
    due = dict(
        Assignment.objects.filter(lesson__in=lessons, school_class_id=course.school_class_id).values_list(
            "lesson_id", "due_at"
        )
    )
    now = timezone.now()
    for e in roster:
        row: list[str | None] = []
        for lesson in lessons:
            p = cells.get((e.student.user_id, lesson.pk)) if e.student.user_id else None
            if p and p.completed_at:
                row.append("completed")
            elif lesson.pk in due and due[lesson.pk] < now:
                row.append("overdue")
            else:
                row.append("started" if p else None)
        grid.rows.append({"student_id": e.student_id, "name": e.student.full_name, "cells": row})
    return grid


def overdue(*, scope: Scope, course: Course) -> list[tuple[str, Lesson]]:
    grid = progress_grid(scope=scope, course=course)
    return [
        (r["name"], grid.lessons[i]) for r in grid.rows for i, c in enumerate(r["cells"]) if c == "overdue"
    ]


def item_statistics(*, scope: Scope, quiz: Quiz) -> list[dict[str, Any]]:
    """Per question of the quiz: attempts, difficulty (share earned) and discrimination
    (point-biserial against the attempt's score), over graded submitted attempts."""
    scope.require(perms.VIEW, quiz.course.unit_path)
    pairs: dict[str, list[tuple[float, float]]] = {}
    for scores, total in Attempt.objects.filter(
        quiz=quiz, submitted_at__isnull=False, needs_grading=False
    ).values_list("item_scores", "score")[:20_000]:
        for qid, frac in (scores or {}).items():
            if frac is not None:
                pairs.setdefault(qid, []).append((float(frac), float(total or 0)))
    out = []
    for q in Question.objects.filter(pk__in=[int(k) for k in pairs] or [0]).order_by("id"):
        p, d = grading.item_statistics(pairs[str(q.pk)])
        out.append({"question": q, "n": len(pairs[str(q.pk)]), "difficulty": p, "discrimination": d})
    return out


def submissions(*, scope: Scope, lesson: Lesson) -> QuerySet[BlockProgress]:
    scope.require(perms.AUTHOR, lesson.course.unit_path)
    return BlockProgress.objects.filter(
        block__lesson=lesson, block__kind="assignment", done=True
    ).select_related("block", "user")


def submission_get(*, scope: Scope, pk: int) -> BlockProgress:
    try:
        bp = BlockProgress.objects.select_related("block__lesson__course", "user").get(
            pk=pk, block__kind="assignment"
        )
    except (BlockProgress.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if not scope.can(perms.AUTHOR, bp.block.lesson.course.unit_path):
        raise NotFound()
    return bp


def activity(*, scope: Scope, ward_id: int | None = None) -> tuple[list[dict[str, Any]], Any]:
    """The maintained activity figures (learning/aggregates.py) of the schools in scope, summed
    per ward; with `ward_id`, that ward's schools one by one. Returns (rows, as of)."""
    from edudx.core import aggregates

    from ..aggregates import ACTIVITY

    ids = list(registry.school_ids_in_scope(scope=scope))
    figures = aggregates.read(ACTIVITY, ids)
    keys = ("courses", "assigned", "learners", "active", "completions")
    rows: dict[Any, dict[str, Any]] = {}
    for s in registry.school_summaries(ids):
        data = figures.data.get(s["id"]) or {}
        if ward_id is None:
            key, name, drill = s["area_id"], s["area"], s["area_id"]
        elif s["area_id"] == ward_id:
            key, name, drill = s["id"], s["name"], None
        else:
            continue
        row = rows.setdefault(key, {"name": name, "drill": drill, "schools": 0, **dict.fromkeys(keys, 0)})
        row["schools"] += 1
        for k in keys:
            row[k] += int(data.get(k, 0))
    return sorted(rows.values(), key=lambda r: str(r["name"])), figures.as_of
