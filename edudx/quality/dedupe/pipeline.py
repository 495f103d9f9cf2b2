"""One run of the duplicate finder: frame → train (EM on the data) → candidate pairs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _
from splink.internals.exceptions import EMTrainingException

from edudx.core.errors import ValidationFailed

from . import frames, model

Progress = Callable[[str, int], None]


@dataclass
class Result:
    pairs: pl.DataFrame  # unique_id_l, unique_id_r, match_probability (+ codes joined by `with_codes`)
    model: dict[str, Any]
    records: int
    seconds: dict[str, float] = field(default_factory=dict)


def find_pairs(
    raw: pl.DataFrame,
    kind: str,
    *,
    threshold: float,
    threads: int | None = None,
    trained: dict[str, Any] | None = None,
    progress: Progress | None = None,
    chunk_rows: int = model.CHUNK_ROWS,
) -> Result:
    """Pairs of `raw` (frames.SOURCE_COLUMNS) above `threshold`. `trained` reuses a stored model
    (a file checked against the registry's model); else the model is trained on `raw` itself."""
    say = progress or (lambda step, pct: None)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    frame = frames.matching_frame(raw)
    seconds["fold"] = time.perf_counter() - t
    say("training", 30)
    t = time.perf_counter()
    if trained is not None:
        params = trained
    else:
        try:
            params = model.train(frame, kind, threads=threads)
        except (
            ValueError,
            ZeroDivisionError,
            EMTrainingException,
        ) as exc:  # nothing to learn from: tiny data
            raise ValidationFailed(
                _("Too few records to learn from: a model is trained on at least a school's worth of data."),
                code="dedupe_cannot_train",
            ) from exc
    seconds["train"] = time.perf_counter() - t
    say("scoring", 60)
    t = time.perf_counter()
    pairs = model.predict(
        frame, params, threshold=threshold, threads=threads, chunk_rows=chunk_rows,
        progress=lambda i, n: say("scoring", 60 + (35 * i) // n),
    )  # fmt: skip
    seconds["predict"] = time.perf_counter() - t
    return Result(pairs=pairs, model=params, records=frame.height, seconds=seconds)


def with_codes(pairs: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Each pair with both records' school and person codes, the lower id first."""
    codes = raw.select("unique_id", "school_code", "code")
    return (
        pairs.join(codes.rename({"unique_id": "unique_id_l", "school_code": "school_code_a", "code": "code_a"}),
                   on="unique_id_l", how="left")
        .join(codes.rename({"unique_id": "unique_id_r", "school_code": "school_code_b", "code": "code_b"}),
              on="unique_id_r", how="left")
        .sort("match_probability", descending=True)
    )  # fmt: skip
