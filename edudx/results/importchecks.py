"""The row checks of the `results` kind (row, column, code, severity, message), evaluated in one
pass over a chunk by `imports._flags`: scores (Circular 22: 0–10, one decimal; comment-only
subjects; regular assessments by periods a year) and primary (Circular 27: levels, periodic
tests 1–10 only in the subjects and grades the rules row names)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING

from . import rules as R

REGULAR = tuple(f"tx{i}" for i in range(1, 6))
SCORES = (*REGULAR, "midterm", "final")


def row_checks(comment_subjects: list[str]) -> list[tuple[pl.Expr, str, str, str, Any]]:
    primary = pl.col("__level") == "TH"
    comment_only = pl.col("subject").is_in(comment_subjects) & ~primary
    checks: list[tuple[pl.Expr, str, str, str, Any]] = [
        (pl.col("school_id").is_not_null() & pl.col("class_name").is_not_null() & pl.col("school_class_id").is_null(),
         "class_name", "class_not_found", ERROR, _("The school has no class of this name in this school year.")),
        (pl.col("school_class_id").is_not_null() & pl.col("student_code").is_not_null() & pl.col("student_id").is_null(),
         "student_code", "pupil_not_in_class", ERROR, _("No pupil with this MOET code is enrolled in this class.")),
    ]  # fmt: skip
    for col in SCORES:
        number = pl.col(f"__n_{col}")
        given, valid = pl.col(col).is_not_null(), number.is_between(0, 10)
        formula = pl.col(col).cast(pl.String).str.starts_with("=")
        checks += [
            (given & formula, col, "score_formula", ERROR,
             _("The cell holds a formula: type the score (computed figures are never imported).")),
            (given & number.is_null() & ~formula, col, "score_not_number", ERROR, _("The score is not a number.")),
            (given & ((number < 0) | (number > 10)), col, "score_out_of_range", ERROR, _("A score is between 0 and 10.")),
            (given & valid & ((number * 10 - (number * 10).round(0)).abs() > 1e-6), col, "score_decimals", ERROR,
             _("A score has at most one decimal (7.5, not 7.25).")),
            (given & primary & valid & ((number - number.round(0)).abs() > 1e-6), col, "score_not_whole", ERROR,
             _("Primary periodic tests are scored in whole numbers (Circular 27).")),
            (given & comment_only, col, "comment_subject_scored", ERROR,
             _("This subject is assessed by comments only (Đạt / Chưa đạt): it takes no score.")),
        ]  # fmt: skip
    count = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int8) for c in REGULAR])
    checks += [
        (comment_only & pl.col("comment").is_null(), "comment", "comment_missing", WARNING,
         _("A comment-only subject needs Đạt or Chưa đạt.")),
        (~comment_only & ~primary & pl.col("comment").is_not_null() & pl.col("final").is_null(), "comment",
         "comment_on_scored_subject", ERROR, _("This subject is scored: give its scores, not Đạt / Chưa đạt.")),
        (primary & pl.col("level").is_null(), "level", "level_missing", WARNING,
         _("A primary subject needs its level (T, H or C).")),
        # Regular assessments needed for the subject's periods a year (Circular 22, art. 7).
        (~comment_only & ~primary & pl.col("final").is_not_null() & (count < pl.col("__needed").fill_null(0)), "tx1",
         "regular_too_few", ERROR,
         _("Too few regular assessments for this subject's periods a year (Circular 22: 2, 3 or 4).")),
    ]  # fmt: skip
    return checks


def average_check(params: dict[str, Any]) -> tuple[pl.Expr, str, str, str, Any]:
    """ĐTBmhk as the file states it (the score book's column) against the one edudx computes from
    the scores (in tenths): never stored, a mismatch is a warning. Run on the tenths."""
    stated = pl.col("__n_stated_average")
    computed = R.semester_average(params)
    return (
        stated.is_not_null() & computed.is_not_null() & ((stated * 10).round(0).cast(pl.Int32) != computed.cast(pl.Int32)),
        "stated_average", "average_mismatch", WARNING,
        _("The semester average in the file differs from the one computed from the scores (Circular 22); the computed one is kept."),
    )  # fmt: skip


def primary_checks(params: dict[str, Any]) -> list[tuple[pl.Expr, str, str, str, Any]]:
    """Circular 27/2020, art. 7: periodic tests only in the subjects and grades named by the rules
    row, scored 1–10 (no 0)."""
    primary, final = pl.col("__level") == "TH", pl.col("__n_final")
    return [
        (primary & final.is_not_null() & ~R.tested_expr(params), "final", "test_not_periodic", ERROR,
         _("This primary subject has no periodic test in this grade (Circular 27): give its level only.")),
        (primary & (final == 0), "final", "test_zero", ERROR,
         _("Primary periodic tests are scored 1 to 10: 0 is not given (Circular 27).")),
    ]  # fmt: skip
