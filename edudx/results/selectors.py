"""Reads of learning results, each through the caller's Scope (a foreign id is NotFound).

For other apps (role dashboards): `outcome_summary` (a school's, a ward's or the city's figures
as an `OutcomeSummary`), `comparison` (a principal's school against its ward and the city),
`at_risk_counts` (pupils at risk per school or per ward). They read the maintained figures of
`aggregates.OUTCOMES` (a minute old at most), never the 50 M subject rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudx.core import aggregates
from edudx.core.db import bulk
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from . import permissions as perms
from . import signals
from .aggregates import OUTCOMES, _terms
from .models import YEAR, FollowUp, PupilTerm, Result, SubjectResult

BANDS = ("0–<3,5", "3,5–<5", "5–<6,5", "6,5–<8", "8–10")
SUPPRESS_BELOW = 10  # equity views: no count of pupils under this is shown
Group = Literal["ward", "school", "ownership", "grade", "subject", "ethnicity"]


@dataclass
class OutcomeSummary:
    """Outcome figures of a set of schools for one school year and period (1, 2 or 3 = year).

    learning: result code → pupils (Tốt T, Khá K, Đạt D, Chưa đạt C; primary G, H, N);
    bands: subject → pupils per score band (BANDS); at_risk: pupils with an early-warning signal."""

    label: str
    year: str
    period: int
    schools: int = 0
    pupils: int = 0
    learning: dict[str, int] = field(default_factory=dict)
    conduct: dict[str, int] = field(default_factory=dict)
    promotion: dict[str, int] = field(default_factory=dict)
    bands: dict[str, list[int]] = field(default_factory=dict)
    at_risk: int = 0
    as_of: dt.datetime | None = None

    @property
    def passed_share(self) -> float | None:
        """Share (%) of pupils whose learning result is Đạt or better (Hoàn thành or better)."""
        if not self.pupils:
            return None
        ok = sum(n for c, n in self.learning.items() if c not in ("C", "N", ""))
        return round(100 * ok / self.pupils, 1)


def _school_ids(scope: Scope) -> list[int]:
    key = ("results_school_ids",)
    if key not in scope._cache:  # one request's scope: its pages ask several times
        scope._cache[key] = list(registry.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    ids: list[int] = scope._cache[key]
    return ids


def _figures(ids: list[int] | None, scope: Scope | None = None) -> aggregates.Figures:
    if scope is None:
        return aggregates.read(OUTCOMES, ids)
    key = ("results_figures", None if ids is None else hash(tuple(ids)))
    if key not in scope._cache:
        scope._cache[key] = aggregates.read(OUTCOMES, ids)
    figures: aggregates.Figures = scope._cache[key]
    return figures


def _totals(label: str, ids: list[int], year: str, period: int) -> OutcomeSummary:
    """Summed figures of many schools (a ward, the city), kept in the shared cache until the
    aggregate's next sweep: a principal's page reads their school's figures, not the city's."""
    from django.core.cache import caches

    as_of = aggregates.read(OUTCOMES, ids[:1]).as_of
    stamp = as_of.timestamp() if as_of else 0
    key = f"results:totals:{year}:{period}:{stamp}:{len(ids)}:{sum(ids) % 1_000_003}"
    cached = caches["shared"].get(key)
    if isinstance(cached, OutcomeSummary):
        cached.label = label
        return cached
    figures = aggregates.read(OUTCOMES, ids)
    out = _sum(label, figures.data, ids, year, period, as_of=figures.as_of)
    caches["shared"].set(key, out, timeout=max(60, aggregates.max_age() * 2))
    return out


def years(*, scope: Scope) -> list[str]:
    """School years holding results in the scope, newest first."""
    data = _figures(_school_ids(scope), scope).data
    return sorted({y for d in data.values() for y in d}, reverse=True)


def _default(data: dict[int, dict[str, Any]], year: str | None, period: int | None) -> tuple[str, int]:
    ys = sorted({y for d in data.values() for y in d}, reverse=True)
    y = year if year in ys else (ys[0] if ys else "")
    if period in (1, 2, YEAR):
        return y, int(period or 1)
    periods = {int(p) for d in data.values() for p in d.get(y, {})}
    return y, max(periods) if periods else 1


def _sum(label: str, data: dict[int, dict[str, Any]], ids: list[int], year: str, period: int,
         grade: int | None = None, subject: str | None = None, as_of: dt.datetime | None = None) -> OutcomeSummary:  # fmt: skip
    out = OutcomeSummary(label=label, year=year, period=period, as_of=as_of)
    for sid in ids:
        slot = data.get(sid, {}).get(year, {}).get(str(period))
        if not slot:
            continue
        out.schools += 1
        for g, counts in slot["learning"].items():
            if grade is not None and int(g) != grade:
                continue
            for code, n in counts.items():
                out.learning[code] = out.learning.get(code, 0) + n
                out.pupils += n
        for key in ("conduct", "promotion"):
            target = getattr(out, key)
            for code, n in slot[key].items():
                target[code] = target.get(code, 0) + n
        for subj, counts in slot["bands"].items():
            if subject and subj != subject:
                continue
            acc = out.bands.setdefault(subj, [0, 0, 0, 0, 0])
            for i, n in enumerate(counts):
                acc[i] += n
        out.at_risk += int(slot.get("risk", 0))
    return out


def outcome_summary(
    *, scope: Scope, school_id: int | None = None, unit_id: int | None = None, year: str | None = None,
    period: int | None = None, grade: int | None = None, subject: str | None = None,
) -> OutcomeSummary:  # fmt: skip
    """The figures of one school, of one unit (ward) or of everything in the scope."""
    ids = _school_ids(scope)
    label = _("All schools in your scope")
    if school_id is not None:
        if school_id not in ids:
            raise NotFound(_("No such school."), code="school_not_found")
        ids, label = [school_id], registry.school_names(pks=[school_id]).get(school_id, "")
    elif unit_id is not None:
        rows = [s for s in registry.school_summaries(ids) if s["area_id"] == unit_id]
        if not rows:
            raise NotFound(_("No such unit."), code="unit_not_found")
        ids, label = [s["id"] for s in rows], rows[0]["area"] or ""
    figures = _figures(ids, scope)
    y, p = _default(figures.data, year, period)
    return _sum(label, figures.data, ids, y, p, grade, subject, figures.as_of)


def comparison(
    *, scope: Scope, school_id: int, year: str | None = None, period: int | None = None
) -> list[OutcomeSummary]:
    """A school against its ward and the city — counts only, so a principal reads the ward's and
    the city's totals although their scope holds only their school."""
    if school_id not in _school_ids(scope):
        raise NotFound(_("No such school."), code="school_not_found")
    everything = registry.school_summaries(list(registry.school_ids_in_scope(scope=Scope.system())))
    mine = next(s for s in everything if s["id"] == school_id)
    ward = [s["id"] for s in everything if s["area_id"] == mine["area_id"]]
    city = [s["id"] for s in everything]
    figures = _figures([school_id])
    y, p = _default(figures.data, year, period)
    return [
        _sum(mine["name"], figures.data, [school_id], y, p, as_of=figures.as_of),
        _totals(mine["area"] or _("Ward"), ward, y, p),
        _totals(_("City"), city, y, p),
    ]


def breakdown(
    *, scope: Scope, by: Group, year: str | None = None, period: int | None = None
) -> tuple[list[dict[str, Any]], str, int]:
    """Rows of {key, label, pupils, learning{code: n}, passed_share} per ward, school, ownership
    (school type), grade, subject (bands) or ethnicity; counts under SUPPRESS_BELOW are None."""
    ids = _school_ids(scope)
    figures = _figures(ids, scope)
    y, p = _default(figures.data, year, period)
    schools = {s["id"]: s for s in registry.school_summaries(ids)}
    acc: dict[Any, dict[str, int]] = defaultdict(dict)
    labels: dict[Any, str] = {}
    for sid in ids:
        slot = figures.data.get(sid, {}).get(y, {}).get(str(p))
        if not slot:
            continue
        s = schools.get(sid, {})
        if by == "subject":
            for subj, bands in slot["bands"].items():
                per = acc[subj]
                for i, n in enumerate(bands):
                    per[BANDS[i]] = per.get(BANDS[i], 0) + n
                labels[subj] = subj
            continue
        if by == "ethnicity":
            groups = slot["eth"].items()
        elif by == "grade":
            groups = slot["learning"].items()
        else:
            merged: dict[str, int] = defaultdict(int)
            for counts in slot["learning"].values():
                for c, n in counts.items():
                    merged[c] += n
            key = {"ward": s.get("area_id"), "school": sid, "ownership": s.get("ownership")}[by]
            labels[key] = {"ward": s.get("area"), "school": s.get("name"), "ownership": s.get("ownership")}[
                by
            ] or ""
            groups = [(key, merged)]
        for key, counts in groups:
            labels.setdefault(key, str(key))
            per = acc[key]
            for c, n in counts.items():
                per[c] = per.get(c, 0) + n
    rows = []
    for key, counts in acc.items():
        pupils = sum(counts.values())
        ok = sum(n for c, n in counts.items() if c not in ("C", "N", ""))
        row: dict[str, Any] = {
            "key": key,
            "label": labels.get(key, str(key)),
            "pupils": pupils,
            "counts": dict(counts),
        }
        row["passed_share"] = round(100 * ok / pupils, 1) if pupils and by != "subject" else None
        if by == "ethnicity":
            row = _suppressed(row)
        rows.append(row)
    rows.sort(key=lambda r: str(r["label"]))
    return rows, y, p


def _suppressed(row: dict[str, Any]) -> dict[str, Any]:
    """Counts of pupils under SUPPRESS_BELOW become None; a share is kept only when no count of
    the row is hidden (a share and a total would give the hidden count back)."""
    hidden = row["pupils"] < SUPPRESS_BELOW or any(0 < n < SUPPRESS_BELOW for n in row["counts"].values())
    counts = {
        c: (None if 0 < n < SUPPRESS_BELOW or row["pupils"] < SUPPRESS_BELOW else n)
        for c, n in row["counts"].items()
    }
    return {**row, "pupils": None if row["pupils"] < SUPPRESS_BELOW else row["pupils"], "counts": counts,
            "passed_share": None if hidden else row["passed_share"]}  # fmt: skip


def at_risk_counts(*, scope: Scope, by: Literal["school", "ward"] = "school", year: str | None = None,
                   period: int | None = None) -> dict[int, int]:  # fmt: skip
    """Pupils at risk per school id (or per ward unit id) in the scope, for the year and period."""
    ids = _school_ids(scope)
    figures = _figures(ids)
    y, p = _default(figures.data, year, period)
    area = {s["id"]: s["area_id"] for s in registry.school_summaries(ids)} if by == "ward" else {}
    out: dict[int, int] = defaultdict(int)
    for sid in ids:
        n = int(figures.data.get(sid, {}).get(y, {}).get(str(p), {}).get("risk", 0))
        key = area.get(sid) if by == "ward" else sid
        if key is not None:
            out[key] += n
    return dict(out)


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
}


def at_risk_pupils(
    *, scope: Scope, school_id: int, year: str | None = None, period: int | None = None
) -> tuple[list[AtRisk], str, int]:
    """The school's pupils with at least one signal, each with the signals that put them there."""
    if school_id not in _school_ids(scope):
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
    if school_id not in _school_ids(scope):
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
