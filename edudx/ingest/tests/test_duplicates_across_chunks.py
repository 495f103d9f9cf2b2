"""In-file duplicates across many chunks: every repeat is found, in its own chunk or in any
earlier one, and named with the row it repeats; a key is remembered once."""

from __future__ import annotations

import random

import polars as pl

from edudx.ingest.engine.problems import Problems
from edudx.ingest.engine.read import ROW
from edudx.ingest.engine.validate import Duplicates
from edudx.ingest.kinds import KEY


class _Kind:
    natural_key = ("result_key",)


class _Sink:
    def __init__(self) -> None:
        self.problems = Problems()
        self.header_of: dict[str, str] = {}


def test_repeats_are_found_in_any_earlier_chunk_and_name_their_first_row():
    rng = random.Random(18)
    keys = [None if rng.random() < 0.02 else f"k{rng.randrange(2000)}" for _ in range(9000)]
    dups, sink, flagged = Duplicates(), _Sink(), []
    for start in range(0, len(keys), 300):  # 30 chunks
        part = keys[start : start + 300]
        frame = pl.DataFrame(
            {KEY: part, ROW: range(start + 2, start + 2 + len(part)), "__err": [False] * len(part)},
            schema={KEY: pl.String, ROW: pl.Int64, "__err": pl.Boolean},
        )
        flagged += dups.check(frame, sink, _Kind())["__err"].to_list()
    first: dict[str, int] = {}
    expected, named = [], []
    for i, key in enumerate(keys):
        repeat = key is not None and key in first
        expected.append(repeat)
        if repeat:
            named.append((i + 2, first[key]))
        elif key is not None:
            first[key] = i + 2
    assert flagged == expected and sum(expected) > 6000 and dups.hashes.len() == len(first)
    found = [(p.row, p.message) for p in sink.problems.items if p.code == "duplicate_in_file"]
    assert [row for row, _m in found] == [row for row, _f in named]
    assert all(str(f) in str(m) for (_r, m), (_r2, f) in zip(found, named, strict=True))
