"""Learning indicators offered to the monitoring module as automatic evidence (4725, teaching
and learning: I.3 an LMS in use for lessons that continue outside the classroom; I.4 teachers
making digital lessons)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.indicators import indicator
from edudx.registry import selectors as registry

from .models import Assignment, Course, CourseKind, Progress

FRESHNESS = _("Live: computed from the courses and lessons in edudx at the time of viewing.")
ACTIVE_DAYS = 30


@indicator(
    code="learning.blended_class_share",
    name=_("Share of classes with a blended course"),
    unit="percent",
    formula=_("Classes of the current year with at least one lesson assigned ÷ classes × 100"),
    freshness=FRESHNESS,
    criteria=("4725:I.3",),
)
def blended_class_share(school_ids):
    ids = list(school_ids)
    classes = {sid: sum(by_grade.values()) for sid, by_grade in registry.class_counts_by_grade(ids).items()}
    with_lessons = dict(
        Assignment.objects.filter(lesson__course__school_id__in=ids)
        .values("lesson__course__school_id")
        .annotate(n=Count("school_class_id", distinct=True))
        .values_list("lesson__course__school_id", "n")
    )
    return {
        sid: (round(with_lessons.get(sid, 0) * 100 / classes[sid], 1) if classes.get(sid) else None)
        for sid in ids
    }


@indicator(
    code="learning.active_pupil_share",
    name=_("Share of pupils active in lessons (30 days)"),
    unit="percent",
    formula=_("Pupils who opened a lesson in the last 30 days ÷ pupils studying × 100"),
    freshness=FRESHNESS,
    criteria=("4725:I.3",),
)
def active_pupil_share(school_ids):
    ids = list(school_ids)
    pupils = registry.active_student_counts(ids)
    since = timezone.now() - dt.timedelta(days=ACTIVE_DAYS)
    active = dict(
        Progress.objects.filter(
            lesson__course__school_id__in=ids, started_at__gte=since, student_id__isnull=False
        )
        .values("lesson__course__school_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("lesson__course__school_id", "n")
    )
    return {
        sid: (round(active.get(sid, 0) * 100 / pupils[sid], 1) if pupils.get(sid) else None) for sid in ids
    }


@indicator(
    code="learning.course_authors",
    name=_("Teachers who author courses"),
    unit="count",
    formula=_("Distinct authors of the school's class courses"),
    freshness=FRESHNESS,
    criteria=("4725:I.4",),
)
def course_authors(school_ids):
    ids = list(school_ids)
    rows = dict(
        Course.objects.filter(school_id__in=ids, kind=CourseKind.CLASS, created_by__isnull=False)
        .values("school_id")
        .annotate(n=Count("created_by_id", distinct=True))
        .values_list("school_id", "n")
    )
    return {sid: rows.get(sid, 0) for sid in ids}
