"""The checks a careful officer makes on a person's row (domain.md §3 and §10), vectorised.

Re-exported by `ingest.kinds` (the kind contract): `SharedValue` (one personal ID, one person
per file), `person_rules` (name, date of birth, the personal ID's structure, prefix, century,
year and sex digits against the row), `age_vs_grade` (the school charters' ages, preschool
bands included). `normalise_pid` is core.rules.personal_id.normalise, the one personal-ID
normaliser, with None for an empty cell.

Codes (stable; messages in Vietnamese through the catalogue, each naming its column):
pid_not_digits, pid_old_9_digit, pid_length_10, pid_length_13, pid_length_14, pid_length,
pid_leading_zero_restored (warning), pid_unknown_province, pid_birth_year_mismatch,
pid_gender_mismatch, personal_id_duplicate_in_file, age_above_grade_limit,
age_below_grade_limit, age_older_than_usual (warning), age_younger_grade_skip (warning),
age_outside_preschool_band, age_near_preschool_band (warning).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING, Issue, personal_id
from edudx.core.rules.provinces import PID_PROVINCES
from edudx.core.text import fold

from . import kinds as K
from .engine.countries import COUNTRY_CODES
from .engine.problems import Problem

if TYPE_CHECKING:
    from .engine.normalise import Sink

# ----- the personal ID's first three digits: a province of birth registration or a country
PID_PREFIXES: frozenset[str] = frozenset(PID_PROVINCES) | COUNTRY_CODES

_LENGTH_MESSAGES: dict[int, tuple[str, Any]] = {
    9: (
        "pid_old_9_digit",
        _("This is an old 9-digit ID card number (CMND); the 12-digit personal ID is required."),
    ),
    10: (
        "pid_length_10",
        _(
            "The personal ID has 10 digits, two short of 12: it looks like a MOET code or a phone "
            "number, not a personal ID."
        ),
    ),
    13: ("pid_length_13", _("The personal ID has 13 digits, one too many: a digit typed twice?")),
    14: (
        "pid_length_14",
        _("The personal ID has 14 digits, two too many: two numbers run together, or another card's number?"),
    ),
}


def normalise_pid(value: str) -> tuple[str | None, list[Issue]]:
    """core.rules.personal_id.normalise (the one rule), with None for an empty cell."""
    text, issues = personal_id.normalise(value)
    return text or None, issues


# ----- one personal ID, one person: every row that carries a repeated ID is flagged
class SharedValue:
    """A column that identifies a person on its own (the personal ID) appears on one row of a
    file. When rows with different natural keys (two pupils) carry the same value, every one of
    them is refused and each names the others: the copied line may come first or last, and the
    officer must look at all of them. Rows repeating a pupil with the same key are left to the
    engine's duplicate check (one message, on the later row). Across chunks, the first row of
    each (value, key) pair is kept with a 64-bit hash of the value, confirmed by text; a value
    met again later flags the rows of the earlier chunk too (in partial mode those may already
    be written: the report still names them)."""

    def __init__(self, column: str, key_column: str, code: str, message: Any) -> None:
        self.column, self.key_column, self.code, self.message = column, key_column, code, message
        self.seen = pl.DataFrame(
            schema={"__v": pl.String, "__k": pl.String, "__first": pl.Int64, "__h": pl.UInt64}
        )
        self.flagged: dict[int, int] = {}  # row -> index of its problem (rewritten as its group grows)

    def check(self, frame: pl.DataFrame, sink: Sink) -> pl.DataFrame:
        if self.column not in frame.columns:
            return frame
        key = (
            pl.col(self.key_column).cast(pl.String)
            if self.key_column in frame.columns
            else pl.lit(None, dtype=pl.String)
        ).fill_null("")  # no key: one pair per value (joins never match nulls)
        rows = frame.select(
            pl.col(self.column).cast(pl.String).alias("__v"), key.alias("__k"), pl.col(K.ROW).alias("__first")
        ).filter(pl.col("__v").is_not_null())
        if rows.height == 0:
            return frame
        rows = rows.unique(["__v", "__k"], keep="first", maintain_order=True)
        rows = rows.with_columns(pl.col("__v").hash(seed=11).alias("__h"))
        known = self.seen.filter(pl.col("__h").is_in(rows["__h"].unique().implode()))
        fresh = rows.join(known, on=["__v", "__k"], how="anti")
        if fresh.height == 0:
            return frame
        members = pl.concat([known.join(fresh.select("__v").unique(), on="__v", how="semi"), fresh])
        self.seen = pl.concat([self.seen, fresh])
        groups = members.filter(pl.col("__v").is_duplicated()).group_by("__v").agg(pl.col("__first").sort())
        if groups.height == 0:
            return frame
        header = sink.header_of.get(self.column, self.column)
        bad: list[int] = []
        items = sink.problems.items
        for _value, group in groups.iter_rows():
            for row in group:
                others = [r for r in group if r != row]
                shown = ", ".join(str(r) for r in others[:10]) + (", …" if len(others) > 10 else "")
                message = self.message % {"rows": shown}
                if row in self.flagged:  # an earlier chunk's row: its message names the new rows too
                    at = self.flagged[row]
                    items[at] = Problem(row, header, self.code, ERROR, message)
                    continue
                self.flagged[row] = len(items)
                sink.problems.add(row, header, self.code, ERROR, message)
                bad.append(row)
        return frame.with_columns((pl.col("__err") | pl.col(K.ROW).is_in(bad)).alias("__err"))


# ----- person rules (students, staff)
def person_rules(frame: pl.DataFrame, sink: Sink, ctx: Any) -> pl.DataFrame:
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
    return _pid_rules(frame, sink)


def _pid_rules(frame: pl.DataFrame, sink: Sink) -> pl.DataFrame:
    pid = pl.col("personal_id")
    s = frame["personal_id"]
    ok_series = (s.is_not_null() & s.str.contains(r"^[0-9]{12}$")).fill_null(False)
    bad = s.is_not_null() & ~ok_series
    if bad.any():  # the rare structural failures: one error each, saying what the value is
        digits = s.str.contains(r"^[0-9]+$").fill_null(False)
        frame = sink.flag(frame, bad & ~digits, "personal_id", "pid_not_digits", ERROR,
                          _("The personal ID must contain digits only."))  # fmt: skip
        lengths = s.str.len_chars()
        for n, (code, message) in _LENGTH_MESSAGES.items():
            frame = sink.flag(frame, bad & digits & (lengths == n), "personal_id", code, ERROR, message)
        frame = sink.flag(
            frame, bad & digits & ~lengths.is_in(list(_LENGTH_MESSAGES)), "personal_id", "pid_length", ERROR,
            _("The personal ID must have 12 digits."),
        )  # fmt: skip
    ok = pl.lit(ok_series)
    prov = pid.str.slice(0, 3)
    frame = sink.flag(
        frame, ok & ~prov.is_in(list(PID_PREFIXES)), "personal_id", "pid_unknown_province", ERROR,
        _("The first three digits of the personal ID are neither a province code (001–096) nor a country code: "
          "a typing error."),
    )  # fmt: skip
    g = pid.str.slice(3, 1).cast(pl.Int32, strict=False)
    birth_year = 1900 + (g // 2) * 100 + pid.str.slice(4, 2).cast(pl.Int32, strict=False)
    if "date_of_birth" in frame.columns:
        dob_year = pl.col("date_of_birth").dt.year()
        mism = frame.select(
            (ok & dob_year.is_not_null() & (birth_year != dob_year)).fill_null(False)
        ).to_series()
        if mism.any():
            sub = frame.filter(mism).select(K.ROW, birth_year.alias("y"), dob_year.alias("d"))
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


# ----- age against grade (domain.md §10)
# Preschool groups by their name, folded: the expected age in the calendar year the school year
# starts (min, max) — mẫu giáo Mầm 3–4, Chồi 4–5, Lá 5–6 (a child of the band turns its lower
# age that year); nhà trẻ 3–36 months, i.e. 0–2 that year. A name the rules do not know (a
# mixed-age group, "Nhóm ghép") takes the whole preschool range.
_PRESCHOOL_BANDS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("mam", (3, 3)),
    ("choi", (4, 4)),
    ("la", (5, 5)),
    ("nha tre", (0, 2)),
    ("nt", (0, 2)),
    ("mau giao", (3, 5)),
    ("mg", (3, 5)),
)
_MONTHS = re.compile(r"(\d{1,2})\s*(?:-|–|den)\s*(\d{1,2})\s*thang")
PRESCHOOL_ANY = (0, 5)


def preschool_band(class_name: str | None) -> tuple[int, int]:
    """(youngest, oldest) age in years, in the calendar year the school year starts."""
    text = fold(class_name or "")
    m = _MONTHS.search(text)
    if m:  # "Nhà trẻ 25-36 tháng": born in the years those months fall in
        lo, hi = int(m.group(1)), int(m.group(2))
        return (lo // 12, min((hi + 11) // 12, 3))
    for prefix, band in _PRESCHOOL_BANDS:
        if text.startswith(prefix) and (len(text) == len(prefix) or not text[len(prefix)].isalpha()):
            return band
    return PRESCHOOL_ANY


def age_vs_grade(
    frame: pl.DataFrame, sink: Sink, *, grade_col: str = "__grade", year_col: str = "school_year"
) -> pl.DataFrame:
    """Age counted by calendar year (born in year Y → grade 1 in the school year starting in
    Y + 6): for grade g the expected age is g + 5 in the year the school year starts.
    Older by 1 is plain; by 2–3 a warning (late start, repeating); by more than 3 an error,
    except in continuing education (GDTX), which takes older learners. Younger by 1 is a
    warning (grade-skipping), except in grade 1 (no early start): an error; younger by 2 or
    more is an error. Preschool groups by their band (`preschool_band`): off by one year a
    warning (mixed-age groups, a late birthday), more an error."""
    if grade_col not in frame.columns or "date_of_birth" not in frame.columns:
        return frame
    start_year = pl.col(year_col).str.slice(0, 4).cast(pl.Int32, strict=False)
    age = start_year - pl.col("date_of_birth").dt.year()
    grade = pl.col(grade_col)
    school = grade >= 1
    diff = age - (grade + 5)
    gdtx = pl.col("__level").is_in(["GDTX"]) if "__level" in frame.columns else pl.lit(False)
    frame = sink.flag(
        frame, school & (diff > 3) & ~gdtx, "date_of_birth", "age_above_grade_limit", ERROR,
        _("The pupil is more than 3 years older than the age the charter sets for this grade."),
    )  # fmt: skip
    frame = sink.flag(
        frame, school & diff.is_between(2, 3) & ~gdtx, "date_of_birth", "age_older_than_usual", WARNING,
        _("The pupil is 2–3 years older than the usual age for this grade (late start or repeating)."),
    )  # fmt: skip
    too_young = (diff <= -2) | ((diff == -1) & (grade == 1))
    frame = sink.flag(
        frame, school & too_young, "date_of_birth", "age_below_grade_limit", ERROR,
        _("The pupil is younger than the charter allows for this grade, even with grade-skipping."),
    )  # fmt: skip
    frame = sink.flag(
        frame, school & (diff == -1) & (grade > 1), "date_of_birth", "age_younger_grade_skip", WARNING,
        _("The pupil is a year younger than the grade's age: only possible by grade-skipping."),
    )  # fmt: skip
    pre = frame.select((grade == 0).fill_null(False)).to_series()
    if not pre.any():
        return frame
    names = frame.filter(pre)["class_name"].unique().to_list() if "class_name" in frame.columns else [None]
    bands = {n: preschool_band(n) for n in names}
    if "class_name" in frame.columns:
        lo = pl.col("class_name").replace_strict(
            {n: b[0] for n, b in bands.items() if n}, default=PRESCHOOL_ANY[0]
        )
        hi = pl.col("class_name").replace_strict(
            {n: b[1] for n, b in bands.items() if n}, default=PRESCHOOL_ANY[1]
        )
    else:
        lo, hi = pl.lit(PRESCHOOL_ANY[0]), pl.lit(PRESCHOOL_ANY[1])
    off = pl.when(age < lo).then(lo - age).when(age > hi).then(age - hi).otherwise(0)
    preschool = grade == 0
    frame = sink.flag(
        frame, preschool & (off >= 2), "date_of_birth", "age_outside_preschool_band", ERROR,
        _("The child's age does not fit this preschool group (Nhà trẻ 0–2, Mầm 3, Chồi 4, Lá 5 in the year "
          "the school year starts)."),
    )  # fmt: skip
    return sink.flag(
        frame, preschool & (off == 1), "date_of_birth", "age_near_preschool_band", WARNING,
        _("The child is a year outside this preschool group's age band (a mixed-age group?)."),
    )  # fmt: skip
