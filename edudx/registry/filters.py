"""One filter definition per list, shared by the HTML list and the API list."""

from __future__ import annotations

from pydantic import Field

from edudx.core.filters import FilterModel
from edudx.core.ids import Id

SCHOOL_SORTS = {"name": ("name_key", "id"), "-name": ("-name_key", "-id"), "code": ("moet_code", "id")}
# People sort by their stored Vietnamese sort key (given, middle, family name): core.text.vn_sort_key.
STUDENT_SORTS = {
    "name": ("sort_name", "id"),
    "-name": ("-sort_name", "-id"),
    "dob": ("date_of_birth", "id"),
    "-dob": ("-date_of_birth", "-id"),
    "recent": ("-id",),
}
STAFF_SORTS = {"name": ("sort_name", "id"), "-name": ("-sort_name", "-id")}
CLASS_SORTS = {"name": ("grade", "name", "id")}


class SchoolFilter(FilterModel):
    q: str = Field("", max_length=100, description="Name or MOET code; accents optional")
    level: str = ""
    ownership: str = ""
    area: Id | None = Field(None, description="Id of a ward/commune unit")
    grouping: Id | None = Field(None, description="Id of a grouping, e.g. a cluster")
    sort: str = "name"


class StudentFilter(FilterModel):
    q: str = Field("", max_length=100, description="Name (accents optional), MOET code or personal ID")
    school: Id | None = None
    school_class: Id | None = None
    grade: int | None = Field(None, ge=0, le=12)
    gender: str = ""
    status: str = ""
    sort: str = "name"


class StaffFilter(FilterModel):
    q: str = Field("", max_length=100)
    school: Id | None = None
    position: str = ""
    status: str = ""
    sort: str = "name"


class ClassFilter(FilterModel):
    school: Id | None = None
    year: Id | None = None
    grade: int | None = Field(None, ge=0, le=12)
    sort: str = "name"
