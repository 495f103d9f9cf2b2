from __future__ import annotations

from pydantic import Field

from edudx.core.filters import FilterModel
from edudx.core.ids import Id

DEVICE_SORTS = {
    "tag": ("asset_tag", "id"),
    "recent": ("-condition_changed_at", "-id"),
    "acquired": ("acquired_on", "id"),
}


class DeviceFilter(FilterModel):
    q: str = Field("", max_length=80, description="Asset tag, serial number, make or model")
    school: Id | None = None
    room: Id | None = None
    category: str = ""
    condition: str = ""
    sort: str = "tag"


class ReadinessFilter(FilterModel):
    area: Id | None = Field(None, description="Id of a ward/commune unit")
    grouping: Id | None = None
    level: str = ""
    ownership: str = ""
    below_only: bool = False
