"""Learning REST API (/api/v1/learning/): courses in scope, a course's lessons and progress
grid, creating a course and assigning a lesson."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.ids import Id
from edudx.core.pagination import paginate

from . import permissions as perms
from . import selectors, services
from .filters import COURSE_SORTS, CourseFilter
from .schemas import AssignIn, CourseIn, CourseOut, CoursePage, GridOut, LessonOut

router = Router(tags=["learning"])


class CursorQuery(Schema):
    cursor: str | None = None
    limit: int = Field(default=50, ge=1, le=500)


class AssignOut(Schema):
    id: int
    lesson_id: int
    school_class_id: int
    due_at: str


@router.get("/courses", response={200: CoursePage, **errors(403)})
def course_list(request, filters: Query[CourseFilter], page: Query[CursorQuery]):
    request.scope.require_any(perms.VIEW)
    qs = selectors.course_list(scope=request.scope, filters=filters)
    p = paginate(
        qs, order=COURSE_SORTS.get(filters.sort, COURSE_SORTS["new"]), cursor=page.cursor, limit=page.limit
    )
    return {"items": p.items, "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


@router.post("/courses", response={201: CourseOut, **errors(403, 404, 409)})
def course_create(request, data: CourseIn):
    return 201, services.course_create(actor=Actor.from_request(request, via=Via.API), data=data)


@router.get("/courses/{course_id}", response=CourseOut)
def course_detail(request, course_id: Id):
    return selectors.course_get(scope=request.scope, pk=course_id)


@router.get("/courses/{course_id}/grid", response=GridOut)
def course_grid(request, course_id: Id):
    course = selectors.course_get(scope=request.scope, pk=course_id)
    grid = selectors.progress_grid(scope=request.scope, course=course)
    return {"lessons": grid.lessons, "rows": grid.rows}


@router.get("/lessons/{lesson_id}", response=LessonOut)
def lesson_detail(request, lesson_id: Id):
    return selectors.lesson_get(scope=request.scope, pk=lesson_id)


@router.post("/lessons/{lesson_id}/assign", response={200: AssignOut, **errors(403, 404, 409)})
def lesson_assign(request, lesson_id: Id, data: AssignIn):
    lesson = selectors.lesson_get(scope=request.scope, pk=lesson_id)
    a = services.lesson_assign(actor=Actor.from_request(request, via=Via.API), lesson=lesson, data=data)
    return {
        "id": a.pk,
        "lesson_id": a.lesson_id,
        "school_class_id": a.school_class_id,
        "due_at": a.due_at.isoformat(),
    }
