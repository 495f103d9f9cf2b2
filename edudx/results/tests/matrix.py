"""Objects of school B1 for the route × role matrix test (the registry's B1 school, class and
pupil: the same kwargs and objects) and the bulk-door matrix (`bulk_rows`), with results stored
for B1's pupil so pages have content and a file naming them has a record to (not) match."""

from __future__ import annotations

from typing import Any


def _seed_b1(city: Any) -> tuple[Any, Any, Any]:
    import polars as pl

    from edudx.core.actor import Actor
    from edudx.results import rules, services
    from edudx.results.models import SubjectResult

    school = city.schools[2]
    klass = next(c for c in city.classes if c.school_id == school.pk)
    student = next(s for s in city.students if s.school_id == school.pk)
    if SubjectResult.objects.filter(student_id=student.pk).exists():
        return school, klass, student
    rows = pl.DataFrame(
        [{"student_id": student.pk, "school_class_id": klass.pk, "school_id": school.pk, "semester": 1,
          "subject": s, "regular": "80,80,80,80", "midterm": 80, "final": 80, "comment": "", "level": ""}
         for s in ("toan", "ngu_van", "ngoai_ngu", "gdcd", "ls_dl", "khtn")],
        schema={"student_id": pl.Int64, "school_class_id": pl.Int64, "school_id": pl.Int64, "semester": pl.Int16,
                "subject": pl.String, "regular": pl.String, "midterm": pl.Int16, "final": pl.Int16,
                "comment": pl.String, "level": pl.String},
    )  # fmt: skip
    services.results_write(
        actor=Actor.system(source="matrix"), new=rows, changed=[], params=rules.DEFAULT_PARAMS
    )
    return school, klass, student


def providers(city: Any) -> dict[str, tuple[int, str]]:
    school, klass, student = _seed_b1(city)
    return {
        "school_id": (school.pk, school.moet_code),
        "class_id": (klass.pk, school.unit.name),
        "student_id": (student.pk, student.full_name),
    }


def bulk_rows(city: Any, b1: Any) -> dict[str, list[list[dict[str, str]]]]:
    """B1's pupil's mathematics row, aimed at A1's class of the same name (no such pupil there)
    and at B1 itself (outside the scope of A1 and ward A; matched, and changed, for the department)."""
    school, _klass, student = _seed_b1(city)
    row = {"year": "2025-2026", "semester": "1", "class_name": "6A1", "student_code": student.moet_code or "",
           "subject": "Toán", "tx1": "8", "tx2": "8", "tx3": "8", "tx4": "8", "midterm": "8", "final": "9"}  # fmt: skip
    return {
        "results": [
            [{**row, "school_code": city.schools[0].moet_code}],
            [{**row, "school_code": school.moet_code}],
        ]
    }
