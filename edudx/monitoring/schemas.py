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
