"""Writes to the organisation tree. Renames and moves keep history; codes never change."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.core.scope import subtree_q
from edudx.core.services import full_clean_or_raise, update_with_history

from . import permissions as perms
from .models import SEGMENT_WIDTH, Grouping, GroupingMember, OrgUnit, UnitKind

__all__ = ["UnitKind", "grouping_create", "grouping_set_members", "unit_create", "unit_move", "unit_update"]

UNIT_FIELDS = ("code", "name", "kind", "parent", "is_active")


def _segment(pk: int) -> str:
    return str(pk).zfill(SEGMENT_WIDTH)


@transaction.atomic
def unit_create(
    *, actor: Actor, code: str, name: str, kind: str, parent: OrgUnit | None, permission: str = perms.MANAGE
) -> OrgUnit:
    """`permission` lets the module that owns a kind of unit (registry for schools) authorise
    creating it under its own rule; the check is still made here, against the parent."""
    actor.scope.require(permission, parent.path if parent else None)
    unit = OrgUnit(code=code.strip(), name=name.strip(), kind=kind, parent=parent, path="pending", depth=0)
    full_clean_or_raise(unit, exclude=["path"])
    unit.path = f"tmp-{code}"
    unit.save(force_insert=True)
    unit.path = (parent.path if parent else "") + _segment(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    history.record(
        actor=actor,
        obj=unit,
        action="create",
        changes={
            "code": [None, unit.code],
            "name": [None, unit.name],
            "kind": [None, kind],
            "parent": [None, parent.pk if parent else None],
        },
        operation="unit_create",
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str | None = None,
    is_active: bool | None = None,
    permission: str = perms.MANAGE,
) -> OrgUnit:
    actor.scope.require(permission, unit.path)
    data = {}
    if name is not None:
        data["name"] = name.strip()
    if is_active is not None:
        data["is_active"] = is_active
    update_with_history(
        actor=actor, obj=unit, data=data, fields=("name", "is_active"), operation="unit_update"
    )
    return unit


@transaction.atomic
def unit_move(*, actor: Actor, unit: OrgUnit, new_parent: OrgUnit, permission: str = perms.MANAGE) -> OrgUnit:
    """Move a unit (and its subtree) under another parent, rewriting the subtree's paths."""
    actor.scope.require(permission, unit.path)
    actor.scope.require(permission, new_parent.path)
    if new_parent.path.startswith(unit.path):
        raise ValidationFailed(
            _("A unit cannot be moved under itself or its own descendant."), code="move_cycle"
        )
    old_path, old_parent_id, old_depth = unit.path, unit.parent_id, unit.depth
    new_path = new_parent.path + _segment(unit.pk)
    depth_delta = new_parent.depth + 1 - old_depth
    OrgUnit.objects.filter(subtree_q(old_path, "path")).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    history.record(
        actor=actor,
        obj=unit,
        action="move",
        changes={"parent": [old_parent_id, new_parent.pk]},
        operation="unit_move",
    )
    return unit


@transaction.atomic
def grouping_create(
    *, actor: Actor, code: str, name: str, kind: str, owner: OrgUnit, description: str = ""
) -> Grouping:
    actor.scope.require(perms.MANAGE, owner.path)
    grouping = Grouping(code=code.strip(), name=name.strip(), kind=kind, owner=owner, description=description)
    full_clean_or_raise(grouping)
    grouping.save()
    history.record(
        actor=actor,
        obj=grouping,
        action="create",
        changes={"code": [None, grouping.code], "name": [None, grouping.name]},
        operation="grouping_create",
    )
    return grouping


@transaction.atomic
def grouping_set_members(*, actor: Actor, grouping: Grouping, units: list[OrgUnit]) -> Grouping:
    actor.scope.require(perms.MANAGE, grouping.owner.path)
    for u in units:
        actor.scope.require(perms.MANAGE, u.path)
    before = set(grouping.memberships.values_list("unit_id", flat=True))
    after = {u.pk for u in units}
    GroupingMember.objects.filter(grouping=grouping, unit_id__in=before - after).delete()
    GroupingMember.objects.bulk_create(
        [GroupingMember(grouping=grouping, unit_id=pk) for pk in after - before]
    )
    if before != after:
        history.record(
            actor=actor,
            obj=grouping,
            action="update",
            changes={"members": [sorted(before), sorted(after)]},
            operation="grouping_set_members",
        )
    return grouping
