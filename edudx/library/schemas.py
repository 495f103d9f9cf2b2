from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from edudx.core.ids import Id


class ResourceOut(Schema):
    id: int
    title: str
    description: str
    resource_type: str
    subject: str
    grades: list[int]
    topic: str
    outcome: str
    series: str
    language: str
    licence: str
    authors: str
    url: str
    school_id: int
    state: str
    review_comment: str
    takedown_reason: str
    published_at: dt.datetime | None
    current_version: int | None = Field(None, alias="current_version_id")
    view_count: int
    download_count: int
    rating: float | None
    rating_count: int
    created_at: dt.datetime
    updated_at: dt.datetime


class Facet(Schema):
    value: str
    count: int


class SearchOut(Schema):
    items: list[ResourceOut]
    total: int
    capped: bool = Field(
        False,
        description="total and facets were counted over the newest 3,000 matches and there are more: lower bounds",
    )
    corrected: str = Field(
        "",
        description="the query matched nothing; these are the results of this closest query "
        "(its words folded: one edit for words of 4+ letters, two for 8+) — offer it as 'Did you mean'",
    )
    next_cursor: str | None
    prev_cursor: str | None
    facets: dict[str, list[Facet]]


class ResourceIn(Schema):
    title: str = Field(..., max_length=300)
    description: str = ""
    resource_type: str = ""
    subject: str
    grades: list[int]
    topic: str = ""
    outcome: str = ""
    series: str = ""
    language: str = "vi"
    licence: str = ""
    authors: str = ""
    url: str = ""
    school_id: Id | None = None


class ResourcePatch(Schema):
    title: str | None = None
    description: str | None = None
    resource_type: str | None = None
    subject: str | None = None
    grades: list[int] | None = None
    topic: str | None = None
    outcome: str | None = None
    series: str | None = None
    language: str | None = None
    licence: str | None = None
    authors: str | None = None
    url: str | None = None


class VersionOut(Schema):
    id: int
    number: int
    original_name: str
    mime: str
    kind: str
    size: int
    sha256: str
    note: str
    created_at: dt.datetime


class StepIn(Schema):
    comment: str = ""
    reason: str = ""


class RatingIn(Schema):
    stars: int = Field(..., ge=1, le=5)


class CommentIn(Schema):
    text: str = Field(..., max_length=4000)


class CommentOut(Schema):
    id: int
    user_id: int
    text: str
    created_at: dt.datetime


class CollectionIn(Schema):
    title: str = Field(..., max_length=300)
    description: str = ""
    subject: str = ""
    grade: int | None = None
    visibility: str = "private"


class ItemOut(Schema):
    id: int
    resource_id: int
    title: str
    position: int
    note: str


class CollectionOut(Schema):
    id: int
    title: str
    description: str
    subject: str
    grade: int | None
    visibility: str
    owner_id: int
    school_id: int
    updated_at: dt.datetime


class CollectionPage(Schema):
    items: list[CollectionOut]
    next_cursor: str | None
    prev_cursor: str | None


class CollectionDetail(CollectionOut):
    items: list[ItemOut]


class ItemIn(Schema):
    resource_id: Id
    note: str = ""


class OrderIn(Schema):
    item_ids: list[Id]


class PlatformIn(Schema):
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str = ""
    key_set: dict | None = None


class PlatformOut(PlatformIn):
    id: int
    active: bool
