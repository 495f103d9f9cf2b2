"""Stage 5 — validate: field rules, cross-field rules, duplicates inside the file.

Rules are vectorised over a chunk. References (schools, classes) are resolved by the kind's
`resolve` in bulk, once per chunk, never per row. The rule helpers kinds reuse (one personal ID
per person in a file, person rules, age against grade) are part of the kind contract, kinds.py.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR

from ..kinds import KEY, Kind
from .normalise import Sink
from .read import ROW


def required_values(frame: pl.DataFrame, sink: Sink, kind: Kind) -> pl.DataFrame:
    """A blank cell of a column that needs a value. One error per cell: a cell that was filled
    but refused by its normaliser (an unknown class, date or gender) already has its error."""
    for col in kind.columns:
        if col.not_blank and col.key in sink.header_of:
            blank = frame[col.key].is_null()
            refused = sink.errored.get(col.key)
            if refused:
                blank = blank & ~frame[ROW].is_in(list(refused))
            frame = sink.flag(frame, blank, col.key, "value_required", ERROR, _("A value is required."))
    return frame


def natural_key(frame: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    parts = [
        pl.when(pl.col(k).is_not_null()).then(pl.lit(f"{k}=") + pl.col(k).cast(pl.String))
        for k in kind.natural_key
    ]
    return frame.with_columns(pl.coalesce(parts).alias(KEY))


class Duplicates:
    """Natural keys seen so far in the file, across chunks: the keys with their first row (for
    the message), and their hashes in a few sorted runs that each chunk's hashes are looked up in
    by binary search. A hash set built from every earlier key at each chunk made a big file's
    check grow with the square of its chunks (2.6 s of CPU for a 2.5 M-row file, 50 chunks)."""

    def __init__(self) -> None:
        self.seen = pl.DataFrame(schema={KEY: pl.String, "__first": pl.Int64})
        self.runs: list[pl.Series] = []  # sorted hashes, each run at least twice the next one's size

    def _seen_before(self, hashes: pl.Series) -> pl.Series:
        hit = pl.repeat(False, hashes.len(), eager=True)
        for run in self.runs:
            at = run.search_sorted(hashes, side="left").clip(0, run.len() - 1)
            hit = hit | (run.gather(at) == hashes)
        return hit

    def _remember(self, hashes: pl.Series) -> None:
        if hashes.len() == 0:
            return
        self.runs.append(hashes.sort())
        while len(self.runs) > 1 and self.runs[-2].len() < 2 * self.runs[-1].len():
            last = self.runs.pop()
            self.runs[-1] = pl.concat([self.runs[-1], last]).sort()

    def check(self, frame: pl.DataFrame, sink: Sink, kind: Kind) -> pl.DataFrame:
        keys = frame[KEY]
        present = keys.is_not_null()
        hashes = keys.hash(seed=7)
        within = keys.is_duplicated() & ~keys.is_first_distinct()
        candidates = self._seen_before(hashes) & present
        earlier = candidates
        if candidates.any():  # confirm hash hits by the text itself
            hit = self.seen.filter(pl.col(KEY).is_in(keys.filter(candidates).implode()))[KEY]
            earlier = candidates & keys.is_in(hit.implode())
        dup = present & (within | earlier)
        fresh = present & ~dup
        self.seen = pl.concat([self.seen, frame.filter(fresh).select(KEY, pl.col(ROW).alias("__first"))])
        self._remember(hashes.filter(fresh))
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


def missing_key(frame: pl.DataFrame, sink: Sink, kind: Kind) -> pl.DataFrame:
    return sink.flag(
        frame,
        frame[KEY].is_null(),
        kind.natural_key[0],
        "key_missing",
        ERROR,
        _("The record has no identifier (MOET code or personal ID)."),
    )
