"""Circular 22/2021 (secondary) and 27/2020 (primary) computations, vectorised over polars
frames, parameterised by a rules row (`RuleSet.params`): nothing here is typed by a user.

Scores are tenths (7.5 → 75). Rounding is half up to one decimal, on integers:
    ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (n_tx + 5)
    ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3          (weights from the rules row, *(verify)*)
"""

from __future__ import annotations

from typing import Any

import polars as pl

COMMENT_SUBJECTS = ("gdtc", "nghe_thuat", "am_nhac", "mi_thuat", "hdtn", "dia_phuong")

# GDPT 2018 periods a year (what the number of regular assessments per semester depends on).
_THCS = {
    "ngu_van": 140, "toan": 140, "ngoai_ngu": 105, "gdcd": 35, "ls_dl": 105, "lich_su": 52, "dia_li": 52,
    "khtn": 140, "cong_nghe": 35, "tin_hoc": 35, "gdtc": 70, "nghe_thuat": 70, "am_nhac": 35,
    "mi_thuat": 35, "hdtn": 105, "dia_phuong": 35,
}  # fmt: skip
_THPT = {
    "ngu_van": 105, "toan": 105, "ngoai_ngu": 105, "lich_su": 52, "gdqp": 35, "gdtc": 70, "hdtn": 105,
    "dia_phuong": 35, "dia_li": 70, "gdkt_pl": 70, "vat_li": 70, "hoa_hoc": 70, "sinh_hoc": 70,
    "cong_nghe": 70, "tin_hoc": 70, "am_nhac": 70, "mi_thuat": 70,
}  # fmt: skip

# The rules row the data migration stores (code "tt22-2021"); a later circular is a new row.
DEFAULT_PARAMS: dict[str, Any] = {
    "weights": {"regular": 1, "midterm": 2, "final": 3},
    "year_weights": [1, 2],  # (ĐTBmhkI + 2·ĐTBmhkII) / 3 — (verify)
    # (max periods a year, regular assessments needed per semester); None = no upper bound
    "regular_min": [[35, 2], [70, 3], [None, 4]],
    "comment_regular_min": 2,
    "comment_subjects": list(COMMENT_SUBJECTS),
    "periods": {"THCS": _THCS, "THPT": _THPT},
    # Learning levels, best first: every comment subject failing at most `comment_fails`, every
    # scored average ≥ `all_at_least`, at least `count` averages ≥ `count_at_least`, none below
    # `none_below` (tenths). The first level met is the result; none → Chưa đạt ("C").
    "levels": [
        {"code": "T", "comment_fails": 0, "all_at_least": 65, "count": 6, "count_at_least": 80},
        {"code": "K", "comment_fails": 0, "all_at_least": 50, "count": 6, "count_at_least": 65},
        {"code": "D", "comment_fails": 1, "none_below": 35, "count": 6, "count_at_least": 50},
    ],
    "pass": 50,  # a scored subject below this counts as not passed (early warning)
    "absence_limit": 45,  # days a year; above it a pupil is retained
    "absence_warning": 40,  # near the limit: a signal of the early warning
    "fall_warning": 10,  # a fall of the mean of averages by ≥ 1.0 between semesters
}

# Primary, Circular 27/2020 (the rules row's "primary" block; a row without it reads this one).
PRIMARY: dict[str, Any] = {
    # art. 7: periodic tests at the end of semester 1 and of the year, from the grade named, scored
    # 1–10 in whole numbers ("không cho điểm 0, không cho điểm thập phân"). Ngoại ngữ 1 from grade
    # 3 is *(verify)*: the list names Tiếng Việt and Toán, and Khoa học, Lịch sử và Địa lí,
    # Tin học và Công nghệ for grades 4–5.
    "tested": [[1, ["tieng_viet", "toan"]], [3, ["ngoai_ngu"]], [4, ["khoa_hoc", "ls_dl", "tin_hoc", "cong_nghe"]]],
    "test_min": 1,
    # art. 9: the year's evaluation, best first, else Chưa hoàn thành ("N"): every subject and
    # activity at one of `levels`, qualities and competences each at one of `ratings` (T Tốt,
    # D Đạt, C Cần cố gắng), every year-end periodic test ≥ `test_at_least`.
    "year": [
        {"code": "X", "levels": ["T"], "ratings": ["T"], "test_at_least": 9},
        {"code": "G", "levels": ["T"], "ratings": ["T"], "test_at_least": 7},
        {"code": "H", "levels": ["T", "H"], "ratings": ["T", "D"], "test_at_least": 5},
    ],
}  # fmt: skip
DEFAULT_PARAMS["primary"] = PRIMARY

SECONDARY_FIRST_GRADE = 6


def tested_subjects(params: dict[str, Any], grade: int) -> list[str]:
    """The subjects with a periodic test in this primary grade (Circular 27, art. 7)."""
    block = params.get("primary") or PRIMARY
    return [s for first, subjects in block["tested"] if grade >= first for s in subjects]


def tested_expr(params: dict[str, Any]) -> pl.Expr:
    """True where (`grade`, `subject`) has a primary periodic test."""
    block = params.get("primary") or PRIMARY
    out: pl.Expr = pl.lit(False)
    for first, subjects in block["tested"]:
        out = out | ((pl.col("grade") >= first) & pl.col("subject").is_in(subjects))
    return out


def primary_year(params: dict[str, Any], rows: pl.DataFrame, ratings: pl.DataFrame) -> pl.DataFrame:
    """The year's evaluation of primary pupils (Circular 27, art. 9) per class × pupil.

    `rows`: the year-end (semester 2) rows: student_id, school_class_id, subject, level, final
    (the year-end test, tenths), grade. `ratings`: student_id, school_class_id, qualities,
    competences (T/D/C; blank = not given: it does not bar a level, but promotion waits for it).
    Returns student_id, school_class_id, `learning` (X/G/H/N)."""
    block = params.get("primary") or PRIMARY
    tested = rows.with_columns(tested_expr(params).alias("_t"))
    agg = (
        tested.group_by("school_class_id", "student_id")
        .agg(
            *[
                (pl.col("level").fill_null("").is_in(["", *lv["levels"]])).all().alias(f"_l{i}")
                for i, lv in enumerate(block["year"])
            ],
            pl.when(pl.col("_t")).then(pl.col("final")).otherwise(None).min().alias("_test"),
        )
        .join(ratings, on=["school_class_id", "student_id"], how="left")
    )
    out: pl.Expr = pl.lit("N")
    for i, lv in reversed(list(enumerate(block["year"]))):
        ok = pl.col(f"_l{i}") & (
            pl.col("_test").is_null() | (pl.col("_test") >= int(lv["test_at_least"]) * 10)
        )
        for col in ("qualities", "competences"):
            ok = ok & pl.col(col).fill_null("").is_in(["", *lv["ratings"]])
        out = pl.when(ok).then(pl.lit(lv["code"])).otherwise(out)
    return agg.select("student_id", "school_class_id", out.alias("learning"))


def school_level(grade: int) -> str:
    return "TH" if grade < SECONDARY_FIRST_GRADE else ("THCS" if grade <= 9 else "THPT")


def regular_needed(params: dict[str, Any], level: str, subject: str) -> int:
    """How many regular assessments a semester needs (Circular 22, art. 7)."""
    if subject in params["comment_subjects"]:
        return int(params["comment_regular_min"])
    periods = params["periods"].get(level, {}).get(subject)
    if periods is None:
        return 2
    for upper, needed in params["regular_min"]:
        if upper is None or periods <= upper:
            return int(needed)
    return 2


def _half_up(num: pl.Expr, den: pl.Expr | int) -> pl.Expr:
    return (num * 2 + den) // (pl.lit(2) * den)


def regular_sum_count(col: str = "regular") -> tuple[pl.Expr, pl.Expr]:
    parts = pl.when(pl.col(col).fill_null("") == "").then(None).otherwise(pl.col(col).str.split(","))
    return (
        parts.list.eval(pl.element().cast(pl.Int32)).list.sum().fill_null(0),
        parts.list.len().fill_null(0).cast(pl.Int32),
    )


def semester_average(params: dict[str, Any]) -> pl.Expr:
    """ĐTBmhk in tenths from `regular`, `midterm`, `final`; null without both exams."""
    w = params["weights"]
    total, n = regular_sum_count()
    num = total * int(w["regular"]) + pl.col("midterm").cast(pl.Int32) * int(w["midterm"])
    num = num + pl.col("final").cast(pl.Int32) * int(w["final"])
    den = n * int(w["regular"]) + int(w["midterm"]) + int(w["final"])
    avg = _half_up(num, den)
    return (
        pl.when(pl.col("midterm").is_null() | pl.col("final").is_null())
        .then(None)
        .otherwise(avg)
        .cast(pl.Int16)
    )


def year_average(params: dict[str, Any], first: str, second: str) -> pl.Expr:
    a, b = (int(x) for x in params["year_weights"])
    num = pl.col(first).cast(pl.Int32) * a + pl.col(second).cast(pl.Int32) * b
    return _half_up(num, a + b).cast(pl.Int16)


def pupil_results(params: dict[str, Any], rows: pl.DataFrame, avg: str = "average") -> pl.DataFrame:
    """Per pupil (`student_id`, with `grade`; per class too when `school_class_id` is given):
    learning result, subjects, failed, mean.

    `rows` holds one row per pupil × subject: `avg` (tenths or null), `comment` (D/C/''),
    `level` (primary T/H/C or ''), `grade`."""
    p = params["pass"]
    # Per class and pupil when the rows carry their class (one pass over many classes).
    keys = [k for k in ("school_class_id", "student_id") if k in rows.columns]
    agg = rows.group_by(keys).agg(
        pl.col("grade").first(),
        pl.len().alias("subjects"),
        pl.col(avg).min().alias("_min"),
        pl.col(avg).mean().round(0).cast(pl.Int16).alias("mean"),
        (pl.col("comment") == "C").sum().alias("_cfail"),
        (pl.col("level") == "C").sum().alias("_lfail"),
        (pl.col("level") == "T").sum().alias("_ltop"),
        (pl.col("level") != "").sum().alias("_levels"),
        (pl.col(avg) < p).sum().alias("_below"),
        *[(pl.col(avg) >= t).sum().alias(f"_ge{t}") for t in _thresholds(params)],
    )
    secondary: pl.Expr = pl.lit("C")
    for lv in reversed(params["levels"]):
        ok = (pl.col("_cfail") <= lv.get("comment_fails", 0)) & (
            pl.col(f"_ge{lv['count_at_least']}") >= lv["count"]
        )
        if lv.get("all_at_least") is not None:
            ok = ok & (pl.col("_min").fill_null(0) >= lv["all_at_least"])
        if lv.get("none_below") is not None:
            ok = ok & (pl.col("_min").fill_null(0) >= lv["none_below"])
        secondary = pl.when(ok).then(pl.lit(lv["code"])).otherwise(secondary)
    primary = (
        pl.when(pl.col("_lfail") > 0)
        .then(pl.lit("N"))
        .when((pl.col("_levels") > 0) & (pl.col("_ltop") == pl.col("_levels")))
        .then(pl.lit("G"))
        .otherwise(pl.lit("H"))
    )
    return agg.select(
        *keys,
        pl.when(pl.col("grade") < SECONDARY_FIRST_GRADE).then(primary).otherwise(secondary).alias("learning"),
        pl.col("subjects").cast(pl.Int16),
        (pl.col("_cfail") + pl.col("_lfail") + pl.col("_below")).cast(pl.Int16).alias("failed"),
        "mean",
    )


def _thresholds(params: dict[str, Any]) -> list[int]:
    return sorted({int(lv["count_at_least"]) for lv in params["levels"]})


_PASSING = ("T", "K", "D", "X", "G", "H")


def promotion(params: dict[str, Any]) -> pl.Expr:
    """Year promotion from `learning`, `conduct` (blank = not yet known) and `absences`;
    primary (`grade` < 6, Circular 27): Hoàn thành or better → promoted, Chưa hoàn thành →
    help and a further evaluation over the summer ("retest", *(verify)*), blank while the
    qualities and competences are not imported; no absence limit."""
    limit = int(params["absence_limit"])
    primary = pl.col("grade").fill_null(SECONDARY_FIRST_GRADE) < SECONDARY_FIRST_GRADE
    rated = (pl.col("qualities").fill_null("") != "") & (pl.col("competences").fill_null("") != "")
    return (
        pl.when(primary & ((pl.col("learning") == "") | ~rated))
        .then(pl.lit(""))
        .when(primary)
        .then(
            pl.when(pl.col("learning").is_in(_PASSING)).then(pl.lit("promoted")).otherwise(pl.lit("retest"))
        )
        .when(pl.col("absences").fill_null(0) > limit)
        .then(pl.lit("retained"))
        .when((pl.col("learning") == "") | (pl.col("conduct").fill_null("") == ""))
        .then(pl.lit(""))
        .when(~pl.col("learning").is_in(_PASSING))
        .then(pl.lit("retest"))
        .when(~pl.col("conduct").is_in(_PASSING))
        .then(pl.lit("summer_conduct"))
        .otherwise(pl.lit("promoted"))
    )
