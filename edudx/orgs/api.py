"""Organisation API (/api/v1/orgs/): the unit tree and groupings, read-only, scoped."""

from __future__ import annotations

from django.db.models import Q
from ninja import Query, Router

from edudx.core.api_errors import errors
from edudx.core.ids import Id
from edudx.core.pagination import paginate

from . import selectors
from .schemas import (
    Cursor,
    GroupingDetail,
    GroupingPage,
    UnitFilter,
    UnitOut,
    UnitPage,
    grouping_out,
    unit_ref,
)

router = Router(tags=["orgs"])


def _units_page(qs, page: Cursor) -> dict:
    p = paginate(qs, order=("path", "id"), cursor=page.cursor, limit=page.limit)
    return {
        "items": [UnitOut.build(u) for u in p.items],
        "next_cursor": p.next_cursor,
        "prev_cursor": p.prev_cursor,
    }


@router.get("/units", response={200: UnitPage, **errors(404)}, summary="List organisation units in scope")
def unit_list(request, filters: Query[UnitFilter], page: Query[Cursor]):
    within = selectors.unit_get(scope=request.scope, pk=filters.within) if filters.within else None
    qs = selectors.unit_list(scope=request.scope, kind=filters.kind or None, within=within)
    if filters.q:
        qs = qs.filter(Q(code__iexact=filters.q.strip()) | Q(name__icontains=filters.q.strip()))
    return _units_page(qs, page)


@router.get("/units/{unit_id}", response=UnitOut)
def unit_detail(request, unit_id: Id):
    return UnitOut.build(selectors.unit_get(scope=request.scope, pk=unit_id))


@router.get("/units/{unit_id}/children", response=UnitPage, summary="Direct children of a unit")
def unit_children(request, unit_id: Id, page: Query[Cursor]):
    unit = selectors.unit_get(scope=request.scope, pk=unit_id)
    qs = selectors.unit_list(scope=request.scope).filter(parent=unit)
    return _units_page(qs, page)


@router.get("/groupings", response=GroupingPage, summary="List groupings (e.g. clusters) in scope")
def grouping_list(request, page: Query[Cursor]):
    qs = selectors.grouping_list(scope=request.scope)
    p = paginate(qs, order=("code", "id"), cursor=page.cursor, limit=page.limit)
    return {
        "items": [grouping_out(g) for g in p.items],
        "next_cursor": p.next_cursor,
        "prev_cursor": p.prev_cursor,
    }


@router.get("/groupings/{grouping_id}", response=GroupingDetail)
def grouping_detail(request, grouping_id: Id):
    g = selectors.grouping_get(scope=request.scope, pk=grouping_id)
    members = selectors.unit_list(scope=request.scope).filter(grouping_memberships__grouping=g)
    return GroupingDetail(**grouping_out(g).model_dump(), members=[unit_ref(u) for u in members])
