"""Writes to the organisation tree. Renames and moves keep history; codes never change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.core.scope import Scope, subtree_q
from edudx.core.services import full_clean_or_raise, update_with_history

from . import permissions as perms
from .models import SEGMENT_WIDTH, Grouping, GroupingMember, OrgUnit, UnitKind

__all__ = [
    "UnitKind",
    "UnitRow",
    "grouping_create",
    "grouping_set_members",
    "may_create_top_level",
    "unit_create",
    "unit_move",
    "unit_tree_apply",
    "unit_update",
]

UNIT_FIELDS = ("code", "name", "kind", "parent", "is_active")


def _segment(pk: int) -> str:
    return str(pk).zfill(SEGMENT_WIDTH)


def may_create_top_level(scope: Scope, permission: str = perms.MANAGE) -> bool:
    """A unit without a parent sits beside the department: only the system (the console) or
    someone holding `permission` on every existing top-level unit — the department's
    administrators — may add one. On an empty database only the console can."""
    if scope.is_system:
        return True
    roots = list(OrgUnit.objects.filter(parent__isnull=True).values_list("path", flat=True))
    return bool(roots) and all(scope.can(permission, p) for p in roots)


@transaction.atomic
def unit_create(
    *, actor: Actor, code: str, name: str, kind: str, parent: OrgUnit | None, permission: str = perms.MANAGE
) -> OrgUnit:
    """`permission` lets the module that owns a kind of unit (registry for schools) authorise
    creating it under its own rule; the check is still made here, against the parent."""
    if parent is None:
        if not may_create_top_level(actor.scope, permission):
            raise PermissionDenied()
    else:
        actor.scope.require(permission, parent.path)
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
    data: dict[str, Any] = {}
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
    _rewrite_stored_paths(old_path, new_path)
    unit.refresh_from_db()
    history.record(
        actor=actor,
        obj=unit,
        action="move",
        changes={"parent": [old_parent_id, new_parent.pk]},
        operation="unit_move",
    )
    return unit


# Records of other apps keep their unit's path beside them (a `unit_path` column: import runs,
# library resources, LRS statements and documents, verifications, assessments) so that their
# lists filter by scope without a join. A move rewrites them with the unit's subtree, or they
# would stay in the old place of the tree — outside the scope of the people now in charge.
STORED_PATH_FIELD = "unit_path"


def _rewrite_stored_paths(old_path: str, new_path: str) -> None:
    for model in apps.get_models():
        if model._meta.proxy or model is OrgUnit:
            continue
        if not any(f.name == STORED_PATH_FIELD for f in model._meta.concrete_fields):
            continue
        model._base_manager.filter(subtree_q(old_path, STORED_PATH_FIELD)).update(
            **{STORED_PATH_FIELD: Concat(Value(new_path), Substr(STORED_PATH_FIELD, len(old_path) + 1))}
        )


@dataclass(frozen=True)
class UnitRow:
    """One unit of a unit-tree file: its code, name, kind and its parent's code (None: top level)."""

    code: str
    name: str
    kind: str
    parent_code: str | None


@transaction.atomic
def unit_tree_apply(*, actor: Actor, new: Sequence[UnitRow], changed: Sequence[UnitRow]) -> dict[str, int]:
    """Bring a checked unit-tree file in: create the new units, rename and move the known ones
    (by code), each through unit_create / unit_update / unit_move, so every change checks the
    scope again and leaves its history entry (a rename, a move).

    Creations and moves run parent first, in the order of the units' depth in the tree the file
    describes: a unit is placed only once every unit above it is in its final place, so no step
    passes through a cycle even when the file swaps two units. Returns counts per action."""
    named = [r.code for r in (*new, *changed)] + [r.parent_code for r in (*new, *changed) if r.parent_code]
    known = OrgUnit.objects.filter(~Q(kind=UnitKind.SCHOOL) | Q(code__in=named)).select_related("parent")
    by_code = {u.code: u for u in known}
    final_parent: dict[str, str | None] = {c: u.parent.code if u.parent else None for c, u in by_code.items()}
    for r in (*new, *changed):
        final_parent[r.code] = r.parent_code
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        chain: list[str] = []
        c: str | None = code
        while c is not None and c not in depth:
            if c in chain:
                raise ValidationFailed(
                    _("This parent would make the unit its own ancestor (a cycle)."), code="unit_cycle"
                )
            chain.append(c)
            c = final_parent.get(c)
        base = -1 if c is None else depth[c]
        for step in reversed(chain):
            base += 1
            depth[step] = base
        return depth[code]

    counts = {"created": 0, "renamed": 0, "moved": 0}
    placing = sorted((*new, *changed), key=lambda r: depth_of(r.code))
    new_codes = {r.code for r in new}
    for r in placing:
        parent = by_code.get(r.parent_code) if r.parent_code else None
        if r.parent_code and parent is None:
            raise ValidationFailed(_("No unit has this parent code."), code="parent_not_found")
        if r.code in new_codes:
            by_code[r.code] = unit_create(actor=actor, code=r.code, name=r.name, kind=r.kind, parent=parent)
            counts["created"] += 1
            continue
        unit = by_code[r.code]
        unit.refresh_from_db()
        if unit.kind != r.kind:
            raise ValidationFailed(
                _("A unit's code is never reused for another kind."), code="unit_kind_mismatch"
            )
        if r.name and r.name != unit.name:
            unit_update(actor=actor, unit=unit, name=r.name)
            counts["renamed"] += 1
        if parent is not None and parent.pk != unit.parent_id:
            parent.refresh_from_db()
            by_code[r.code] = unit_move(actor=actor, unit=unit, new_parent=parent)
            counts["moved"] += 1
    return counts


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
