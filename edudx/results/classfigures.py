"""Reads behind each class's outcome figures (`ClassTerm.figures`): the pupils' registry facts,
semester 1's means, the subject rows counted per band by the database, the stored pupils'
results of a period, and the JSON parameter of a figures dict for either database."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection

from edudx.core.db import bulk

from .models import ClassTerm


def json(value: dict[str, Any]) -> Any:
    """A figures dict as the database's JSON parameter (text on SQLite, jsonb on PostgreSQL)."""
    return ClassTerm._meta.get_field("figures").get_db_prep_value(value, connection)


def people(student_ids: list[int]) -> pl.DataFrame:
    """The pupils' ethnicity and registry status now (the equity counts, the left/moved signals)."""
    rows = bulk.select_in("SELECT id, ethnicity, status FROM registry_student WHERE id IN ({})", student_ids)
    schema = {"student_id": pl.Int64, "ethnicity": pl.String, "status": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def means(class_ids: list[int], period: int) -> pl.DataFrame:
    rows = bulk.select_in(
        "SELECT student_id, school_class_id, mean FROM results_pupilterm WHERE school_class_id IN ({}) "
        "AND period = %s",
        class_ids,
        params=[period],
    )
    schema = {"student_id": pl.Int64, "school_class_id": pl.Int64, "mean": pl.Int16}
    return pl.DataFrame(rows, schema=schema, orient="row")


def banded(class_ids: list[int], semester: int, avg: str) -> pl.DataFrame:
    """Subject rows counted per class, subject and score band by the database (not read one by
    one): what `class_slots` takes as `rows` with a count `n`; band null = no average."""
    from .aggregates import BAND_SQL

    rows = bulk.select_in(
        f"SELECT r.school_class_id, r.subject, c.grade, CASE WHEN r.{avg} IS NULL THEN NULL ELSE "  # noqa: S608
        f"{BAND_SQL.format(a='r.' + avg)} END, COUNT(*) FROM results_subjectresult r JOIN registry_schoolclass c "
        "ON c.id = r.school_class_id WHERE r.school_class_id IN ({}) AND r.semester = %s GROUP BY 1, 2, 3, 4",
        class_ids,
        params=[semester],
    )
    schema = {
        "school_class_id": pl.Int64,
        "subject": pl.String,
        "grade": pl.Int16,
        "b": pl.Int8,
        "n": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def period_terms(class_ids: list[int], period: int) -> pl.DataFrame:
    rows = bulk.select_in(
        "SELECT student_id, school_class_id, learning, conduct, absences, failed, mean, promotion "
        "FROM results_pupilterm WHERE school_class_id IN ({}) AND period = %s",
        class_ids,
        params=[period],
    )
    schema = {
        "student_id": pl.Int64, "school_class_id": pl.Int64, "learning": pl.String, "conduct": pl.String,
        "absences": pl.Int16, "failed": pl.Int16, "mean": pl.Int16, "promotion": pl.String,
    }  # fmt: skip
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(pl.lit(period, pl.Int16).alias("period"))
