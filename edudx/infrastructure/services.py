"""Every write to inventories, thresholds and unit costs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import aggregates, history
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.core.services import create_with_history, update_with_history
from edudx.orgs import selectors as org_selectors

from . import permissions as perms
from .aggregates import READINESS
from .models import (
    Condition,
    ConditionSnapshot,
    Connection,
    Device,
    InventoryProfile,
    Licence,
    Room,
    Threshold,
    UnitCost,
)
from .schemas import ConnectionIn, DeviceIn, DevicePatch, LicenceIn, RoomIn
from .thresholds import BY_CODE

if TYPE_CHECKING:
    from edudx.registry.models import School

ROOM_FIELDS = ("code", "name", "kind", "seats", "has_internet", "is_active")
DEVICE_FIELDS = (
    "asset_tag",
    "category",
    "make",
    "model",
    "serial_number",
    "acquired_on",
    "funding",
    "condition",
    "location",
    "notes",
    "room",
)
CONNECTION_FIELDS = ("provider", "kind", "download_mbps", "upload_mbps", "wifi", "is_active")
LICENCE_FIELDS = ("name", "vendor", "seats", "expires_on")


def _require(actor: Actor, school: School, permission: str = perms.CHANGE) -> None:
    actor.scope.require(permission, school.unit.path)


def _touch(school_id: int) -> None:
    """Keep the school's readiness inputs current (edudx/core/aggregates.py): on write, in the
    writing transaction, for this one school."""
    aggregates.touch(READINESS, [school_id])


def _room_of(school: School, room_id: int | None) -> Room | None:
    """The school's room `room_id` names; a room of another school (or none) is refused."""
    if room_id is None:
        return None
    room = Room.objects.filter(pk=room_id, school=school).first()
    if room is None:
        raise ValidationFailed(_("The room belongs to another school."), code="room_other_school")
    return room


def next_asset_tag(school: School) -> str:
    """TB-<MOET code>-<n>: unique, printable, and readable on a label."""
    last = (
        Device.objects.filter(school=school, asset_tag__startswith=f"TB-{school.moet_code}-")
        .order_by("-asset_tag")
        .values_list("asset_tag", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last is not None else 1
    return f"TB-{school.moet_code}-{n:05d}"


@transaction.atomic
def room_create(*, actor: Actor, school: School, data: RoomIn) -> Room:
    _require(actor, school)
    room = Room(school=school, **data.model_dump())
    create_with_history(actor=actor, obj=room, fields=ROOM_FIELDS, operation="room_create")
    _touch(school.pk)
    return room


@transaction.atomic
def room_update(*, actor: Actor, room: Room, data: RoomIn) -> Room:
    """Set the fields `data` was given (all of them when it comes from the form)."""
    _require(actor, room.school)
    update_with_history(
        actor=actor,
        obj=room,
        data=data.model_dump(exclude_unset=True),
        fields=ROOM_FIELDS,
        operation="room_update",
    )
    _touch(room.school_id)
    return room


@transaction.atomic
def device_create(*, actor: Actor, school: School, data: DeviceIn) -> Device:
    """A new device; its asset tag is the school's next one."""
    _require(actor, school)
    room = _room_of(school, data.room_id)
    device = Device(
        school=school, room=room, asset_tag=next_asset_tag(school), **data.model_dump(exclude={"room_id"})
    )
    create_with_history(actor=actor, obj=device, fields=DEVICE_FIELDS, operation="device_create")
    _touch(school.pk)
    return device


@transaction.atomic
def device_update(*, actor: Actor, device: Device, data: DevicePatch) -> Device:
    """Set the fields `data` was given (all of them when it comes from the form)."""
    _require(actor, device.school)
    given = data.model_dump(exclude_unset=True)
    if given.pop("asset_tag", device.asset_tag) != device.asset_tag:
        raise ValidationFailed(
            _("An asset tag never changes; it is printed on the device."), code="asset_tag_immutable"
        )
    if "room_id" in given:
        given["room"] = _room_of(device.school, given.pop("room_id"))
    if "condition" in given and given["condition"] != device.condition:
        device.condition_changed_at = timezone.now()
    update_with_history(actor=actor, obj=device, data=given, fields=DEVICE_FIELDS, operation="device_update")
    _touch(device.school_id)
    return device


@transaction.atomic
def device_set_condition(*, actor: Actor, device: Device, condition: str, note: str = "") -> Device:
    """The two-tap update from a phone: any school member with report_condition may do it."""
    _require(actor, device.school, perms.REPORT_CONDITION)
    if condition not in Condition.values:
        raise ValidationFailed(_("Unknown condition."), code="unknown_condition")
    if condition == device.condition:
        return device
    before = device.condition
    device.condition = condition
    device.condition_changed_at = timezone.now()
    device.save(update_fields=["condition", "condition_changed_at", "updated_at"])
    history.record(
        actor=actor,
        obj=device,
        action="status",
        changes={"condition": [before, condition]},
        operation="device_set_condition",
        note=note,
    )
    _touch(device.school_id)
    return device


@transaction.atomic
def connection_create(*, actor: Actor, school: School, data: ConnectionIn) -> Connection:
    _require(actor, school)
    connection = create_with_history(
        actor=actor,
        obj=Connection(school=school, **data.model_dump()),
        fields=CONNECTION_FIELDS,
        operation="connection_create",
    )
    _touch(school.pk)
    return connection


@transaction.atomic
def connection_update(*, actor: Actor, connection: Connection, data: ConnectionIn) -> Connection:
    """Set the fields `data` was given (all of them when it comes from the form)."""
    _require(actor, connection.school)
    update_with_history(
        actor=actor,
        obj=connection,
        data=data.model_dump(exclude_unset=True),
        fields=CONNECTION_FIELDS,
        operation="connection_update",
    )
    _touch(connection.school_id)
    return connection


@transaction.atomic
def licence_create(*, actor: Actor, school: School, data: LicenceIn) -> Licence:
    _require(actor, school)
    return create_with_history(
        actor=actor,
        obj=Licence(school=school, **data.model_dump()),
        fields=LICENCE_FIELDS,
        operation="licence_create",
    )


@transaction.atomic
def profile_set_declared_total(*, actor: Actor, school: School, total: int) -> InventoryProfile:
    _require(actor, school)
    if total < 0:
        raise ValidationFailed(_("The total cannot be negative."), code="negative_total")
    profile, _created = InventoryProfile.objects.get_or_create(school=school)
    update_with_history(
        actor=actor,
        obj=profile,
        data={"declared_equipment_total": total},
        fields=("declared_equipment_total",),
        operation="profile_set_declared_total",
    )
    _touch(school.pk)
    return profile


def _require_manage(actor: Actor) -> None:
    root = org_selectors.root_units().first()
    actor.scope.require(perms.MANAGE, root.path if root else None)


@transaction.atomic
def threshold_set(*, actor: Actor, code: str, value: Decimal) -> Threshold:
    _require_manage(actor)
    if code not in BY_CODE:
        raise ValidationFailed(_("Unknown threshold."), code="unknown_threshold")
    if value < 0:
        raise ValidationFailed(_("A threshold cannot be negative."), code="negative_threshold")
    obj, created = Threshold.objects.get_or_create(code=code, defaults={"value": value})
    before = None if created else obj.value
    if not created and obj.value != value:
        obj.value = value
        obj.save(update_fields=["value", "updated_at"])
    if created or before != value:
        history.record(
            actor=actor,
            obj=obj,
            action="update",
            changes={
                "value": [str(before) if before is not None else str(BY_CODE[code].default), str(value)]
            },
            operation="threshold_set",
        )
        # The maintained inputs are counted with thresholds (a device's age, the first grade
        # with Informatics): every school is recounted in the background once this commits.
        aggregates.recount(READINESS)
    return obj


@transaction.atomic
def unit_cost_set(*, actor: Actor, category: str, cost_vnd: int) -> UnitCost:
    _require_manage(actor)
    obj, created = UnitCost.objects.update_or_create(category=category, defaults={"cost_vnd": cost_vnd})
    history.record(
        actor=actor,
        obj=obj,
        action="update",
        changes={"cost_vnd": [None, cost_vnd]},
        operation="unit_cost_set",
    )
    return obj


@transaction.atomic
def snapshot_conditions(
    *, actor: Actor, month: dt.date | None = None, school_ids: Iterable[int] | None = None
) -> int:
    """Record device counts by condition for each school for a month (idempotent per month)."""
    month = (month or timezone.localdate()).replace(day=1)
    qs = Device.objects.all()
    if not actor.scope.is_system:
        qs = qs.filter(actor.scope.filter_q(perms.VIEW, "school__unit__path"))
    if school_ids is not None:
        qs = qs.filter(school_id__in=school_ids)
    rows = qs.values("school_id").annotate(
        in_use=Count("id", filter=Q(condition=Condition.IN_USE)),
        needs_repair=Count("id", filter=Q(condition=Condition.NEEDS_REPAIR)),
        broken=Count("id", filter=Q(condition=Condition.BROKEN)),
        retired=Count("id", filter=Q(condition=Condition.RETIRED)),
    )
    snaps = [ConditionSnapshot(month=month, **r) for r in rows]
    ConditionSnapshot.objects.filter(month=month, school_id__in=[s.school_id for s in snaps]).delete()
    ConditionSnapshot.objects.bulk_create(snaps, batch_size=2000)
    return len(snaps)
