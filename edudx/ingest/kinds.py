"""The Kind contract: what a module declares so the ingest engine can take its files in.

A kind is declared once, in its own app's `imports.py` (found at start-up by
core.autodiscover), and registered with `register()`. The engine does the rest: reading,
header mapping, normalisation, validation, preview, commit and the report. See README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING
from edudx.core.rules.provinces import PID_PROVINCES

if TYPE_CHECKING:
    from .engine.normalise import Sink

# Built-in normalisers (engine/normalise.py): each is vectorised over a polars column.
TEXT = "text"  # tidy spaces, NFC, legacy-font repair
NAME = "name"  # TEXT + capitalised words
CODE = "code"  # identifiers: no spaces, no trailing ".0" from numeric cells, upper case
DATE = "date"  # dd/mm/yyyy, d/m/yyyy, ISO, Excel serial → pl.Date
PERSONAL_ID = "personal_id"  # 12 digits, leading zeros restored
PHONE = "phone"  # 0xxxxxxxxx
SCHOOL_YEAR = "school_year"  # 2025-2026
CLASS_NAME = "class_name"  # "6a1" → "6A1"
INTEGER = "integer"

# Columns the engine adds to every frame a kind's steps receive: the row's number in the file
# (what a problem names) and its natural-key value (what `existing()` is keyed by).
ROW = "__row"
KEY = "__key"

# Scope (checked by the engine, engine/scope.py, never by a kind):
# every record `existing()` returns holds UNIT_PATH, the path of the unit that owns it;
# `locate()` gives, for every row, the path of the unit the row writes into.
UNIT_PATH = "__unit_path"
TARGET_PATH = "__target_path"
# A record `existing()` gives under a row's key not because the row identifies it but because
# the row would take one of its unique values (e.g. a matched pupil's new personal ID that
# another pupil holds): {"id", UNIT_PATH, CLAIMED: column key} and nothing else. The engine
# refuses the row: record_out_of_scope if that record is outside the scope (the same answer
# as a match), value_taken otherwise.
CLAIMED = "__claimed"


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # Vietnamese header as in the template (lazy text is fine)
    aliases: tuple[str, ...] = ()  # other headers: no accents, English, sector-export names
    required: bool = False  # the column must be present in the file
    not_blank: bool = False  # every row must have a value
    normaliser: str = TEXT
    # Enumerations: a function mapping what people type to a stored code (None = unknown),
    # with the labels offered in the template's dropdown.
    choices: Callable[[str], str | None] | None = None
    choice_labels: tuple[str, ...] = ()
    help: Any = ""  # one line for the template's explanation sheet
    example: str = ""


@dataclass
class Context:
    """What rules and writers need besides the rows: who, and shared bulk lookups."""

    actor: Any
    kind: Kind
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str  # "students": what `edudx import students FILE` says
    label: Any
    columns: tuple[Column, ...]
    # Natural keys in order of preference: the first non-empty one identifies a record.
    natural_key: tuple[str, ...]
    # Fields compared with the stored record to tell new / changed / unchanged.
    compared: tuple[str, ...]
    # Vectorised row rules: rule(frame, sink, ctx) — see engine/validate.py for the sink.
    rules: tuple[Callable[..., None], ...] = ()
    # resolve(frame, sink, ctx) -> frame: bulk lookups of references (schools, classes…),
    # adding columns such as `school_id`; rejects rows outside the actor's scope.
    resolve: Callable[..., pl.DataFrame] | None = None
    # existing(frame, ctx) -> {natural key value: {"id": …, UNIT_PATH: …, field: value…}} fetched
    # in bulk (one query per chunk); UNIT_PATH is the path of the unit owning the record.
    existing: Callable[..., dict[str, dict[str, Any]]] | None = None
    # write(actor=…, new=[row dicts], changed=[(id, row dict, changes)], ctx=…) -> None
    write: Callable[..., None] | None = None
    # bulk_load(size_bytes) -> context manager wrapped around the commit of a file larger than
    # INGEST_BULK_LOAD_BYTES (e.g. defer index upkeep when the load is big next to the table).
    bulk_load: Callable[[int], Any] | None = None
    permission: str = "ingest.run"
    description: Any = ""
    # Scope, enforced by the engine for every kind alike (engine/scope.py):
    # change_permission — what the actor needs (beside `permission`) on the unit of every record
    # a row matches and of every unit a row writes into;
    # locate(frame, ctx) -> pl.Series of unit paths, one per row (None where the row names no
    # known unit): where the row writes. Rows writing outside the scope are refused before
    # `resolve` runs; matched records outside it are refused before the preview sees them.
    change_permission: str = ""
    locate: Callable[..., pl.Series] | None = None
    locate_column: str = "school_code"  # the column named by a refusal of the target

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.required]


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if not kind.change_permission or kind.locate is None:
        raise ValueError(
            f"import kind {kind.name!r} must declare change_permission and locate: the engine checks the "
            "scope of every record a row matches and of every unit a row writes into"
        )
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    return _KINDS[name]


def all_kinds() -> Sequence[Kind]:
    return list(_KINDS.values())


# ----- Rule helpers a kind reuses in its `rules` (each flags rows through the sink it is given)
class SharedValue:
    """A column that identifies a person on its own (the personal ID) must not appear on two
    rows of one file under different natural keys: two pupils with one personal ID are one
    person typed twice, or a typing error. The later rows are refused, naming the first.
    Rows with the same natural key are left to the engine's duplicate check (one message per row). Across
    chunks, the values seen are kept as 64-bit hashes with their key, confirmed by text."""

    def __init__(self, column: str, key_column: str, code: str, message: Any) -> None:
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
