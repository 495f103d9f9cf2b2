"""The Splink model: comparisons that fit Vietnamese records, blocking for a city, EM training.

Every comparison reads the folded columns `frames.matching_frame` makes. Levels are ordered from
the most to the least specific; Splink learns each level's m and u from the data itself
(u by random sampling, m by expectation–maximisation on two blocks, no labels), so "given name
above family name" and "Nguyễn means little" come out of the data: the family name's exact level
carries a term-frequency adjustment, and a given name agreeing is rarer among non-matches.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.chunking import _blocked_pairs_cache_key
from splink.internals.exceptions import EMTrainingException

logger = logging.getLogger(__name__)

# Scoring is chunked (see `predict`): records per chunk on the left side of the blocking joins,
# and DuckDB's memory ceiling before it spills to its temporary directory.
CHUNK_ROWS = 300_000
MEMORY_LIMIT = "3GB"

# The parameters EM starts from; the trained model replaces them (see `train`).
_PRIOR_MATCH = 1e-6
# Among two different persons, an equal personal ID happens only by a typing error, and one a
# digit or a swap away about once in a million pairs (≈ 119 neighbours of an ID in a space of
# ~10^8 issued per province and year). Random sampling never meets either at any feasible
# sample size, so u is set, not sampled; m is learned.
_U_PID_EXACT = 1e-9
_U_PID_NEAR = 1e-6


def shared_value_rate(frame: pl.DataFrame, column: str) -> float:
    """Share of all pairs of records that hold the same non-null value: the exact u of "equal"
    for a column random sampling cannot observe (a parent phone is shared by siblings only)."""
    n = frame.height
    if n < 2:
        return 1e-6
    groups = frame.select(pl.col(column)).drop_nulls().group_by(column).len()
    same = float((groups["len"].cast(pl.Float64) * (groups["len"] - 1) / 2).sum())
    return max(same / (n * (n - 1) / 2), 1e-9)


def _null(col: str) -> Any:
    return cll.NullLevel(col)


def _name_part(col: str, label: str, *, tf: bool, other_m: float | None = None) -> Any:
    """A name part: exact (term-frequency adjusted), present in the other name in another
    place (family name typed last), one edit away (a typo), close (Jaro–Winkler), else."""
    return cl.CustomComparison(
        output_column_name=label,
        comparison_levels=[
            _null(col),
            cll.ExactMatchLevel(col, term_frequency_adjustments=tf),
            cll.CustomLevel(
                f'list_contains("tokens_r", "{col}_l") AND list_contains("tokens_l", "{col}_r")',
                label_for_charts="same word, other place",
            ),
            cll.DamerauLevenshteinLevel(col, 1),
            cll.JaroWinklerLevel(col, 0.9),
            _rare_for_one_person(cll.ElseLevel(), other_m) if other_m else cll.ElseLevel(),
        ],
    )


def _rare_for_one_person(level: Any, m: float) -> Any:
    """A level one person's two records almost never reach (a wholly different ID, another
    gender). EM on a clean registry drives its m to exactly 0 (float underflow, which Splink
    refuses); it is fixed at the rate at which schools make that mistake instead."""
    return level.configure(m_probability=m, fix_m_probability=True)


def comparisons(kind: str, *, u_phone: float = 1e-6, u_email: float = 1e-6) -> list[Any]:
    items: list[Any] = [
        _name_part("given", "given_name", tf=True, other_m=0.01),  # another given name: rare
        _name_part("family", "family_name", tf=True),
        cl.CustomComparison(
            output_column_name="middle_name",
            comparison_levels=[
                cll.CustomLevel(
                    '("middle_l" IS NULL AND "middle_r" IS NULL)', label_for_charts="both without"
                ).configure(is_null_level=True),
                cll.ExactMatchLevel("middle"),
                cll.CustomLevel(
                    '"tokens_key_l" = "tokens_key_r"', label_for_charts="same words, other order"
                ),
                cll.JaroWinklerLevel("middle", 0.9),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="date_of_birth",
            comparison_levels=[
                _null("dob"),
                cll.ExactMatchLevel("dob"),
                cll.CustomLevel(
                    '"birth_year_l" = "birth_year_r" AND "dm_low_l" = "dm_low_r" AND "dm_high_l" = "dm_high_r"',
                    label_for_charts="day and month swapped",
                ),
                cll.DamerauLevenshteinLevel("dob", 1),
                _rare_for_one_person(
                    cll.CustomLevel(
                        'abs(date_diff(\'day\', CAST("dob_l" AS DATE), CAST("dob_r" AS DATE))) <= 366',
                        label_for_charts="within a year",
                    ),
                    0.02,
                ),
                _rare_for_one_person(cll.ElseLevel(), 0.01),
            ],
        ),
        cl.CustomComparison(
            output_column_name="personal_id",
            comparison_levels=[
                _null("pid"),
                # Never met in a registry (a unique index); in a file against the registry it is.
                cll.ExactMatchLevel("pid").configure(
                    m_probability=0.5, u_probability=_U_PID_EXACT, fix_u_probability=True
                ),
                cll.DamerauLevenshteinLevel("pid", 1).configure(
                    label_for_charts="one digit wrong or two swapped",
                    u_probability=_U_PID_NEAR,
                    fix_u_probability=True,
                ),
                _rare_for_one_person(cll.ElseLevel(), 0.02),
            ],
        ),
        cl.CustomComparison(
            output_column_name="gender",
            comparison_levels=[
                _null("gender"),
                cll.ExactMatchLevel("gender").configure(m_probability=0.99, fix_m_probability=True),
                _rare_for_one_person(cll.ElseLevel(), 0.01),
            ],
        ),
        cl.CustomComparison(
            output_column_name="ethnicity",
            comparison_levels=[
                _null("ethnicity"),
                cll.ExactMatchLevel("ethnicity", term_frequency_adjustments=True),
                _rare_for_one_person(cll.ElseLevel(), 0.01),
            ],
        ),
        cl.CustomComparison(
            output_column_name="phone",
            comparison_levels=[
                _null("phone_digits"),
                cll.ExactMatchLevel("phone_digits").configure(u_probability=u_phone, fix_u_probability=True),
                cll.DamerauLevenshteinLevel("phone_digits", 1).configure(
                    m_probability=0.02, u_probability=min(1e-3, 10 * u_phone), fix_u_probability=True
                ),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="school_class",
            comparison_levels=[
                _null("school_code"),
                cll.CustomLevel(
                    '"school_code_l" = "school_code_r" AND "class_name_l" = "class_name_r"',
                    label_for_charts="same school and class",
                ).configure(m_probability=0.03, fix_m_probability=True),
                cll.ExactMatchLevel("school_code").configure(m_probability=0.07, fix_m_probability=True),
                cll.ElseLevel().configure(m_probability=0.9, fix_m_probability=True),
            ],
        ),
    ]
    if kind == "staff":
        items.append(
            cl.CustomComparison(
                output_column_name="email",
                comparison_levels=[
                    _null("email"),
                    # A staff member's own address, or a school's shared one: u is how often two
                    # records share it in these data (as for phones).
                    cll.ExactMatchLevel("email").configure(u_probability=u_email, fix_u_probability=True),
                    cll.ElseLevel(),
                ],
            )
        )
    if kind == "students":
        items.append(
            cl.CustomComparison(
                output_column_name="parents",
                comparison_levels=[
                    _null("parents_folded"),
                    cll.ExactMatchLevel("parents_folded"),
                    # A parent's name retyped, or a guardian's in its place: rare, not impossible.
                    _rare_for_one_person(cll.JaroWinklerLevel("parents_folded", 0.9), 0.05),
                    _rare_for_one_person(cll.ElseLevel(), 0.03),
                ],
            )
        )
    return items


def blocking_rules() -> list[Any]:
    """Each rule is an equi-join with small blocks at 2.5 M pupils; a true pair needs to meet
    one of them. Together they survive one damage of each kind the schools make (domain.md)."""
    return [
        block_on("given", "dob"),  # the usual case: same given name and birth date
        block_on("family", "given", "birth_year", "dm_low", "dm_high"),  # day/month swapped
        block_on("tokens_key", "dob"),  # family name typed last
        block_on("family", "dob", "given_initial"),  # a typo in the given name
        block_on("pid_tail"),  # an ID with its first six digits mistyped
        block_on("pid_head", "dob"),  # an ID with its last four digits mistyped
        block_on("phone_digits", "birth_year"),  # a name and birth date both damaged
        block_on("parents_folded", "birth_year"),  # the same, with another phone
        block_on("email", "birth_year"),  # staff: a moved teacher's own address (pupils have none)
    ]


def settings(kind: str, *, u_phone: float = 1e-6, u_email: float = 1e-6) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(kind, u_phone=u_phone, u_email=u_email),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=_PRIOR_MATCH,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
        max_iterations=20,
    )


def _linker(frame: pl.DataFrame, model: SettingsCreator | dict[str, Any], *, threads: int | None) -> Linker:
    db_api = DuckDBAPI()
    if threads:
        db_api.duckdb_con.execute(f"SET threads = {int(threads)}")
    # DuckDB spills to disk past this instead of growing (its default is 80 % of the machine).
    db_api.duckdb_con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    spill = Path(tempfile.gettempdir()) / "edudx-duckdb"  # never the working directory (DuckDB's default)
    db_api.duckdb_con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    db_api.duckdb_con.execute("SET preserve_insertion_order = false")
    table = db_api.register(frame.to_arrow(), table_name="people")
    return Linker(table, model, log_level=logging.WARNING)


def train(frame: pl.DataFrame, kind: str, *, threads: int | None = None, seed: int = 14) -> dict[str, Any]:
    """Train on the data itself and return the Splink model as JSON (a dict)."""
    linker = _linker(
        frame,
        settings(
            kind,
            u_phone=shared_value_rate(frame, "phone_digits"),
            u_email=shared_value_rate(frame, "email"),
        ),
        threads=threads,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_folded", "dob", "phone_digits")], recall=0.6
    )
    pairs = frame.height * (frame.height - 1) / 2
    settings_obj = linker._settings_obj  # where Splink keeps the estimate
    if not settings_obj._probability_two_random_records_match > 0:
        # Not one exact duplicate (a clean staff registry): a floor of about one pair in the data,
        # or the prior's log is undefined and EM cannot start.
        settings_obj._probability_two_random_records_match = max(1.0 / max(pairs, 1.0), 1e-9)
    # u from random pairs: 5 M at city scale, fewer for a small file (never more than exist).
    linker.training.estimate_u_using_random_sampling(max_pairs=min(5e6, max(1e5, pairs / 8)), seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given", "dob"), max_pairs=2e6
    )
    # Records sharing a parent phone: siblings and duplicates — trains the birth date and names.
    # Staff rarely share a phone: with no such pair the first block's parameters stand.
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("phone_digits"), max_pairs=2e6
        )
    except (EMTrainingException, ValueError, ZeroDivisionError):
        logger.info("no pairs sharing a phone to train on; the birth-date block's parameters are kept")
    return dict(linker.misc.save_model_to_json())


def predict(
    frame: pl.DataFrame,
    model: dict[str, Any],
    *,
    threshold: float,
    threads: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> pl.DataFrame:
    """Scored pairs above the threshold: unique_id_l, unique_id_r, match_probability.

    Scored in chunks of about `chunk_rows` records on the left side of the blocking joins (each
    against every record): a chunk's blocked pairs and scores are made, thresholded, copied out
    and dropped before the next, so the peak is one chunk's pairs, not the city's."""
    linker = _linker(frame, model, threads=threads)
    n = max(1, math.ceil(frame.height / max(1, chunk_rows)))
    cache = linker._intermediate_table_cache  # Splink keeps each chunk's blocked pairs: dropped below
    parts: list[pl.DataFrame] = []
    for i in range(1, n + 1):
        chunk = (i, n) if n > 1 else None
        scored = linker.inference.predict_chunk(
            left_chunk=chunk, right_chunk=None, threshold_match_probability=threshold, warning_mode="never"
        )
        out = pl.from_arrow(scored.as_pyarrow_table())
        assert isinstance(out, pl.DataFrame)
        parts.append(out.select("unique_id_l", "unique_id_r", "match_probability"))
        scored.drop_table_from_database_and_remove_from_cache()
        key = _blocked_pairs_cache_key(chunk, None)
        if key in cache:
            cache[key].drop_table_from_database_and_remove_from_cache()
        if progress:
            progress(i, n)
    return (
        pl.concat(parts)
        if parts
        else pl.DataFrame(
            schema={"unique_id_l": pl.Int64, "unique_id_r": pl.Int64, "match_probability": pl.Float64}
        )
    )
