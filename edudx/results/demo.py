"""Demo results: semester 1 for the pupils of up to a dozen secondary schools' current classes,
semester 2 for every other one of them (so the year's results, promotion and falling averages
show), written through services.results_write like an import. Scores are drawn around a level
per pupil; a few pupils fall by more than a point, miss many days or fail a comment subject."""

from __future__ import annotations

from typing import Any

import polars as pl

from edudx.core.db import bulk
from edudx.core.demo import DemoContext

from . import rules as R
from . import services

ORDER = 90  # after the registry's city
SCHOOLS = 12
SCORED = {
    "toan": 4,
    "ngu_van": 4,
    "ngoai_ngu": 4,
    "gdcd": 2,
    "ls_dl": 4,
    "khtn": 4,
    "cong_nghe": 2,
    "tin_hoc": 2,
}
SCORED_THPT = {
    "toan": 3,
    "ngu_van": 3,
    "ngoai_ngu": 3,
    "lich_su": 2,
    "gdqp": 2,
    "vat_li": 3,
    "hoa_hoc": 3,
    "dia_li": 3,
}
COMMENTED = ("gdtc", "hdtn", "dia_phuong")


def _pupils(ctx: DemoContext) -> list[tuple[int, int, int, int]]:
    year = ctx.data.get("current_year")
    schools = ctx.data.get("schools") or []
    if not year or not schools:
        return []
    rows = bulk.select_in(
        "SELECT c.school_id, c.id, c.grade, e.student_id FROM registry_schoolclass c "
        "JOIN registry_enrolment e ON e.school_class_id = c.id AND e.state = 'active' "
        "WHERE c.school_id IN ({}) AND c.year_id = %s AND c.grade >= 6 ORDER BY c.school_id, c.id, e.student_id",
        schools,
        params=[year],
    )
    keep = sorted({r[0] for r in rows})[:SCHOOLS]
    return [r for r in rows if r[0] in keep]


def build(ctx: DemoContext) -> None:
    pupils = _pupils(ctx)
    if not pupils:
        ctx.log("results: no secondary classes in the current year, nothing to build")
        return
    rng, params = ctx.rng, R.DEFAULT_PARAMS
    sem1: list[dict[str, Any]] = []
    sem2: list[dict[str, Any]] = []
    schools = sorted({p[0] for p in pupils})
    second = set(schools[::2])
    for school, cls, grade, student in pupils:
        level = rng.gauss(6.8, 1.4)
        fall = 1.6 if rng.random() < 0.05 else rng.uniform(-0.5, 0.5)
        scored = SCORED if grade <= 9 else SCORED_THPT
        for semester, rows, shift in ((1, sem1, 0.0), (2, sem2, fall)):
            if semester == 2 and school not in second:
                continue
            for subj, tx in scored.items():
                s = [_score(rng, level - shift) for _ in range(tx + 2)]
                rows.append({"student_id": student, "school_class_id": cls, "school_id": school, "semester": semester,
                             "subject": subj, "regular": ",".join(str(x) for x in s[:tx]), "midterm": s[tx],
                             "final": s[tx + 1], "comment": "", "level": ""})  # fmt: skip
            for subj in COMMENTED:
                rows.append({"student_id": student, "school_class_id": cls, "school_id": school, "semester": semester,
                             "subject": subj, "regular": "", "midterm": None, "final": None,
                             "comment": "C" if rng.random() < 0.02 else "D", "level": ""})  # fmt: skip
    facts = pl.DataFrame(
        [{"student_id": p[3], "school_class_id": p[1], "semester": sem, "conduct": "T" if rng.random() < 0.8 else "K",
          "absences": 42 if rng.random() < 0.01 else rng.randrange(0, 6)} for p in pupils for sem in (1, 2)],
        schema={"student_id": pl.Int64, "school_class_id": pl.Int64, "semester": pl.Int16, "conduct": pl.String,
                "absences": pl.Int16},
    )  # fmt: skip
    for rows in (sem1, sem2):
        if rows:
            frame = pl.DataFrame(rows, schema=SCHEMA)
            services.results_write(actor=ctx.actor, new=frame, changed=[], params=params, pupil_facts=facts)
    ctx.log(f"results: {len(sem1) + len(sem2):,} subject rows for {len(schools)} schools")


def _score(rng: Any, level: float) -> int:
    return int(min(100, max(0, round(rng.gauss(level, 1.0) * 2) * 5)))


SCHEMA = {
    "student_id": pl.Int64, "school_class_id": pl.Int64, "school_id": pl.Int64, "semester": pl.Int16,
    "subject": pl.String, "regular": pl.String, "midterm": pl.Int16, "final": pl.Int16, "comment": pl.String,
    "level": pl.String,
}  # fmt: skip
