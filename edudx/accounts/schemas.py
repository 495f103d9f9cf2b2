"""Typed shapes of the accounts API: the current user and their API tokens."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field, field_validator


class Cursor(Schema):
    cursor: str | None = Field(None, description="`next_cursor` or `prev_cursor` of another page")
    limit: int = Field(50, ge=1, le=500)


class RoleOut(Schema):
    role: str
    role_label: str
    unit_id: int | None
    unit_name: str
    grouping_id: int | None
    grouping_name: str


class ScopeSummary(Schema):
    permissions: list[str] = Field(description="Permissions the user holds somewhere")
    unit_ids: list[int] = Field(description="Units the user's roles are attached to")
    grouping_ids: list[int] = Field(description="Groupings the user's roles are attached to")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    language: str
    roles: list[RoleOut]
    scope: ScopeSummary


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_at: dt.datetime | None = None

    @field_validator("expires_at")
    @classmethod
    def _in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        # Any offset Python accepts (up to ±23:59) reaches the database as UTC: PostgreSQL
        # refuses a displacement beyond ±15:59 (it was a 500).
        if value is None or value.tzinfo is None:
            return value
        try:
            return value.astimezone(dt.UTC)
        except OverflowError as exc:
            raise ValueError("date out of range") from exc


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    key: str = Field(description="The secret; shown once, never again")


class TokenList(Schema):
    items: list[TokenOut]
    next_cursor: str | None
    prev_cursor: str | None
