from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from edudx.core.ids import Id

Kind = Literal["student", "staff"]


class VerificationStatusOut(Schema):
    kind: Kind
    person_id: int
    status: str
    differing_fields: list[str] = []
    checked_at: dt.datetime | None = None
    source: str = ""


class VerificationCountsOut(Schema):
    kind: Kind
    school_id: int | None = None
    total: int
    counts: dict[str, int]


class VerifyIn(Schema):
    kind: Kind = "student"
    ids: list[Id] = Field(..., min_length=1, max_length=100)


class VerifyOut(Schema):
    checked: int
    skipped: int
    counts: dict[str, int]
    results: list[VerificationStatusOut]


class VerificationRunIn(Schema):
    kind: Kind = "student"
    school: Id | None = Field(None, description="A school's id; empty for everyone in your scope")


class VerificationRunOut(Schema):
    id: int
    kind: str
    school_id: int | None
    state: str
    total: int
    done: int
    percent: int
    counts: dict[str, int]
    created_at: dt.datetime
    finished_at: dt.datetime | None
