"""Typed inputs of the monitoring services (the forms build them, the API accepts them) and the
API's answers.

An input model used for an edit carries only the fields the caller set: the services write
`model_dump(exclude_unset=True)`, so a page that changed one field changes (and records) one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

Points = Decimal  # to two decimals, ≥ 0 (the database refuses more than the maximum)


class FrameworkIn(Schema):
    name: str = Field("", max_length=255)
    state: str = "draft"
    notes: str = ""
    source: str = Field("", max_length=255)
    levels_on_total: bool = False
    level2_min: Points = Field(Decimal(50), ge=0, max_digits=6, decimal_places=2)
    level3_above: Points = Field(Decimal(75), ge=0, max_digits=6, decimal_places=2)


class GroupIn(Schema):
    code: str = Field("", max_length=16)
    name: str = Field("", max_length=255)
    order: int = Field(0, ge=0, le=32767)
    max_points: Points = Field(Decimal(100), ge=0, max_digits=6, decimal_places=2)
    level2_min: Points = Field(Decimal(50), ge=0, max_digits=6, decimal_places=2)
    level3_above: Points = Field(Decimal(75), ge=0, max_digits=6, decimal_places=2)


class CriterionIn(Schema):
    code: str = Field("", max_length=16)
    name: str = Field("", max_length=500)
    order: int = Field(0, ge=0, le=32767)
    kind: str = "points"
    max_points: Points = Field(Decimal(0), ge=0, max_digits=6, decimal_places=2)
    bands: list[dict[str, Any]] = Field(default_factory=list)
    evidence_required: str = ""
    indicator_code: str = Field("", max_length=64)


class SubItemIn(Schema):
    code: str = Field("", max_length=16)
    name: str = Field("", max_length=500)
    order: int = Field(0, ge=0, le=32767)
    max_points: Points = Field(Decimal(0), ge=0, max_digits=6, decimal_places=2)


class CampaignPatch(Schema):
    """What may change on a campaign after it was created (coverage only while in draft)."""

    name: str = Field("", max_length=255)
    school_year: str = Field("", pattern=r"^\d{4}-\d{4}$")
    self_deadline: dt.date | None = None
    review_deadline: dt.date | None = None
    levels: list[str] = Field(default_factory=list)
    ownerships: list[str] = Field(default_factory=list)


class EntryIn(Schema):
    """One criterion of a self-assessment as the school typed it: points as text ("7,5" too) are
    parsed by the service, which names the field it refuses. Only the fields given are saved."""

    value: str | None = None
    comment: str | None = None
    met: bool | str | None = None
    points: str | Decimal | None = None
    sub_points: dict[str, str | Decimal | None] | None = None
    # Why the school enters other points than the automatic ones (required then, once).
    override_reason: str | None = None


# ----- answers of /api/v1/monitoring/
class ScoringBandOut(Schema):
    subitem: str
    indicator: str
    from_value: Decimal
    points: Decimal


class SubItemOut(Schema):
    code: str
    name: str
    max_points: Decimal


class CriterionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    max_points: Decimal
    evidence_required: str
    subitems: list[SubItemOut]
    scoring_bands: list[ScoringBandOut]


class GroupOut(Schema):
    code: str
    name: str
    max_points: Decimal
    level2_min: Decimal
    level3_above: Decimal
    criteria: list[CriterionOut]


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    year: int
    subject: str
    state: str
    source: str
    levels: list[str]


class CoverageOut(Schema):
    """Points an automatic indicator scores, per sub-item, of the framework's points."""

    points: Decimal
    points_total: Decimal
    share: float


class FrameworkDetailOut(FrameworkOut):
    groups: list[GroupOut]
    coverage: CoverageOut


class CampaignOut(Schema):
    id: int
    framework_id: int
    name: str
    school_year: str
    state: str
    self_deadline: dt.date
    review_deadline: dt.date
    levels: list[str]
    ownerships: list[str]
    published_at: dt.datetime | None


class CampaignPage(Schema):
    items: list[CampaignOut]
    next_cursor: str | None
    prev_cursor: str | None


class GroupResultOut(Schema):
    group: str
    points: Decimal
    mandatory_met: bool
    level: int


class AssessmentOut(Schema):
    id: int
    campaign_id: int
    # a school's assessment (4725), or an authority's (3806: a ward or the department)
    school_id: int | None
    school_moet_code: str
    school_name: str
    authority_id: int | None = None
    supervisor_id: int
    school_level: str
    ownership: str
    status: str
    deadline: dt.date
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    results: list[GroupResultOut]


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    next_cursor: str | None
    prev_cursor: str | None


class AutoPointOut(Schema):
    """Points an automatic indicator gave, with their evidence."""

    subitem: str
    indicator: str
    value: Decimal | None
    points: Decimal | None
    max_points: Decimal
    formula: str
    source: str
    as_of: dt.datetime


class EvidenceOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    record: str


class EntryOut(Schema):
    criterion: str
    value: str
    points: Decimal | None
    sub_points: dict[str, str]
    met: bool | None
    comment: str
    override_reason: str
    reviewed_points: Decimal | None
    review_reason: str
    review_comment: str
    final_points: Decimal
    automatic: list[AutoPointOut]
    evidence: list[EvidenceOut]


class ReviewOut(Schema):
    """The reviewer's decision on a self-assessment: the note and the external evaluation."""

    review_note: str
    external_evaluator: str
    external_date: dt.date | None
    external_note: str


class AssessmentDetailOut(AssessmentOut):
    entries: list[EntryOut]
    review: ReviewOut


class PublishedLevelOut(Schema):
    """A published result, keyed for the sector database by the school's MOET code."""

    school_id: int | None
    school_moet_code: str
    authority_id: int | None = None
    school_year: str
    framework: str
    group: str
    points: Decimal
    mandatory_met: bool
    level: int
    published_at: dt.datetime | None


class CursorQuery(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=500)
