"""Reads of training courses: the lessons a staff member was put on, the competences a course
trains (and the teachers' competences an author may choose, read through skills.selectors)."""

from __future__ import annotations

from typing import Any

from ..models import Course, CourseKind, CourseState, Enrolment, Lesson, LessonState, Progress
from ..models.training import CourseCompetence


def training_lessons(*, user_id: int) -> list[tuple[Lesson, Progress | None]]:
    """Published lessons of the running (or archived) training courses the person is enrolled in."""
    course_ids = (
        Enrolment.objects.filter(user_id=user_id, active=True, course__kind=CourseKind.TRAINING)
        .exclude(course__state=CourseState.DRAFT)
        .values_list("course_id", flat=True)
    )
    lessons = list(
        Lesson.objects.filter(course_id__in=list(course_ids), state=LessonState.PUBLISHED)
        .select_related("course")
        .order_by("course_id", "position", "id")[:500]
    )
    progress = {p.lesson_id: p for p in Progress.objects.filter(user_id=user_id, lesson__in=lessons)}
    return [(lesson, progress.get(lesson.pk)) for lesson in lessons]


def course_competences(course: Course) -> list[CourseCompetence]:
    return list(course.competences.select_related("competence", "level"))


def competence_choices() -> list[tuple[Any, list[Any]]]:
    """The teachers' competences in force, each with its framework's levels (for the form)."""
    from edudx.skills import selectors as skills

    comps = list(skills.staff_competences().select_related("framework").prefetch_related("framework__levels"))
    return [(c, list(c.framework.levels.all())) for c in comps]
