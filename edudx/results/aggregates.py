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

import json
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


def _empty() -> dict[str, Any]:
    return {"learning": {}, "conduct": {}, "bands": {}, "eth": {}, "promotion": {}, "risk": 0}


def compute(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    """The schools' figures: the sum of their classes' (`ClassTerm.figures`, counted by each
    write); a class noted before those existed (figures {}) is counted from its rows."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    legacy: set[int] = set()
    sql = (
        "SELECT t.school_id, y.code, t.semester, t.school_class_id, t.figures, t.year_figures "
        "FROM results_classterm t JOIN registry_schoolclass c ON c.id = t.school_class_id "
        "JOIN registry_schoolyear y ON y.id = c.year_id WHERE 1 = 1 AND t.school_class_id IN ({})"
    )
    found = []
    for school, year, semester, cid, figures, year_figures in _select(sql, _classes(keys)):
        slots = [(int(semester), _json(figures))]
        if int(semester) == 2:
            slots.append((3, _json(year_figures)))
        if not slots[0][1]:
            legacy.add(int(cid))  # every period of the class is then counted from its rows
        found.append((school, year, int(cid), slots))
    for school, year, cid, slots in found:
        if cid in legacy:
            continue
        for period, part in slots:
            if part:
                _add(out[school].setdefault(year, {}).setdefault(str(period), _empty()), part)
    # The registry's status is read now, not when the class was written: a pupil who dropped
    # out after the import is at risk at the next count (signals `left`, `moved`).
    gone = "','".join((*signals.LEFT, *signals.MOVED))
    left_sql = (
        "SELECT t.school_id, y.code, t.period, t.school_class_id, t.student_id FROM results_pupilterm t "  # noqa: S608
        "JOIN registry_student s ON s.id = t.student_id JOIN registry_schoolclass c ON c.id = t.school_class_id "
        f"JOIN registry_schoolyear y ON y.id = c.year_id WHERE s.status IN ('{gone}') "  # constants
        "AND t.school_class_id IN ({})"
    )
    for school, year, period, cid, student in _select(left_sql, _classes(keys)):
        if int(cid) not in legacy and (s := out.get(school, {}).get(year, {}).get(str(period))) is not None:
            s.setdefault("risk_ids", []).append(student)
    for years in out.values():
        for periods in years.values():
            for s in periods.values():
                s["risk"] += len(set(s.pop("risk_ids", ())))
    if legacy:
        for school, years in _from_rows(sorted(legacy)).items():
            for year, periods in years.items():
                for period, part in periods.items():
                    _add(out[school].setdefault(year, {}).setdefault(period, _empty()), part)
    # A school without results has empty figures, stored like any other: left out, it would
    # count as missing and be recounted on every read of a dashboard (core.aggregates.read).
    for school in _schools(keys):
        out.setdefault(school, {})
    return dict(out)


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return dict(json.loads(value)) if value else {}


def _add(into: dict[str, Any], part: dict[str, Any]) -> None:
    """Add one class's slot to a school's (counts nested by code; bands by position)."""
    into["risk"] += int(part.get("risk", 0))
    if part.get("risk_ids"):
        into.setdefault("risk_ids", []).extend(part["risk_ids"])
    for key in ("conduct", "promotion"):
        for code, n in part.get(key, {}).items():
            into[key][code] = into[key].get(code, 0) + n
    for key in ("learning", "eth"):
        for group, counts in part.get(key, {}).items():
            g = into[key].setdefault(group, {})
            for code, n in counts.items():
                g[code] = g.get(code, 0) + n
    for subject, bands in part.get("bands", {}).items():
        mine = into["bands"].setdefault(subject, [0, 0, 0, 0, 0])
        for i, n in enumerate(bands):
            mine[i] += n


_BAND_EDGES = (35, 50, 65, 80)


def class_slots(
    rows: pl.DataFrame,
    avg: str,
    terms: pl.DataFrame,
    people: pl.DataFrame,
    earlier: pl.DataFrame | None = None,
) -> dict[int, dict[str, Any]]:
    """One period's figures per class, from what a write has in memory: `rows` (school_class_id,
    subject, `avg`, grade), `terms` (the pupils' results of the period: student_id,
    school_class_id, period, learning, conduct, absences, failed, mean[, promotion]), `people`
    (student_id, ethnicity), `earlier` (semester 1's terms, for the fall of semester 2). The same
    counts `_from_rows` makes, per class, but the pupils at risk are kept as `risk_ids` (those the
    results flag): `compute` adds the pupils the registry says left or moved, read at the count."""
    out: dict[int, dict[str, Any]] = defaultdict(_empty)
    band = pl.lit(0)
    for i, edge in enumerate(_BAND_EDGES, start=1):
        band = pl.when(pl.col(avg) >= edge).then(pl.lit(i)).otherwise(band)
    if "n" in rows.columns:  # counted by the database already: school_class_id, subject, b, n
        counted = rows.filter(pl.col("b").is_not_null()).select("school_class_id", "subject", "b", "n")
    else:
        counted = (
            rows.filter(pl.col(avg).is_not_null())
            .group_by("school_class_id", "subject", band.alias("b"))
            .len()
        )
    for cid, subject, b, n in counted.iter_rows():
        out[cid]["bands"].setdefault(subject, [0, 0, 0, 0, 0])[b] += n
    if terms.height == 0:
        return dict(out)
    grades = rows.select("school_class_id", "grade").unique("school_class_id")
    full = terms.join(grades, on="school_class_id", how="left").join(people, on="student_id", how="left")
    if "promotion" not in full.columns:
        full = full.with_columns(pl.lit("").alias("promotion"))
    cols = ["school_class_id", "grade", "learning", "conduct", "ethnicity", "promotion"]
    for cid, grade, learning, conduct, eth, promo, n in full.group_by(cols).len().iter_rows():
        s = out[cid]
        g = s["learning"].setdefault(str(grade), {})
        g[learning] = g.get(learning, 0) + n
        if conduct:
            s["conduct"][conduct] = s["conduct"].get(conduct, 0) + n
        e = s["eth"].setdefault(eth or "", {})
        e[learning] = e.get(learning, 0) + n
        if promo:
            s["promotion"][promo] = s["promotion"].get(promo, 0) + n
    flagged = full
    if earlier is not None and earlier.height:
        flagged = pl.concat(
            [full, earlier.with_columns(pl.lit(1, pl.Int16).alias("period"))], how="diagonal_relaxed"
        )
    period = full["period"][0]
    flagged = signals.flag(flagged.drop("status", strict=False)).filter(
        (pl.col("period") == period) & (pl.col("signals") != "")
    )
    for cid, ids in flagged.group_by("school_class_id").agg(pl.col("student_id").sort()).iter_rows():
        out[cid]["risk_ids"] = ids
    return dict(out)


def _from_rows(classes: list[int] | None) -> dict[int, dict[str, Any]]:
    """The figures counted from the subject rows and pupils' results (the classes noted before
    ClassTerm held their figures)."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)

    def slot(school: int, year: str, period: int) -> dict[str, Any]:
        y = out[school].setdefault(year, {})
        return y.setdefault(str(period), _empty())

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
