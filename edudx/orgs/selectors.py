"""Reads of the organisation tree, always through the caller's Scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope, subtree_q

from . import permissions as perms
from .models import Grouping, OrgUnit, UnitKind


def unit_list(*, scope: Scope, kind: str | None = None, within: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(scope.filter_q(perms.VIEW, "path"))
    if kind:
        qs = qs.filter(kind=kind)
    if within is not None:
        qs = qs.filter(subtree_q(within.path, "path"))
    return qs.order_by("path")


def unit_get(*, scope: Scope, pk: int | None = None, code: str | None = None) -> OrgUnit:
    qs = OrgUnit.objects.filter(scope.filter_q(perms.VIEW, "path"))
    try:
        return qs.get(pk=pk) if pk is not None else qs.get(code=code)
    except (OrgUnit.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def root_units() -> QuerySet[OrgUnit]:
    """Units without a parent (the department). Not personal data: used to anchor city-wide rules."""
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path")


def area_list(*, scope: Scope) -> QuerySet[OrgUnit]:
    """Administrative areas (wards, communes, special zones) visible to the caller."""
    return unit_list(scope=scope).filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE])


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    paths = unit.ancestor_paths()
    return list(OrgUnit.objects.filter(path__in=paths).order_by("depth")) if paths else []


def grouping_list(*, scope: Scope) -> QuerySet[Grouping]:
    """Groupings the caller may see: owned within scope, or with a member in scope, or granted."""
    if scope.is_system:
        return Grouping.objects.all().select_related("owner")
    granted = {g.grouping_id for g in scope.grants if g.grouping_id}
    visible_owner = Grouping.objects.filter(scope.filter_q(perms.VIEW, "owner__path"))
    visible_member = Grouping.objects.filter(scope.filter_q(perms.VIEW, "members__path"))
    return (
        (
            Grouping.objects.filter(pk__in=visible_owner.values("pk"))
            | Grouping.objects.filter(pk__in=visible_member.values("pk"))
            | Grouping.objects.filter(pk__in=granted)
        )
        .distinct()
        .select_related("owner")
    )


def grouping_get(*, scope: Scope, pk: int) -> Grouping:
    try:
        return grouping_list(scope=scope).get(pk=pk)
    except Grouping.DoesNotExist as exc:
        raise NotFound() from exc


def member_paths(grouping_ids: list[int]) -> dict[int, list[str]]:
    """Paths of the members of each grouping (used to build scopes)."""
    out: dict[int, list[str]] = {gid: [] for gid in grouping_ids}
    rows = OrgUnit.objects.filter(grouping_memberships__grouping_id__in=grouping_ids).values_list(
        "grouping_memberships__grouping_id", "path"
    )
    for gid, path in rows:
        out[gid].append(path)
    return out


def tree_nodes(codes: list[str]) -> dict[str, dict[str, object]]:
    """{code: {"id", "code", "name", "kind", "parent_code", "path", "depth"}} for every unit of the
    tree above the schools, and for the units (schools included) named by `codes` — what the
    unit-tree import checks a file against (parents, cycles, kinds), in one query.

    Not filtered by a scope: the import engine's scope gate decides, from these paths, which
    rows the caller may write (ingest/engine/scope.py); the import's answers name no record."""
    rows = (
        OrgUnit.objects.filter(~Q(kind=UnitKind.SCHOOL) | Q(code__in=codes))
        .values("id", "code", "name", "kind", "parent__code", "path", "depth")
        .order_by()
    )
    return {
        r["code"]: {
            "id": r["id"],
            "code": r["code"],
            "name": r["name"],
            "kind": r["kind"],
            "parent_code": r["parent__code"],
            "path": r["path"],
            "depth": r["depth"],
        }  # fmt: skip
        for r in rows
    }
