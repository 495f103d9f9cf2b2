"""Counts per school for the maintained aggregates (edudx/core/aggregates.py): the home page's
figures (`web.home`) and the identity dashboard's people per school (`identity.status`). Callers
pass school ids; the aggregates sum the schools of a reader's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from ..models import Enrolment, School, SchoolClass, SchoolYear, Staff, Student


def figures_per_school(school_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """The home page's counts per school (all schools when None), in one GROUP BY per figure:
    the maintained aggregate `web.home` (edudx/web/aggregates.py) stores them; home sums the
    schools of a scope instead of counting millions of pupils per view."""
    schools = School.objects.all() if school_ids is None else School.objects.filter(pk__in=school_ids)
    out: dict[int, dict[str, Any]] = {
        sid: {
            "level": level,
            "students": 0,
            "staff": 0,
            "classes": 0,
            "grade": {},
            "gender": {},
            "status": {},
        }
        for sid, level in schools.values_list("id", "level")
    }
    ids = list(out)
    students = Student.objects.filter(school_id__in=ids)
    for field in ("gender", "status"):
        for sid, value, n in students.values_list("school_id", field).annotate(n=Count("id")).order_by():
            out[sid][field][str(value)] = n
            if field == "gender":
                out[sid]["students"] += n
    for sid, n in (
        Staff.objects.filter(school_id__in=ids).values_list("school_id").annotate(n=Count("id")).order_by()
    ):
        out[sid]["staff"] = n
    year = SchoolYear.objects.filter(is_current=True).first()
    if year:
        classes = SchoolClass.objects.filter(school_id__in=ids, year=year)
        for sid, n in classes.values_list("school_id").annotate(n=Count("id")).order_by():
            out[sid]["classes"] = n
        enrolments = Enrolment.objects.filter(school_id__in=ids, year=year, state=Enrolment.State.ACTIVE)
        for sid, grade, n in (
            enrolments.values_list("school_id", "school_class__grade").annotate(n=Count("id")).order_by()
        ):
            out[sid]["grade"][str(grade)] = n
    return out


def people_schools(kind: str) -> QuerySet[Any]:
    """(pk, school_id) of every pupil (`kind` "student") or staff member ("staff"), for another
    app's per-school counts over its own rows that name a person (a subquery, never a list)."""
    model = Student if kind == "student" else Staff
    return model.objects.values("pk", "school_id")


def people_counts(kind: str, school_ids: list[int] | None) -> dict[int, int]:
    """People of `kind` per school (all schools when None), one GROUP BY."""
    model = Student if kind == "student" else Staff
    qs = model.objects.filter(school__isnull=False)
    if school_ids is not None:
        qs = qs.filter(school_id__in=school_ids)
    return dict(qs.values_list("school_id").annotate(n=Count("id")).order_by())
