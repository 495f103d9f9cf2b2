from __future__ import annotations

from pydantic import Field

from edudx.core.filters import FilterModel
from edudx.core.ids import Id

from .models import CourseKind

COURSE_SORTS = {"new": ("-created_at", "-id"), "title": ("title", "id")}


class CourseFilter(FilterModel):
    q: str = Field(default="", max_length=100, description="Words of the title")
    kind: CourseKind | None = None
    school: Id | None = None
    sort: str = "new"
