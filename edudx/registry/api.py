"""Registry REST API (/api/v1/registry/). Thin: schema → selector/service → schema.

The caller's Scope (`request.scope`, set by the session middleware or the bearer-token auth)
decides every read; writes go through the services with an API actor.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from ninja import Query, Router, Status

from edudx.core import history
from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.errors import NotFound
from edudx.core.ids import Id
from edudx.core.pagination import paginate
from edudx.core.rules.personal_id import mask
from edudx.orgs import selectors as org_selectors

from . import permissions as perms
from . import selectors, services
from .filters import ClassFilter, SchoolFilter, StaffFilter, StudentFilter
from .schemas import (
    ClassIn,
    ClassOut,
    ClassPage,
    ClassPatch,
    Cursor,
    EnrolmentList,
    EnrolmentOut,
    HistoryList,
    SchoolIn,
    SchoolOut,
    SchoolPage,
    SchoolPatch,
    StaffIn,
    StaffOut,
    StaffPage,
    StaffPatch,
    StatusIn,
    StudentIn,
    StudentOut,
    StudentPage,
    StudentPatch,
    TransferIn,
)

router = Router(tags=["registry"])

PII_FIELDS = ("personal_id", "parent_phone")


def _actor(request) -> Actor:
    return Actor.from_request(request, via=Via.API)


def _pii(request, school: Any) -> bool:
    return school is not None and request.scope.can(perms.VIEW_PII, school.unit.path)


def _page(qs, order, page: Cursor, build) -> dict[str, Any]:
    p = paginate(qs, order=order, cursor=page.cursor, limit=page.limit)
    return {"items": [build(o) for o in p.items], "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


def _history(*objs: Any, pii: bool = True) -> dict[str, Any]:
    items = []
    entries = sorted(
        (e for obj in objs for e in history.entries_for(obj)), key=lambda e: (e.at, e.pk), reverse=True
    )
    for e in entries:
        changes = dict(e.changes)
        if not pii:
            for key in PII_FIELDS:
                if key in changes:
                    changes[key] = [mask(v) if isinstance(v, str) else v for v in changes[key]]
        items.append(
            {
                "id": e.pk,
                "at": e.at,
                "action": e.action,
                "operation": e.operation,
                "actor": e.actor_label,
                "via": e.via,
                "source": e.source,
                "changes": changes,
                "note": e.note,
            }
        )
    return {"items": items, "next_cursor": None, "prev_cursor": None}


def _year(pk: int):
    year = selectors.year_list().filter(pk=pk).first()
    if year is None:
        raise NotFound()
    return year


# ----- schools
@router.get("/schools", response=SchoolPage, summary="List schools in scope")
def school_list(request, filters: Query[SchoolFilter], page: Query[Cursor]):
    qs, order = selectors.school_list(scope=request.scope, filters=filters)
    return _page(qs, order, page, SchoolOut.build)


@router.get("/schools/{school_id}", response=SchoolOut)
def school_detail(request, school_id: Id):
    return SchoolOut.build(selectors.school_get(scope=request.scope, pk=school_id))


@router.post("/schools", response={201: SchoolOut, **errors(404, 409)})
def school_create(request, data: SchoolIn):
    parent = org_selectors.unit_get(scope=request.scope, pk=data.parent)
    school = services.school_register(
        actor=_actor(request),
        parent=parent,
        moet_code=data.moet_code.strip(),
        name=data.name,
        data=data.model_dump(exclude={"parent", "moet_code", "name"}),
    )
    return Status(201, SchoolOut.build(selectors.school_get(scope=request.scope, pk=school.pk)))


@router.patch("/schools/{school_id}", response={200: SchoolOut, **errors(409)})
def school_update(request, school_id: Id, data: SchoolPatch):
    school = selectors.school_get(scope=request.scope, pk=school_id)
    fields = data.model_dump(exclude_unset=True)
    name = fields.pop("name", None)
    parent_id = fields.pop("parent", None)
    parent = org_selectors.unit_get(scope=request.scope, pk=parent_id) if parent_id else None
    services.school_update(actor=_actor(request), school=school, data=fields, name=name, parent=parent)
    return SchoolOut.build(selectors.school_get(scope=request.scope, pk=school_id))


@router.get("/schools/{school_id}/history", response=HistoryList)
def school_history(request, school_id: Id):
    # A school's name and place in the tree live on its unit: show both records' changes.
    school = selectors.school_get(scope=request.scope, pk=school_id)
    return _history(school, school.unit)


# ----- classes
@router.get("/classes", response=ClassPage, summary="List classes in scope")
def class_list(request, filters: Query[ClassFilter], page: Query[Cursor]):
    qs, order = selectors.class_list(scope=request.scope, filters=filters)
    return _page(qs, order, page, ClassOut.build)


@router.get("/classes/{class_id}", response=ClassOut)
def class_detail(request, class_id: Id):
    return ClassOut.build(selectors.class_get(scope=request.scope, pk=class_id))


@router.post("/classes", response={201: ClassOut, **errors(404, 409)})
def class_create(request, data: ClassIn):
    school = selectors.school_get(scope=request.scope, pk=data.school)
    teacher = (
        selectors.staff_get(scope=request.scope, pk=data.homeroom_teacher) if data.homeroom_teacher else None
    )
    obj = services.class_create(
        actor=_actor(request),
        school=school,
        year=_year(data.year),
        grade=data.grade,
        name=data.name,
        homeroom_teacher=teacher,
    )
    return Status(201, ClassOut.build(selectors.class_get(scope=request.scope, pk=obj.pk)))


@router.patch("/classes/{class_id}", response={200: ClassOut, **errors(409)})
def class_update(request, class_id: Id, data: ClassPatch):
    obj = selectors.class_get(scope=request.scope, pk=class_id)
    services.class_update(actor=_actor(request), school_class=obj, data=data)
    return ClassOut.build(selectors.class_get(scope=request.scope, pk=class_id))


@router.get("/classes/{class_id}/history", response=HistoryList)
def class_history(request, class_id: Id):
    return _history(selectors.class_get(scope=request.scope, pk=class_id))


# ----- students
def _student_out(request):
    return lambda s: StudentOut.build(s, pii=_pii(request, s.school))


@router.get("/students", response=StudentPage, summary="List students in scope")
def student_list(request, filters: Query[StudentFilter], page: Query[Cursor]):
    qs, order = selectors.student_list(scope=request.scope, filters=filters)
    return _page(qs, order, page, _student_out(request))


@router.get("/students/{student_id}", response=StudentOut)
def student_detail(request, student_id: Id):
    return _student_out(request)(selectors.student_get(scope=request.scope, pk=student_id))


@router.post("/students", response={201: StudentOut, **errors(404, 409)})
def student_create(request, data: StudentIn):
    school = selectors.school_get(scope=request.scope, pk=data.school)
    student = services.student_create(actor=_actor(request), school=school, data=data)
    return Status(201, _student_out(request)(selectors.student_get(scope=request.scope, pk=student.pk)))


@router.patch("/students/{student_id}", response={200: StudentOut, **errors(409)})
def student_update(request, student_id: Id, data: StudentPatch):
    student = selectors.student_get(scope=request.scope, pk=student_id)
    services.student_update(actor=_actor(request), student=student, data=data)
    return _student_out(request)(selectors.student_get(scope=request.scope, pk=student_id))


@router.post("/students/{student_id}/status", response=StudentOut, summary="Change a student's status")
def student_status(request, student_id: Id, data: StatusIn):
    student = selectors.student_get(scope=request.scope, pk=student_id)
    services.student_set_status(
        actor=_actor(request), student=student, status=data.status, on=data.on, note=data.note
    )
    return _student_out(request)(selectors.student_get(scope=request.scope, pk=student_id))


@router.post(
    "/students/{student_id}/transfer",
    response={201: EnrolmentOut, **errors(409)},
    summary="Transfer a student to another class (same or another school)",
)
def student_transfer(request, student_id: Id, data: TransferIn):
    with transaction.atomic():
        student = selectors.student_get(scope=request.scope, pk=student_id)
        to_class = selectors.class_get(scope=request.scope, pk=data.to_class)
        enrolment = services.enrolment_transfer(
            actor=_actor(request), student=student, to_class=to_class, on=data.on, note=data.note
        )
    return Status(201, EnrolmentOut.build(enrolment))


@router.get("/students/{student_id}/enrolments", response=EnrolmentList)
def student_enrolments(request, student_id: Id):
    student = selectors.student_get(scope=request.scope, pk=student_id)
    rows = selectors.student_enrolments(scope=request.scope, student=student)
    return {"items": [EnrolmentOut.build(e) for e in rows], "next_cursor": None, "prev_cursor": None}


@router.get("/students/{student_id}/history", response=HistoryList)
def student_history(request, student_id: Id):
    student = selectors.student_get(scope=request.scope, pk=student_id)
    return _history(student, pii=_pii(request, student.school))


# ----- staff
def _staff_out(request):
    return lambda s: StaffOut.build(s, pii=_pii(request, s.school))


@router.get("/staff", response=StaffPage, summary="List staff in scope")
def staff_list(request, filters: Query[StaffFilter], page: Query[Cursor]):
    qs, order = selectors.staff_list(scope=request.scope, filters=filters)
    return _page(qs, order, page, _staff_out(request))


@router.get("/staff/{staff_id}", response=StaffOut)
def staff_detail(request, staff_id: Id):
    return _staff_out(request)(selectors.staff_get(scope=request.scope, pk=staff_id))


@router.post("/staff", response={201: StaffOut, **errors(404, 409)})
def staff_create(request, data: StaffIn):
    school = selectors.school_get(scope=request.scope, pk=data.school)
    staff = services.staff_create(actor=_actor(request), school=school, data=data)
    return Status(201, _staff_out(request)(selectors.staff_get(scope=request.scope, pk=staff.pk)))


@router.patch("/staff/{staff_id}", response={200: StaffOut, **errors(409)})
def staff_update(request, staff_id: Id, data: StaffPatch):
    staff = selectors.staff_get(scope=request.scope, pk=staff_id)
    services.staff_update(actor=_actor(request), staff=staff, data=data)
    return _staff_out(request)(selectors.staff_get(scope=request.scope, pk=staff_id))


@router.get("/staff/{staff_id}/history", response=HistoryList)
def staff_history(request, staff_id: Id):
    staff = selectors.staff_get(scope=request.scope, pk=staff_id)
    return _history(staff, pii=_pii(request, staff.school))
