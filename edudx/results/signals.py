"""Early-warning signals, explainable: each pupil at risk carries the codes of the signals that
put them there, read from the computed results (never typed), with thresholds from the rules row.

  failed      at least one subject Chưa đạt / below 5.0 / Chưa hoàn thành
  fell        the mean of the subject averages fell by ≥ 1.0 from semester 1 to semester 2
  absences    days absent near the limit (≥ 40 of 45 by default; the import's optional column)
  not_passed  learning result Chưa đạt (or Chưa hoàn thành)
  left        the registry says the pupil dropped out, left school or is temporarily absent
  moved       the registry says the pupil transferred out (their results stay with this class)
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import rules as R

CODES = ("failed", "fell", "absences", "not_passed", "left", "moved")
LEFT = ("bo_hoc", "thoi_hoc", "nghi_tam")  # registry StudentStatus codes
MOVED = ("chuyen_di",)


def flag(terms: pl.DataFrame, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """`terms`: PupilTerm rows (student_id, school_class_id, period, learning, absences, failed,
    mean, …). Adds `signals` (comma-separated codes, '' for none) and `fall` (tenths)."""
    p = params or R.DEFAULT_PARAMS
    first = terms.filter(pl.col("period") == 1).select(
        "student_id", "school_class_id", pl.col("mean").alias("_m1")
    )
    out = terms.join(first, on=["student_id", "school_class_id"], how="left").with_columns(
        pl.when(pl.col("period") == 2).then(pl.col("_m1") - pl.col("mean")).otherwise(None).alias("fall")
    )
    parts = [
        pl.when(pl.col("failed") > 0).then(pl.lit("failed")),
        pl.when(pl.col("fall").fill_null(0) >= int(p["fall_warning"])).then(pl.lit("fell")),
        pl.when(pl.col("absences").fill_null(0) >= int(p["absence_warning"])).then(pl.lit("absences")),
        pl.when(pl.col("learning").is_in(["C", "N"])).then(pl.lit("not_passed")),
    ]
    if "status" in terms.columns:  # the pupil's registry status (current, not the history)
        parts += [
            pl.when(pl.col("status").is_in(LEFT)).then(pl.lit("left")),
            pl.when(pl.col("status").is_in(MOVED)).then(pl.lit("moved")),
        ]
    return out.with_columns(
        pl.concat_str(parts, separator=",", ignore_nulls=True).fill_null("").alias("signals")
    ).drop("_m1")
