"""One filter definition per list, shared by the HTML pages and the API."""

from __future__ import annotations

from pydantic import Field, field_validator

from edudx.core.filters import FilterModel
from edudx.core.ids import Id

RESOURCE_SORTS = {
    "relevance": (),  # by search rank; falls back to newest without a query
    "newest": ("-published_at", "-id"),
    "most_used": ("-use_count", "-id"),
    "top_rated": ("-rating_sum", "-id"),
}
OWN_SORTS = {"updated": ("-updated_at", "-id"), "title": ("search_title", "id")}


class ResourceFilter(FilterModel):
    q: str = Field("", max_length=200)
    subject: str = ""
    grade: int | None = Field(None, ge=0, le=12)
    resource_type: str = ""
    licence: str = ""
    series: str = ""
    language: str = ""
    school: Id | None = None
    sort: str = "relevance"

    @field_validator("grade", "school", mode="before")
    @classmethod
    def _blank_none(cls, v):
        return None if v in ("", None) else v

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, v: str) -> str:
        return v if v in RESOURCE_SORTS else "relevance"


class OwnFilter(FilterModel):
    q: str = Field("", max_length=200)
    state: str = ""
    sort: str = "updated"

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, v: str) -> str:
        return v if v in OWN_SORTS else "updated"
