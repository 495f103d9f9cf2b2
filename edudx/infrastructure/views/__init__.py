"""Infrastructure's HTML pages, split by subject: readiness (dashboard, a school's inventory),
devices, the inventory forms (rooms, connections, licences) and planning (gaps, thresholds)."""

from .devices import (
    device_condition,
    device_create,
    device_detail,
    device_edit,
    device_list,
    device_qr,
    labels,
)
from .inventory import connection_create, connection_edit, licence_create, room_create, room_edit
from .planning import gaps, threshold_settings
from .readiness import dashboard, school_inventory

__all__ = [
    "connection_create", "connection_edit", "dashboard", "device_condition", "device_create", "device_detail",
    "device_edit", "device_list", "device_qr", "gaps", "labels", "licence_create", "room_create", "room_edit",
    "school_inventory", "threshold_settings",
]  # fmt: skip
