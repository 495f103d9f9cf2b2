"""Filter of the review queue (shared by the page; the API takes the same fields)."""

from __future__ import annotations

from typing import Literal

from edudx.core.filters import FilterModel


class PairFilter(FilterModel):
    kind: Literal["students", "staff"] | None = None
    state: Literal["open", "unsure", "different", "merged", "closed"] | None = "open"
    min_probability: float | None = None
