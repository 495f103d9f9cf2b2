"""API shapes of quality (/api/v1/quality/)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    state: str | None = Field(default="open", pattern="^(open|unsure|different|merged|closed)$")
    min_probability: float = Field(default=0.0, ge=0, le=1)
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=50, ge=1, le=200)


# ----- data-quality rules and scorecards
class RuleIn(Schema):
    """The department's setting of a rule; fields left out keep their value."""

    active: bool | None = None
    threshold: float | None = Field(default=None, ge=0, le=100)
    severity: str | None = Field(default=None, pattern="^(error|warning)$")
    levels: list[str] | None = Field(default=None, max_length=10)
    params: dict[str, Any] | None = None


class RuleOut(Schema):
    code: str
    dimension: str
    label: str
    active: bool
    threshold: float
    severity: str
    levels: list[str]
    params: dict[str, Any]
    version: int


class DeadlineIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    due: date
    window_days: int = Field(default=30, ge=1, le=366)


class CardOut(Schema):
    overall: float | None
    dimensions: dict[str, float | None]
    rules: dict[str, list[int]]  # code: [checked, failed]
    flags: int
    schools: int


class ScorecardRowOut(Schema):
    level: str
    key: int
    name: str
    code: str
    card: CardOut


class ScorecardOut(Schema):
    level: str
    key: int
    name: str
    as_of: datetime | None
    card: CardOut
    rows: list[ScorecardRowOut]
    outliers: list[dict[str, Any]]
    trend: list[dict[str, Any]]


class ScorecardQuery(Schema):
    level: str = Field(default="city", pattern="^(city|ward|cluster|school)$")
    key: int = Field(default=0, ge=0, le=2**62)
    rank: str = Field(
        default="overall",
        pattern="^(overall|completeness|validity|uniqueness|consistency|timeliness|verification)?$",
    )
