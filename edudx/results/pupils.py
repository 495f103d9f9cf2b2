"""Reads of one school's pupils: at-risk pupils with their signals, a class's score book, a
pupil's results. Re-exported by `selectors` (the app's public room)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudx.core.db import bulk
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from . import permissions as perms
from . import signals
from .aggregates import _terms
from .models import YEAR, FollowUp, PupilTerm, Result, SubjectResult


def school_ids(scope: Scope) -> list[int]:
    key = ("results_school_ids",)
    if key not in scope._cache:  # one request's scope: its pages ask several times
        scope._cache[key] = list(registry.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    ids: list[int] = scope._cache[key]
    return ids


@dataclass(frozen=True)
class AtRisk:
    student_id: int
    name: str
    class_name: str
    learning: str
    mean: float | None
    fall: float | None
    absences: int | None
    signals: tuple[str, ...]
    notes: int


SIGNAL_LABELS = {
    "failed": gettext_lazy("At least one subject not passed"),
    "fell": gettext_lazy("Mean of averages fell by 1.0 or more since semester 1"),
    "absences": gettext_lazy("Days absent near the 45-day limit"),
    "not_passed": gettext_lazy("Learning result not passed"),
    "left": gettext_lazy("Dropped out, left school or temporarily absent (registry)"),
    "moved": gettext_lazy("Transferred out (registry)"),
}


def at_risk_pupils(
    *, scope: Scope, school_id: int, year: str | None = None, period: int | None = None
) -> tuple[list[AtRisk], str, int]:
    """The school's pupils with at least one signal, each with the signals that put them there."""
    if school_id not in school_ids(scope):
        raise NotFound(_("No such school."), code="school_not_found")
    class_ids = [
        r[0]
        for r in bulk.select_in("SELECT id FROM registry_schoolclass WHERE school_id IN ({})", [school_id])
    ]
    terms = _terms(class_ids)
    if terms.height == 0:
        return [], year or "", period or 1
    ys = sorted(terms["year"].unique().to_list(), reverse=True)
    y: str = year if year and year in ys else str(ys[0])
    terms = terms.filter(pl.col("year") == y)
    p = period if period in (1, 2, YEAR) else int(terms["period"].max() or 1)  # type: ignore[arg-type]
    flagged = signals.flag(terms).filter((pl.col("period") == p) & (pl.col("signals") != ""))
    ids = flagged["student_id"].to_list()
    names = {r["student_id"]: (r["student__full_name"], r["school_class__name"]) for r in
             PupilTerm.objects.filter(student_id__in=ids, period=p, school_id=school_id)
             .values("student_id", "student__full_name", "school_class__name")}  # fmt: skip
    notes: dict[int, int] = defaultdict(int)
    for sid in FollowUp.objects.filter(student_id__in=ids).values_list("student_id", flat=True):
        notes[sid] += 1
    out = [
        AtRisk(
            student_id=r["student_id"], name=names.get(r["student_id"], ("", ""))[0],
            class_name=names.get(r["student_id"], ("", ""))[1], learning=r["learning"] or "",
            mean=None if r["mean"] is None else r["mean"] / 10, fall=None if r["fall"] is None else r["fall"] / 10,
            absences=r["absences"], signals=tuple(r["signals"].split(",")), notes=notes[r["student_id"]],
        )
        for r in flagged.iter_rows(named=True)
    ]  # fmt: skip
    out.sort(key=lambda a: (-len(a.signals), a.class_name, a.name))
    return out, y, p


def class_get(*, scope: Scope, pk: int) -> Any:
    """The class through the registry's scoped selector (a foreign class is NotFound)."""
    return registry.class_get(scope=scope, pk=pk)


def score_book(
    *, scope: Scope, class_id: int, subject: str | None, semester: int
) -> tuple[Any, list[dict[str, Any]], list[str]]:
    """A class's score book for a subject and semester: one row per pupil, scores in points."""
    cls = class_get(scope=scope, pk=class_id)
    subjects = sorted(
        set(SubjectResult.objects.filter(school_class_id=cls.pk).values_list("subject", flat=True))
    )
    subject = subject if subject in subjects else (subjects[0] if subjects else None)
    qs = SubjectResult.objects.filter(school_class_id=cls.pk, semester=semester, subject=subject).values(
        "student_id", "student__full_name", "student__moet_code", "regular", "midterm", "final", "comment", "level",
        "average", "year_average",
    ).order_by("student__sort_name")  # fmt: skip
    rows = [{**r, "regular": [int(x) / 10 for x in r["regular"].split(",") if x] if r["regular"] else [],
             "midterm": _pt(r["midterm"]), "final": _pt(r["final"]), "average": _pt(r["average"]),
             "year_average": _pt(r["year_average"])} for r in qs]  # fmt: skip
    return cls, rows, subjects


def _pt(v: int | None) -> float | None:
    return None if v is None else v / 10


def pupil_get(*, scope: Scope, pk: int) -> Any:
    return registry.student_get(scope=scope, pk=pk)


def pupil_results(*, scope: Scope, student_id: int) -> dict[str, Any]:
    """A pupil's subjects and results per class and period, newest first, with their signals."""
    pupil = pupil_get(scope=scope, pk=student_id)
    subjects = SubjectResult.objects.filter(student_id=pupil.pk).values(
        "school_class_id", "school_class__name", "school_class__year__code", "semester", "subject", "regular",
        "midterm", "final", "comment", "level", "average", "year_average",
    ).order_by("-school_class__year__code", "semester", "subject")  # fmt: skip
    terms = list(PupilTerm.objects.filter(student_id=pupil.pk).values(
        "school_class_id", "period", "learning", "conduct", "absences", "failed", "mean", "promotion"))  # fmt: skip
    frame = pl.DataFrame(terms, schema={"school_class_id": pl.Int64, "period": pl.Int16, "learning": pl.String,
                                        "conduct": pl.String, "absences": pl.Int16, "failed": pl.Int16,
                                        "mean": pl.Int16, "promotion": pl.String})  # fmt: skip
    flagged = signals.flag(frame.with_columns(pl.lit(pupil.pk).alias("student_id"))) if terms else frame
    sig = (
        {(r["school_class_id"], r["period"]): r["signals"] for r in flagged.iter_rows(named=True)}
        if terms
        else {}
    )
    labels = dict(Result.choices)
    return {
        "pupil": pupil,
        "subjects": [
            {
                **r,
                "regular": [int(x) / 10 for x in r["regular"].split(",") if x] if r["regular"] else [],
                "midterm": _pt(r["midterm"]),
                "final": _pt(r["final"]),
                "average": _pt(r["average"]),
                "year_average": _pt(r["year_average"]),
            }
            for r in subjects
        ],  # fmt: skip
        "terms": [
            {
                **t,
                "learning_label": labels.get(t["learning"], ""),
                "conduct_label": labels.get(t["conduct"], ""),
                "mean": _pt(t["mean"]),
                "signals": [s for s in sig.get((t["school_class_id"], t["period"]), "").split(",") if s],
            }
            for t in terms
        ],  # fmt: skip
        "notes": list(
            FollowUp.objects.filter(student_id=pupil.pk).values("text", "author_label", "created_at")
        ),
    }


def classes_with_results(*, scope: Scope, school_id: int, year: str | None) -> list[dict[str, Any]]:
    """The school's classes holding results in the year: id, name, grade, subject rows."""
    if school_id not in school_ids(scope):
        raise NotFound(_("No such school."), code="school_not_found")
    from .models import ClassTerm

    qs = ClassTerm.objects.filter(school_id=school_id)
    if year:
        qs = qs.filter(school_class__year__code=year)
    out: dict[int, dict[str, Any]] = {}
    for r in qs.values("school_class_id", "school_class__name", "school_class__grade", "semester", "rows"):
        row = out.setdefault(r["school_class_id"], {"id": r["school_class_id"], "name": r["school_class__name"],
                                                    "grade": r["school_class__grade"], "rows": 0})  # fmt: skip
        row["rows"] += r["rows"]
    return sorted(out.values(), key=lambda r: (r["grade"], r["name"]))
