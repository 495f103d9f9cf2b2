"""Typed shapes of the organisation API."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from edudx.core.ids import Id


class Cursor(Schema):
    cursor: str | None = Field(None, description="`next_cursor` or `prev_cursor` of another page")
    limit: int = Field(50, ge=1, le=500)


class UnitFilter(Schema):
    kind: str = Field("", description="department, ward, commune, school, …")
    within: Id | None = Field(None, description="Only units in the subtree of this unit id")
    q: str = Field("", max_length=100, description="Code or part of the name")


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int
    path: str
    is_active: bool

    @staticmethod
    def build(u: Any) -> UnitOut:
        return UnitOut(
            id=u.pk,
            code=u.code,
            name=u.name,
            kind=u.kind,
            parent_id=u.parent_id,
            depth=u.depth,
            path=u.path,
            is_active=u.is_active,
        )


class UnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class GroupingOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    description: str
    owner: UnitRef


class GroupingDetail(GroupingOut):
    members: list[UnitRef] = Field(description="Members inside the caller's scope")


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None
    prev_cursor: str | None


class GroupingPage(Schema):
    items: list[GroupingOut]
    next_cursor: str | None
    prev_cursor: str | None


def unit_ref(u: Any) -> UnitRef:
    return UnitRef(id=u.pk, code=u.code, name=u.name, kind=u.kind)


def grouping_out(g: Any) -> GroupingOut:
    return GroupingOut(
        id=g.pk, code=g.code, name=g.name, kind=g.kind, description=g.description, owner=unit_ref(g.owner)
    )
