from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from edudx.core.ids import Id

from .models import MAX_MBPS


class CursorQuery(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=500)


class DeviceOut(Schema):
    id: int
    asset_tag: str
    school_id: int
    room_id: int | None
    category: str
    make: str
    model: str
    serial_number: str
    acquired_on: dt.date | None
    funding: str
    condition: str
    condition_changed_at: dt.datetime
    location: str


class DevicePage(Schema):
    items: list[DeviceOut]
    next_cursor: str | None
    prev_cursor: str | None


# A new device as a service writes it (the API's body and the form's values); the service gives
# the asset tag. A comment, not a docstring: the docstring would become the API's description.
class DeviceIn(Schema):
    category: str
    room_id: Id | None = None
    make: str = ""
    model: str = ""
    serial_number: str = ""
    acquired_on: dt.date | None = None
    funding: str = "state"
    condition: str = "in_use"
    location: str = ""
    notes: str = ""


class DevicePatch(Schema):
    """A device's edit: the fields given are set (the form gives every field it shows). An asset
    tag given here is refused unless it is the device's own: the tag is printed on the device."""

    asset_tag: str | None = None
    category: str | None = None
    room_id: Id | None = None
    make: str | None = None
    model: str | None = None
    serial_number: str | None = None
    acquired_on: dt.date | None = None
    funding: str | None = None
    condition: str | None = None
    location: str | None = None
    notes: str | None = None


class LicenceIn(Schema):
    """A software licence as a service writes it."""

    name: str = Field(min_length=1, max_length=120)
    vendor: str = Field("", max_length=120)
    seats: int = Field(1, ge=0, le=2147483647)
    expires_on: dt.date | None = None


class RoomIn(Schema):
    """A room as a service writes it (create, or edit: every field the form shows)."""

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=150)
    kind: str = "classroom"
    seats: int = Field(0, ge=0, le=32767)
    has_internet: bool = False
    is_active: bool = True


class ConnectionIn(Schema):
    """An Internet connection as a service writes it."""

    provider: str = Field(min_length=1, max_length=80)
    kind: str = "fibre"
    download_mbps: int = Field(ge=0, le=MAX_MBPS)
    upload_mbps: int = Field(ge=0, le=MAX_MBPS)
    wifi: str = "partial"
    is_active: bool = True


class ConditionIn(Schema):
    condition: str
    note: str = ""


class ReadinessOut(Schema):
    school_id: int
    pupils: int
    pupils_per_computer: float | None
    presentation_share: float | None
    kbps_per_pupil: float | None
    lab_ratio: float | None
    broken_share: float | None
    old_share: float | None
    digital_record_share: float | None
    below: list[str]
    needs: dict[str, int]
    extra_mbps: int
    cost_vnd: int
    score: float
