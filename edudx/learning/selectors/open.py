"""Reads for open courses and learners' own records: the catalogue of published open courses
(anyone may read it), one course as a learner sees it, and a person's record (courses,
lessons completed, certificates) — only ever their own: every function takes the user id of
the person signed in, never one from the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from edudx.core.errors import NotFound

from ..models import Course, CourseKind, CourseState, Enrolment, Lesson, LessonState, Progress


def open_course_list() -> QuerySet[Course]:
    """Published open courses, with their active learners (for "places left")."""
    return (
        Course.objects.filter(kind=CourseKind.OPEN, state=CourseState.PUBLISHED)
        .annotate(learners=Count("enrolments", filter=Q(enrolments__active=True)))
        .order_by("-created_at", "-id")
    )


def open_course_get(pk: Any) -> Course:
    """A published (or archived, for its learners' records) open course; anything else is 404."""
    try:
        return (
            Course.objects.annotate(learners=Count("enrolments", filter=Q(enrolments__active=True)))
            .filter(kind=CourseKind.OPEN)
            .exclude(state=CourseState.DRAFT)
            .get(pk=pk)
        )
    except (Course.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def open_course_lessons(*, course: Course, user_id: int | None) -> list[tuple[Lesson, Progress | None]]:
    lessons = list(
        Lesson.objects.filter(course=course, state=LessonState.PUBLISHED).order_by("position", "id")
    )
    mine = (
        {p.lesson_id: p for p in Progress.objects.filter(user_id=user_id, lesson__in=lessons)}
        if user_id
        else {}
    )
    return [(lesson, mine.get(lesson.pk)) for lesson in lessons]


def is_enrolled(*, course: Course, user_id: int | None) -> bool:
    if not user_id:
        return False
    return Enrolment.objects.filter(course=course, user_id=user_id, active=True).exists()


@dataclass
class RecordRow:
    course: Course
    enrolled_at: Any
    lessons: int
    completed: int
    score: Any = None
    completed_at: Any = None
    certificate: Any = None


@dataclass
class LearnerRecord:
    user_id: int
    rows: list[RecordRow] = field(default_factory=list)
    generated_at: Any = None


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None


def learner_record(*, user_id: int) -> LearnerRecord:
    """The person's own record: each course they are enrolled in (or did lessons of), the
    lessons published and completed, the average score of completed lessons and their
    certificate, if any."""
    from ..models import Certificate

    courses = {
        e.course_id: (e.course, e.enrolled_at)
        for e in Enrolment.objects.filter(user_id=user_id).select_related("course")
    }
    for p in Progress.objects.filter(user_id=user_id).select_related("lesson__course"):
        courses.setdefault(p.lesson.course_id, (p.lesson.course, p.started_at))
    published = dict(
        Lesson.objects.filter(course_id__in=list(courses), state=LessonState.PUBLISHED)
        .values("course_id")
        .annotate(n=Count("id"))
        .values_list("course_id", "n")
    )
    done: dict[int, list[Progress]] = {}
    for p in Progress.objects.filter(
        user_id=user_id, completed_at__isnull=False, lesson__course_id__in=list(courses)
    ).select_related("lesson"):
        done.setdefault(p.lesson.course_id, []).append(p)
    certs = {c.course_id: c for c in Certificate.objects.filter(user_id=user_id, revoked_at__isnull=True)}
    record = LearnerRecord(user_id=user_id, generated_at=timezone.now())
    for cid, (course, enrolled_at) in sorted(courses.items(), key=lambda kv: kv[1][1], reverse=True):
        finished = done.get(cid, [])
        scores = [p.score for p in finished if p.score is not None]
        record.rows.append(
            RecordRow(
                course=course,
                enrolled_at=enrolled_at,
                lessons=published.get(cid, 0),
                completed=len(finished),
                score=_mean(scores),
                completed_at=max((p.completed_at for p in finished if p.completed_at), default=None),
                certificate=certs.get(cid),
            )
        )
    return record


def certificate_by_number(number: str) -> Any:
    """A certificate by its public number (what the QR code carries); 404 for anything else."""
    from ..models import Certificate

    if not number or len(number) > 32 or not number.isalnum():
        raise NotFound()
    cert = Certificate.objects.select_related("course").filter(number=number.upper()).first()
    if cert is None:
        raise NotFound()
    return cert
