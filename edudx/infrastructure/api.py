"""Infrastructure REST API (/api/v1/infrastructure/): devices, the condition update, and
readiness with gaps per school."""

from __future__ import annotations

from ninja import Query, Router

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.ids import Id
from edudx.core.pagination import paginate
from edudx.registry import selectors as registry

from . import permissions as perms
from . import selectors, services
from .filters import DeviceFilter, ReadinessFilter
from .schemas import ConditionIn, CursorQuery, DeviceIn, DeviceOut, DevicePage, ReadinessOut

router = Router(tags=["infrastructure"])


@router.get("/devices", response={200: DevicePage, **errors(403)})
def device_list(request, filters: Query[DeviceFilter], page: Query[CursorQuery]):
    request.scope.require_any(perms.VIEW)
    qs, order = selectors.device_list(scope=request.scope, filters=filters)
    p = paginate(qs, order=order, cursor=page.cursor, limit=page.limit)
    return {"items": p.items, "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


@router.get("/devices/{device_id}", response=DeviceOut)
def device_detail(request, device_id: Id):
    return selectors.device_get(scope=request.scope, pk=device_id)


@router.post("/schools/{school_id}/devices", response={201: DeviceOut, **errors(409)})
def device_create(request, school_id: Id, data: DeviceIn):
    school = registry.school_get(scope=request.scope, pk=school_id)
    if data.room_id is not None:
        selectors.room_get(scope=request.scope, pk=data.room_id)  # a room the caller cannot see: 404
    device = services.device_create(actor=Actor.from_request(request, via=Via.API), school=school, data=data)
    return 201, device


@router.post("/devices/{device_id}/condition", response={200: DeviceOut, **errors(409)})
def device_condition(request, device_id: Id, data: ConditionIn):
    device = selectors.device_get(scope=request.scope, pk=device_id)
    return services.device_set_condition(
        actor=Actor.from_request(request, via=Via.API),
        device=device,
        condition=data.condition,
        note=data.note,
    )


@router.get("/readiness", response={200: list[ReadinessOut], **errors(403)})
def readiness(request, filters: Query[ReadinessFilter]):
    request.scope.require_any(perms.VIEW)
    return [r.as_dict() for r in selectors.readiness_for(scope=request.scope, filters=filters).values()]


@router.get("/schools/{school_id}/readiness", response={200: ReadinessOut, **errors(403)})
def school_readiness(request, school_id: Id):
    return selectors.readiness_of_school(scope=request.scope, school_id=school_id).as_dict()
