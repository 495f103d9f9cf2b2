"""Outcome figures per school, maintained (edudx/core/aggregates.py): dashboards of the
department, a ward and a principal sum these instead of reading 50 million subject rows.

A school's figures: {year: {period: {...}}} with period "1", "2" and "3" (the year):
  learning  {grade: {result code: pupils}}     conduct  {result code: pupils}
  bands     {subject: [<3.5, 3.5–<5, 5–<6.5, 6.5–<8, 8–10]}  (semester or year averages)
  eth       {ethnicity code: {result code: pupils}}           promotion {code: pupils}
  risk      pupils with at least one early-warning signal (signals.py)
The source is `results_classterm` (one row per class × semester an import writes), so a
committed import is counted within a minute without a trigger on the 50 M-row table.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from edudx.core import aggregates
from edudx.core.db import bulk

from . import signals

OUTCOMES = "results.outcomes"
BAND_SQL = (
    "CASE WHEN {a} < 35 THEN 0 WHEN {a} < 50 THEN 1 WHEN {a} < 65 THEN 2 WHEN {a} < 80 THEN 3 ELSE 4 END"
)


def _classes(keys: list[int] | None) -> list[int] | None:
    if keys is None:
        return None
    return [r[0] for r in bulk.select_in("SELECT id FROM registry_schoolclass WHERE school_id IN ({})", keys)]


def _select(sql: str, classes: list[int] | None) -> list[tuple[Any, ...]]:
    if classes is None:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                sql.replace(" AND r.school_class_id IN ({})", "").replace(
                    " AND t.school_class_id IN ({})", ""
                )
            )
            return list(cur.fetchall())
    if not classes:
        return []
    return bulk.select_in(sql, classes)


def compute(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    classes = _classes(keys)
    out: dict[int, dict[str, Any]] = defaultdict(dict)

    def slot(school: int, year: str, period: int) -> dict[str, Any]:
        y = out[school].setdefault(year, {})
        return y.setdefault(str(period), {"learning": {}, "conduct": {}, "bands": {}, "eth": {}, "promotion": {}, "risk": 0})  # fmt: skip

    for avg, period_sql in (("r.average", "r.semester"), ("r.year_average", "3")):
        sql = (
            f"SELECT r.school_id, y.code, {period_sql}, r.subject, {BAND_SQL.format(a=avg)}, COUNT(*) "  # noqa: S608
            "FROM results_subjectresult r JOIN registry_schoolclass c ON c.id = r.school_class_id "
            f"JOIN registry_schoolyear y ON y.id = c.year_id WHERE {avg} IS NOT NULL AND r.school_class_id IN ({{}}) "
            f"GROUP BY r.school_id, y.code, {period_sql}, r.subject, 5"
        )
        for school, year, period, subject, band, n in _select(sql, classes):
            bands = slot(school, year, int(period))["bands"].setdefault(subject, [0, 0, 0, 0, 0])
            bands[int(band)] += int(n)
    terms = _terms(classes)
    for (school, year, period, grade, learning, conduct, eth, promo), n in _counts(terms).items():
        s = slot(school, year, period)
        g = s["learning"].setdefault(str(grade), {})
        g[learning] = g.get(learning, 0) + n
        if conduct:
            s["conduct"][conduct] = s["conduct"].get(conduct, 0) + n
        e = s["eth"].setdefault(eth or "", {})
        e[learning] = e.get(learning, 0) + n
        if promo:
            s["promotion"][promo] = s["promotion"].get(promo, 0) + n
    if terms.height:
        flagged = signals.flag(terms)
        for (school, year, period), part in flagged.filter(pl.col("signals") != "").group_by(
            ["school_id", "year", "period"]
        ):
            slot(int(str(school)), str(year), int(str(period)))["risk"] = part.height
    # A school without results has empty figures, stored like any other: left out, it would
    # count as missing and be recounted on every read of a dashboard (core.aggregates.read).
    for school in _schools(keys):
        out.setdefault(school, {})
    return dict(out)


def _schools(keys: list[int] | None) -> list[int]:
    if keys is None:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT id FROM registry_school")
            return [r[0] for r in cur.fetchall()]
    return [r[0] for r in bulk.select_in("SELECT id FROM registry_school WHERE id IN ({})", keys)]


_TERM_SCHEMA = {
    "student_id": pl.Int64, "school_id": pl.Int64, "school_class_id": pl.Int64, "year": pl.String, "grade": pl.Int16,
    "period": pl.Int16, "learning": pl.String, "conduct": pl.String, "absences": pl.Int16, "failed": pl.Int16,
    "mean": pl.Int16, "promotion": pl.String, "ethnicity": pl.String, "status": pl.String,
}  # fmt: skip


def _terms(classes: list[int] | None) -> pl.DataFrame:
    sql = (
        "SELECT t.student_id, t.school_id, t.school_class_id, y.code, c.grade, t.period, t.learning, t.conduct, "
        "t.absences, t.failed, t.mean, t.promotion, s.ethnicity, s.status FROM results_pupilterm t "
        "JOIN registry_schoolclass c ON c.id = t.school_class_id JOIN registry_schoolyear y ON y.id = c.year_id "
        "JOIN registry_student s ON s.id = t.student_id WHERE 1 = 1 AND t.school_class_id IN ({})"
    )
    return pl.DataFrame(_select(sql, classes), schema=_TERM_SCHEMA, orient="row")


def _counts(terms: pl.DataFrame) -> dict[tuple[Any, ...], int]:
    if terms.height == 0:
        return {}
    cols = ["school_id", "year", "period", "grade", "learning", "conduct", "ethnicity", "promotion"]
    grouped = terms.group_by(cols).len()
    return {tuple(r[:-1]): int(r[-1]) for r in grouped.iter_rows()}


aggregates.register(OUTCOMES, compute, sources=[aggregates.Source("results_classterm", "{row}.school_id")])
