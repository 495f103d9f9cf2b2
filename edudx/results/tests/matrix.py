"""Objects of school B1 for the route × role matrix test: the registry's B1 school, class and
pupil (the same kwargs and objects), with results imported for them so the pages have content."""

from __future__ import annotations


def providers(city) -> dict[str, tuple[int, str]]:
    import polars as pl

    from edudx.core.actor import Actor
    from edudx.results import rules, services

    school = city.schools[2]
    klass = next(c for c in city.classes if c.school_id == school.pk)
    student = next(s for s in city.students if s.school_id == school.pk)
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
    return {
        "school_id": (school.pk, school.moet_code),
        "class_id": (klass.pk, school.unit.name),
        "student_id": (student.pk, student.full_name),
    }
