"""Library API (/api/v1/library/): search, resources, versions, workflow, use, collections,
LTI platform registration. Handlers are thin: parse → selector/service → serialise."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.errors import NotFound, ValidationFailed
from edudx.core.ids import Id
from edudx.core.pagination import paginate

from . import cartridge, selectors, services
from . import permissions as perms
from .filters import ResourceFilter
from .schemas import (
    CollectionDetail,
    CollectionIn,
    CollectionOut,
    CollectionPage,
    CommentIn,
    CommentOut,
    ItemIn,
    ItemOut,
    OrderIn,
    PlatformIn,
    PlatformOut,
    RatingIn,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    SearchOut,
    StepIn,
    VersionOut,
)

router = Router(tags=["library"])


def _actor(request) -> Actor:
    return Actor.from_request(request, via=Via.API)


def _out(r) -> ResourceOut:
    return ResourceOut.model_validate(
        {
            **{
                f: getattr(r, f) for f in ResourceOut.model_fields if hasattr(r, f) and f != "current_version"
            },
            "grades": r.grades,
            "current_version_id": r.current_version_id,
            "rating": r.rating,
        }
    )


@router.get("/resources", response=SearchOut, summary="Search published resources (facets, relevance)")
def resource_search(request, filters: Query[ResourceFilter], cursor: str | None = None, limit: int = 20):
    result = selectors.resource_search(
        scope=request.scope, filters=filters, cursor=cursor, limit=max(1, min(limit, 100))
    )
    return {
        "items": [_out(r) for r in result.page.items],
        "total": result.total,
        "capped": result.capped,
        "corrected": result.corrected,
        "next_cursor": result.page.next_cursor,
        "prev_cursor": result.page.prev_cursor,
        "facets": {k: [{"value": v, "count": n} for v, n in vals] for k, vals in result.facets.items()},
    }


@router.get("/resources/{resource_id}", response=ResourceOut)
def resource_get(request, resource_id: Id):
    return _out(selectors.resource_get(scope=request.scope, pk=resource_id))


def _school_for(request, school_id: int | None):
    schools = selectors.contributor_schools(scope=request.scope)
    if school_id is not None:
        schools = [s for s in schools if s.pk == school_id]
    if not schools:
        raise ValidationFailed(
            "You are not attached to a school that contributes materials.", code="no_school"
        )
    return schools[0]


@router.post(
    "/resources",
    response={201: ResourceOut, **errors(404, 409)},
    summary="Contribute a resource (multipart: data + file)",
)
def resource_create(request, data: Form[ResourceIn], file: UploadedFile | None = File(None)):  # noqa: B008
    request.scope.require_any(perms.CONTRIBUTE)
    school = _school_for(request, data.school_id)
    upload = (file.name or "file", file) if file is not None else None  # streamed, never read whole
    r = services.resource_create(actor=_actor(request), school=school, data=data, upload=upload)
    return Status(201, _out(r))


@router.patch("/resources/{resource_id}", response={200: ResourceOut, **errors(409)})
def resource_update(request, resource_id: Id, data: ResourcePatch):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    services.resource_update(actor=_actor(request), resource=r, data=data)
    return _out(selectors.resource_get(scope=request.scope, pk=resource_id))


@router.get("/resources/{resource_id}/versions", response=list[VersionOut])
def version_list(request, resource_id: Id):
    return list(selectors.resource_versions(selectors.resource_get(scope=request.scope, pk=resource_id)))


@router.post("/resources/{resource_id}/versions", response={201: VersionOut, **errors(409)})
def version_add(request, resource_id: Id, file: File[UploadedFile], note: Form[str] = ""):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    v = services.version_add(
        actor=_actor(request), resource=r, name=file.name or "file", data=file, note=note
    )
    return Status(201, v)


STEPS = {
    "submit": lambda a, r, s: services.resource_submit(actor=a, resource=r),
    "review": lambda a, r, s: services.resource_review(actor=a, resource=r, comment=s.comment),
    "publish": lambda a, r, s: services.resource_publish(actor=a, resource=r, comment=s.comment),
    "return": lambda a, r, s: services.resource_return(actor=a, resource=r, comment=s.comment),
    "takedown": lambda a, r, s: services.resource_takedown(actor=a, resource=r, reason=s.reason),
}


@router.post(
    "/resources/{resource_id}/workflow/{step}",
    response={200: ResourceOut, **errors(409)},
    summary="submit, review, publish, return, takedown",
)
def resource_step(request, resource_id: Id, step: str, data: StepIn):
    if step not in STEPS:
        raise NotFound()
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    STEPS[step](_actor(request), r, data)
    return _out(selectors.resource_get(scope=request.scope, pk=resource_id))


@router.post("/resources/{resource_id}/rating", response={200: ResourceOut, **errors(409)})
def resource_rate(request, resource_id: Id, data: RatingIn):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    services.rating_set(actor=_actor(request), resource=r, stars=data.stars)
    return _out(selectors.resource_get(scope=request.scope, pk=resource_id))


@router.get("/resources/{resource_id}/comments", response=list[CommentOut])
def comment_list(request, resource_id: Id):
    return list(selectors.resource_comments(selectors.resource_get(scope=request.scope, pk=resource_id)))


@router.post("/resources/{resource_id}/comments", response={201: CommentOut})
def comment_add(request, resource_id: Id, data: CommentIn):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    return Status(201, services.comment_add(actor=_actor(request), resource=r, text=data.text))


@router.get("/most-used", response=list[ResourceOut], summary="Most used published resources this month")
def most_used(request, subject: str = ""):
    from django.utils import timezone

    since = selectors.usage_month_start(timezone.localtime())
    return [_out(r) for r in selectors.most_used(scope=request.scope, since=since, subject=subject)]


# ----- collections
def _items(request, c) -> list[ItemOut]:
    return [
        ItemOut(id=i.pk, resource_id=i.resource_id, title=i.resource.title, position=i.position, note=i.note)
        for i in selectors.collection_items(scope=request.scope, collection=c)
    ]


@router.get("/collections", response=CollectionPage)
def collection_list(request, mine: bool = False, q: str = "", cursor: str | None = None, limit: int = 50):
    qs = selectors.collection_list(scope=request.scope, mine_only=mine, q=q)
    page = paginate(qs, order=("-updated_at", "-id"), cursor=cursor, limit=max(1, min(limit, 200)))
    return {
        "items": [CollectionOut.from_orm(c).model_dump(mode="json") for c in page.items],
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }


@router.post("/collections", response={201: CollectionOut})
def collection_create(request, data: CollectionIn):
    request.scope.require_any(perms.CONTRIBUTE)
    c = services.collection_create(actor=_actor(request), school=_school_for(request, None), data=data)
    return Status(201, c)


@router.get("/collections/{collection_id}", response=CollectionDetail)
def collection_get(request, collection_id: Id):
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    return {**CollectionOut.from_orm(c).model_dump(), "items": _items(request, c)}


@router.post("/collections/{collection_id}/items", response={201: ItemOut, **errors(409)})
def collection_add(request, collection_id: Id, data: ItemIn):
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    r = selectors.resource_get(scope=request.scope, pk=data.resource_id)
    i = services.collection_add(actor=_actor(request), collection=c, resource=r, note=data.note)
    return Status(201, ItemOut(id=i.pk, resource_id=r.pk, title=r.title, position=i.position, note=i.note))


@router.put("/collections/{collection_id}/order", response=CollectionDetail)
def collection_order(request, collection_id: Id, data: OrderIn):
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    services.collection_reorder(actor=_actor(request), collection=c, item_ids=data.item_ids)
    return {**CollectionOut.from_orm(c).model_dump(), "items": _items(request, c)}


@router.get("/collections/{collection_id}/cartridge", summary="IMS Common Cartridge 1.3 export (.imscc)")
def collection_cartridge(request, collection_id: Id):
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    data = cartridge.build(c, selectors.collection_items(scope=request.scope, collection=c))
    resp = HttpResponse(data, content_type="application/vnd.ims.imsccv1p3")
    resp["Content-Disposition"] = f'attachment; filename="collection-{c.pk}.imscc"'
    return resp


# ----- LTI platforms
@router.get("/lti/platforms", response={200: list[PlatformOut], **errors(403)})
def platform_list(request):
    return selectors.platform_list(scope=request.scope)


@router.post(
    "/lti/platforms",
    response={201: PlatformOut, **errors(409)},
    summary="Register an LMS as an LTI 1.3 platform",
)
def platform_create(request, data: PlatformIn):

    return Status(201, services.platform_register(actor=_actor(request), data=data))
