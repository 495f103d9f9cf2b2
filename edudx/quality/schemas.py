"""API shapes of quality (/api/v1/quality/)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class PairOut(Schema):
    id: int
    kind: str
    record_a: int
    record_b: int
    school_a_id: int | None
    school_b_id: int | None
    probability: float
    state: str
    found_at: datetime
    decided_at: datetime | None


class PairPage(Schema):
    items: list[PairOut]
    next_cursor: str | None
    prev_cursor: str | None


class DecisionIn(Schema):
    decision: str = Field(pattern="^(different|unsure)$")


class MergeIn(Schema):
    survivor_id: int
    take: list[str] = Field(default_factory=list, max_length=40)


class MergeOut(Schema):
    id: int
    pair_id: int
    survivor_id: int
    merged_id: int
    state: str
    auto: bool
    at: datetime
    undone_at: datetime | None
    take: list[str]

    @staticmethod
    def resolve_take(obj) -> list[str]:
        return list(obj.snapshot.get("take", []))


class PairQuery(Schema):
    kind: str | None = Field(default=None, pattern="^(students|staff)$")
    state: str | None = Field(default="open", pattern="^(open|unsure|different|merged)$")
    min_probability: float = Field(default=0.0, ge=0, le=1)
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=50, ge=1, le=200)
