"""A class course and its class: enrolments that follow the registry roster, and lessons
assigned to a class with a due date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, ValidationFailed
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .. import permissions as perms
from ..models import Assignment, Course, Enrolment, Lesson
from ..schemas import AssignIn
from .courses import require_author

if TYPE_CHECKING:
    from edudx.registry.models import SchoolClass


@transaction.atomic
def roster_sync(*, actor: Actor, course: Course) -> tuple[int, int]:
    """A class course's enrolments follow the class roster (registry, read only): pupils now in
    the class are enrolled (their account attached when they have one), pupils who left — a
    transfer, a withdrawal — are marked inactive. Returns (added, left)."""
    if course.school_class_id is None:
        return 0, 0
    school_class = registry.class_get(scope=Scope.system(), pk=course.school_class_id)
    roster = {
        e.student_id: e.student.user_id
        for e in registry.class_roster(scope=Scope.system(), school_class=school_class)
    }
    current = {e.student_id: e for e in Enrolment.objects.filter(course=course, student_id__isnull=False)}
    added = [
        Enrolment(course=course, student_id=sid, user_id=uid)
        for sid, uid in roster.items()
        if sid not in current
    ]
    Enrolment.objects.bulk_create(added)
    left = [e.pk for sid, e in current.items() if sid not in roster and e.active]
    back = [e.pk for sid, e in current.items() if sid in roster and not e.active]
    Enrolment.objects.filter(pk__in=left).update(active=False)
    Enrolment.objects.filter(pk__in=back).update(active=True)
    for sid, e in current.items():
        if sid in roster and roster[sid] and e.user_id != roster[sid]:
            Enrolment.objects.filter(pk=e.pk).update(user_id=roster[sid])
    if added or left:
        history.record(
            actor=actor,
            obj=course,
            action="roster_sync",
            changes={"added": [None, len(added)], "left": [None, len(left)]},
            operation="learning.roster_sync",
        )
    return len(added), len(left)


@transaction.atomic
def lesson_assign(*, actor: Actor, lesson: Lesson, data: AssignIn) -> Assignment:
    """Give a published lesson to a class in the author's scope, with a due date; the class's
    pupils are enrolled in the course first."""
    lesson = Lesson.objects.select_related("course").get(pk=lesson.pk)  # its state as stored now
    require_author(actor, lesson.course)
    school_class: SchoolClass = registry.class_get(scope=actor.scope, pk=data.class_id)
    actor.scope.require(perms.AUTHOR, school_class.school.unit.path)
    if lesson.state != "published":
        raise Conflict(_("Publish the lesson before assigning it."), code="lesson_not_published")
    if lesson.course.school_class_id and lesson.course.school_class_id != school_class.pk:
        raise ValidationFailed(
            details=[FieldError("class_id", "other_class", str(_("This course belongs to another class.")))]
        )
    assignment, created = Assignment.objects.update_or_create(
        lesson=lesson,
        school_class_id=school_class.pk,
        defaults={
            "due_at": data.due_at,
            "unit_path": school_class.school.unit.path,
            "assigned_by": actor.user,
        },
    )
    history.record(
        actor=actor,
        obj=assignment,
        action="create" if created else "update",
        changes={"due_at": [None, data.due_at.isoformat()]},
        operation="learning.lesson_assign",
    )
    roster_sync(actor=actor, course=lesson.course)
    return assignment
