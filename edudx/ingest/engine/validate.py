"""Stage 5 — validate: field rules, cross-field rules, duplicates inside the file.

Rules are vectorised over a chunk. References (schools, classes) are resolved by the kind's
`resolve` in bulk, once per chunk, never per row. Kinds reuse the helpers below.
"""

from __future__ import annotations

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING
from edudx.core.rules.provinces import PID_PROVINCES

from ..kinds import Context, Kind
from .normalise import Sink
from .read import ROW

KEY = "__key"  # the natural-key value of the row


def required_values(frame: pl.DataFrame, sink: Sink, kind: Kind) -> pl.DataFrame:
    for col in kind.columns:
        if col.not_blank and col.key in sink.header_of:
            frame = sink.flag(
                frame, frame[col.key].is_null(), col.key, "value_required", ERROR, _("A value is required.")
            )
    return frame


def natural_key(frame: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    parts = [
        pl.when(pl.col(k).is_not_null()).then(pl.lit(f"{k}=") + pl.col(k).cast(pl.String))
        for k in kind.natural_key
    ]
    return frame.with_columns(pl.coalesce(parts).alias(KEY))


class Duplicates:
    """Natural keys seen so far in the file, across chunks (kept as a polars frame)."""

    def __init__(self) -> None:
        self.seen = pl.DataFrame(schema={KEY: pl.String, "__first": pl.Int64, "__h": pl.UInt64})

    def check(self, frame: pl.DataFrame, sink: Sink, kind: Kind) -> pl.DataFrame:
        keys = frame[KEY]
        present = keys.is_not_null()
        hashes = keys.hash(seed=7)
        within = keys.is_duplicated() & ~keys.is_first_distinct()
        candidates = hashes.is_in(self.seen["__h"].implode()) & present
        earlier = candidates
        if candidates.any():  # confirm hash hits by the text itself
            hit = set(
                self.seen.filter(pl.col("__h").is_in(hashes.filter(candidates).implode()))[KEY].to_list()
            )
            earlier = candidates & keys.is_in(list(hit))
        dup = present & (within | earlier)
        fresh = frame.filter(present & ~dup).select(
            KEY, pl.col(ROW).alias("__first"), hashes.filter(present & ~dup).alias("__h")
        )
        self.seen = pl.concat([self.seen, fresh])
        if not dup.any():
            return frame
        field = kind.natural_key[0]
        dups = frame.filter(dup).select(ROW, KEY).join(self.seen.select(KEY, "__first"), on=KEY, how="left")
        for row, _key, first in dups.iter_rows():
            sink.problems.add(
                row, sink.header_of.get(field, field), "duplicate_in_file", ERROR,
                _("Duplicate of row %(row)s in this file.") % {"row": first},
            )  # fmt: skip
        return frame.with_columns((pl.col("__err") | dup).alias("__err"))


class SharedValue:
    """A column that identifies a person on its own (the personal ID) must not appear on two
    rows of one file under different natural keys: two pupils with one personal ID are one
    person typed twice, or a typing error. The later rows are refused, naming the first.
    Rows with the same natural key are left to `Duplicates` (one message per row). Across
    chunks, the values seen are kept as 64-bit hashes with their key, confirmed by text."""

    def __init__(self, column: str, key_column: str, code: str, message) -> None:
        self.column, self.key_column, self.code, self.message = column, key_column, code, message
        self.seen = pl.DataFrame(
            schema={"__v": pl.String, "__k": pl.String, "__first": pl.Int64, "__h": pl.UInt64}
        )

    def check(self, frame: pl.DataFrame, sink: Sink) -> pl.DataFrame:
        if self.column not in frame.columns:
            return frame
        rows = frame.select(
            pl.col(self.column).cast(pl.String).alias("__v"),
            pl.col(self.key_column).cast(pl.String).alias("__k") if self.key_column in frame.columns
            else pl.lit(None, dtype=pl.String).alias("__k"),
            pl.col(ROW).alias("__row"),
        ).filter(pl.col("__v").is_not_null())  # fmt: skip
        if rows.height == 0:
            return frame
        rows = rows.with_columns(pl.col("__v").hash(seed=11).alias("__h"))
        # The first row of each value in this chunk, then those already seen in earlier chunks.
        firsts = rows.unique("__v", keep="first", maintain_order=True)
        known = self.seen.filter(pl.col("__h").is_in(firsts["__h"].implode()))
        fresh = firsts.join(known.select("__v"), on="__v", how="anti")  # values new to the file
        owners = pl.concat(
            [
                known.select("__v", "__k", "__first"),
                fresh.select("__v", "__k", pl.col("__row").alias("__first")),
            ]
        )
        clash = rows.join(owners, on="__v", how="inner").filter(
            (pl.col("__row") != pl.col("__first")) & pl.col("__k").ne_missing(pl.col("__k_right"))
        )
        self.seen = pl.concat(
            [self.seen, fresh.select("__v", "__k", pl.col("__row").alias("__first"), "__h")]
        )
        if clash.height == 0:
            return frame
        header = sink.header_of.get(self.column, self.column)
        for row, first in clash.select("__row", "__first").iter_rows():
            sink.problems.add(row, header, self.code, ERROR, self.message % {"row": first})
        return frame.with_columns(
            (pl.col("__err") | pl.col(ROW).is_in(clash["__row"].implode())).alias("__err")
        )


def missing_key(frame: pl.DataFrame, sink: Sink, kind: Kind) -> pl.DataFrame:
    return sink.flag(
        frame,
        frame[KEY].is_null(),
        kind.natural_key[0],
        "key_missing",
        ERROR,
        _("The record has no identifier (MOET code or personal ID)."),
    )


# ----- person rules (students, staff)
def person_rules(frame: pl.DataFrame, sink: Sink, ctx: Context) -> pl.DataFrame:
    today = timezone.localdate()
    if "full_name" in frame.columns:
        name = pl.col("full_name")
        frame = sink.flag(
            frame,
            name.str.contains(r"\d"),
            "full_name",
            "name_has_digits",
            ERROR,
            _("A name cannot contain digits."),
        )
        frame = sink.flag(
            frame, name.is_not_null() & ~name.str.contains(" "), "full_name", "name_single_word", WARNING,
            _("The full name has a single word."),
        )  # fmt: skip
    if "date_of_birth" in frame.columns:
        frame = sink.flag(
            frame, pl.col("date_of_birth") > pl.lit(today), "date_of_birth", "dob_in_future", ERROR,
            _("The date of birth is in the future."),
        )  # fmt: skip
    if "personal_id" not in frame.columns:
        return frame
    pid = pl.col("personal_id")
    present = pid.is_not_null()
    ok_series = frame.select((present & pid.str.contains(r"^\d{12}$")).fill_null(False)).to_series()
    bad = frame["personal_id"].is_not_null() & ~ok_series
    if bad.any():  # the rare structural failures: checked on those rows only
        frame = sink.flag(frame, bad & ~frame["personal_id"].str.contains(r"^\d+$"), "personal_id",
                          "pid_not_digits", ERROR, _("The personal ID must contain digits only."))  # fmt: skip
        frame = sink.flag(frame, bad & frame["personal_id"].str.contains(r"^\d{9}$"), "personal_id",
                          "pid_old_9_digit", ERROR,
                          _("This is an old 9-digit ID card number; the 12-digit personal ID is required."))  # fmt: skip
        frame = sink.flag(frame, bad & frame["personal_id"].str.contains(r"^\d+$")
                          & ~frame["personal_id"].str.contains(r"^\d{9}$"),
                          "personal_id", "pid_length", ERROR, _("The personal ID must have 12 digits."))  # fmt: skip
    ok = pl.lit(ok_series)
    prov = pid.str.slice(0, 3)
    frame = sink.flag(
        frame, ok & prov.str.starts_with("0") & ~prov.is_in(list(PID_PROVINCES)), "personal_id",
        "pid_unknown_province", WARNING, _("The first three digits are not a known province code."),
    )  # fmt: skip
    g = pid.str.slice(3, 1).cast(pl.Int32, strict=False)
    birth_year = 1900 + (g // 2) * 100 + pid.str.slice(4, 2).cast(pl.Int32, strict=False)
    if "date_of_birth" in frame.columns:
        dob_year = pl.col("date_of_birth").dt.year()
        mism = frame.select(
            (ok & dob_year.is_not_null() & (birth_year != dob_year)).fill_null(False)
        ).to_series()
        if mism.any():
            sub = frame.filter(mism).select(ROW, birth_year.alias("y"), dob_year.alias("d"))
            for r, y, d in sub.iter_rows():
                sink.problems.add(
                    r, sink.header_of.get("personal_id", "personal_id"), "pid_birth_year_mismatch", ERROR,
                    _("The personal ID says born in %(year)s, but the date of birth is in %(dob)s.") % {"year": y, "dob": d},
                )  # fmt: skip
            frame = frame.with_columns((pl.col("__err") | mism).alias("__err"))
    if "gender" in frame.columns:
        sex = pl.when(g % 2 == 1).then(pl.lit("female")).otherwise(pl.lit("male"))
        frame = sink.flag(
            frame, ok & pl.col("gender").is_not_null() & (sex != pl.col("gender")), "personal_id",
            "pid_gender_mismatch", ERROR, _("The personal ID does not match the gender."),
        )  # fmt: skip
    return frame


def age_vs_grade(
    frame: pl.DataFrame, sink: Sink, *, grade_col: str = "__grade", year_col: str = "school_year"
) -> pl.DataFrame:
    """Warn when a pupil's age on 5 September of the school year is far from the grade's age."""
    if grade_col not in frame.columns or "date_of_birth" not in frame.columns:
        return frame
    start_year = pl.col(year_col).str.slice(0, 4).cast(pl.Int32, strict=False)
    dob = pl.col("date_of_birth")
    age = (
        start_year
        - dob.dt.year()
        - ((dob.dt.month() > 9) | ((dob.dt.month() == 9) & (dob.dt.day() > 5))).cast(pl.Int32)
    )
    # levels.typical_age, vectorised: grade 1 at 6, preschool at 5
    expected = pl.when(pl.col(grade_col) == 0).then(5).otherwise(pl.col(grade_col) + 5)
    off = (age - expected).abs()
    frame = sink.flag(
        frame, off.is_between(3, 5), "date_of_birth", "age_unusual_for_grade", WARNING,
        _("The pupil's age is unusual for this grade."),
    )  # fmt: skip
    return sink.flag(
        frame, off > 5, "date_of_birth", "age_impossible_for_grade", ERROR,
        _("The pupil's age does not fit this grade."),
    )  # fmt: skip
