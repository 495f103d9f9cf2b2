"""The matching frame: one row per person, its values folded the way a careful officer reads them.

Names: legacy-font repair (TCVN3/VNI, the importer's own `repair_legacy_font`), then
`core.text.fold` (diacritics, đ→d, case, spacing), per word — a city has a few thousand distinct
name words, so each is repaired and folded once. Parts: `family` the first word, `given` the
last, `middle` the words between, `tokens` the sorted words (a name typed family-last has the
same tokens). Personal IDs through the importer's `normalise_pid`; phones reduced to digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from edudx.core.text import fold
from edudx.ingest.services import normalise_pid, repair_legacy_font

# What a source hands over, per person (None where unknown).
SOURCE_COLUMNS = (
    "unique_id",
    "school_code",
    "code",
    "full_name",
    "date_of_birth",
    "gender",
    "personal_id",
    "ethnicity",
    "phone",
    "class_name",
    "parents",
    "email",  # staff: a moved teacher often keeps their own address (pupils: none)
)
SCHEMA: dict[str, Any] = {
    "unique_id": pl.Int64,
    "school_code": pl.String,
    "code": pl.String,
    "full_name": pl.String,
    "date_of_birth": pl.Date,
    "gender": pl.String,
    "personal_id": pl.String,
    "ethnicity": pl.String,
    "phone": pl.String,
    "class_name": pl.String,
    "parents": pl.String,
    "email": pl.String,
}


def raw_frame(rows: Iterable[Sequence[Any]]) -> pl.DataFrame:
    """Rows in SOURCE_COLUMNS order; a source with no e-mail (pupils) may leave the last out."""
    listed = list(rows)
    if listed and len(listed[0]) == len(SCHEMA) - 1:
        short = {k: v for k, v in SCHEMA.items() if k != "email"}
        return pl.DataFrame(listed, schema=short, orient="row").with_columns(
            pl.lit(None, dtype=pl.String).alias("email")
        )
    return pl.DataFrame(listed, schema=SCHEMA, orient="row")


def _word(word: str) -> str:
    fixed, _which = repair_legacy_font(word)
    return fold(fixed)


def _fold_words(column: pl.Series) -> pl.Series:
    """Folded words of each value (a list per row), each distinct word repaired once."""
    words = pl.DataFrame({"w": column.fill_null("").str.strip_chars().str.split(" ")}).with_row_index("i")
    flat = words.explode("w")
    distinct = flat["w"].drop_nulls().unique()
    mapping = {w: _word(w) for w in distinct.to_list()}
    flat = flat.with_columns(pl.col("w").replace_strict(mapping, default=""))
    out = (
        flat.filter(pl.col("w") != "")
        .group_by("i", maintain_order=True)
        .agg("w")
        .join(words.select("i"), on="i", how="right")
        .sort("i")
    )
    return out["w"].fill_null(pl.lit([], dtype=pl.List(pl.String)))


def _pid(value: str | None) -> str | None:
    if not value:
        return None
    text, _issues = normalise_pid(value)
    return text or None


def matching_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """The frame Splink reads: raw columns kept, folded and derived ones added."""
    words = _fold_words(raw["full_name"])
    parents = _fold_words(raw["parents"]).list.join(" ")
    pids = raw["personal_id"]
    # Stored IDs are already clean: only an unusual one goes through the importer's normaliser.
    clean = pids.str.contains(r"^[0-9]{12}$").fill_null(False)
    odd = pids.filter(~clean & pids.is_not_null()).unique().to_list()
    pid_map = {p: _pid(p) for p in odd}
    fixed = pl.select(
        pl.when(pl.lit(clean))
        .then(pl.lit(pids))
        .otherwise(pl.lit(pids).replace_strict(pid_map, default=None))
    ).to_series()
    frame = raw.with_columns(
        words.alias("name_words"),
        parents.alias("parents_folded"),
        fixed.alias("pid"),
    ).with_columns(
        pl.col("name_words").list.first().alias("family"),
        pl.col("name_words").list.last().alias("given"),
        pl.col("name_words")
        .list.slice(1, pl.col("name_words").list.len() - 2)
        .list.join(" ")
        .alias("middle"),
        pl.col("name_words").list.sort().alias("tokens"),
        pl.col("name_words").list.join(" ").alias("name_folded"),
        pl.col("date_of_birth").cast(pl.String).alias("dob"),
        pl.col("date_of_birth").dt.year().alias("birth_year"),
        pl.min_horizontal(pl.col("date_of_birth").dt.day(), pl.col("date_of_birth").dt.month()).alias(
            "dm_low"
        ),
        pl.max_horizontal(pl.col("date_of_birth").dt.day(), pl.col("date_of_birth").dt.month()).alias(
            "dm_high"
        ),
        pl.col("phone").str.replace_all(r"\D", "").alias("phone_digits"),
        pl.col("ethnicity").replace("", None).alias("ethnicity"),
        pl.col("class_name").str.to_uppercase().alias("class_name"),
        pl.col("email").str.strip_chars().str.to_lowercase().alias("email"),
    )
    frame = frame.with_columns(
        pl.col("tokens").list.join(" ").alias("tokens_key"),
        pl.col("middle").replace("", None),
        pl.col("parents_folded").replace("", None),
        pl.col("phone_digits").replace("", None),
        pl.col("email").replace("", None),
        pl.col("family").replace("", None),
        pl.col("given").replace("", None),
        pl.col("pid").str.slice(6, 6).alias("pid_tail"),
        pl.col("pid").str.slice(0, 8).alias("pid_head"),
        pl.col("given").str.slice(0, 1).alias("given_initial"),
    )
    return frame.drop("name_words", "parents", "phone", "personal_id", "date_of_birth")


def naive_key(frame: pl.DataFrame) -> pl.DataFrame:
    """The baseline the issue quotes: folded full name + birth date, nothing else."""
    return frame.select("unique_id", pl.concat_str("name_folded", "dob", separator="|").alias("naive"))
