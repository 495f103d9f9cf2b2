"""Learning activity per school, maintained (edudx/core/aggregates.py): the school's and the
department's dashboard sum these instead of counting progress rows per view. Triggers on the
course and progress tables note the school whose figures changed; a sweep recounts it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from edudx.core import aggregates

ACTIVITY = "learning.activity"
ACTIVE_DAYS = 30


def compute(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    from .models import Assignment, Course, Progress

    courses = Course.objects.filter(school__isnull=False)
    if keys is not None:
        courses = courses.filter(school_id__in=keys)
    out: dict[int, dict[str, Any]] = {}
    for sid, n in courses.values("school_id").annotate(n=Count("id")).values_list("school_id", "n"):
        out[sid] = {"courses": n, "assigned": 0, "learners": 0, "active": 0, "completions": 0}
    since = timezone.now() - dt.timedelta(days=ACTIVE_DAYS)
    school = "lesson__course__school_id"
    prog = Progress.objects.filter(**{f"{school}__in": list(out)})
    for row in prog.values(school).annotate(
        learners=Count("user_id", distinct=True),
        active=Count("user_id", distinct=True, filter=Q(started_at__gte=since)),
        completions=Count("id", filter=Q(completed_at__isnull=False)),
    ):
        out[row[school]].update(
            learners=row["learners"], active=row["active"], completions=row["completions"]
        )
    for sid, n in (
        Assignment.objects.filter(**{f"{school}__in": list(out)})
        .values(school)
        .annotate(n=Count("id"))
        .values_list(school, "n")
    ):
        out[sid]["assigned"] = n
    for sid in keys or ():
        out.setdefault(sid, {"courses": 0, "assigned": 0, "learners": 0, "active": 0, "completions": 0})
    return out


_SCHOOL_OF_LESSON = "(SELECT c.school_id FROM learning_lesson l JOIN learning_course c ON c.id = l.course_id WHERE l.id = {row}.lesson_id)"

aggregates.register(
    ACTIVITY,
    compute,
    sources=[
        aggregates.Source("learning_course", "{row}.school_id"),
        aggregates.Source("learning_progress", _SCHOOL_OF_LESSON),
        aggregates.Source("learning_assignment", _SCHOOL_OF_LESSON),
    ],
)
