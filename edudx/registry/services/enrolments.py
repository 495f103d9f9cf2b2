"""Enrolments and teaching assignments. A transfer keeps both ends on record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ValidationFailed
from edudx.core.rules.people import StudentStatus

from .. import permissions as perms
from ..models import Enrolment, SchoolClass, Staff, Student, TeachingAssignment


@transaction.atomic
def enrolment_enrol(
    *, actor: Actor, student: Student, school_class: SchoolClass, start_date: dt.date, note: str = ""
) -> Enrolment:
    actor.scope.require(perms.CHANGE, school_class.school.unit.path)
    if student.school_id != school_class.school_id:
        raise ValidationFailed(
            _("The student belongs to another school; use a transfer."), code="other_school"
        )
    if Enrolment.objects.filter(
        student=student, year=school_class.year, state=Enrolment.State.ACTIVE
    ).exists():
        raise Conflict(
            _("The student is already enrolled in a class this school year."), code="already_enrolled"
        )
    enrolment = Enrolment.objects.create(
        student=student,
        school_class=school_class,
        year=school_class.year,
        school=school_class.school,
        start_date=start_date,
        note=note,
    )
    history.record(
        actor=actor,
        obj=student,
        action="update",
        operation="enrolment_enrol",
        changes={"class": [None, f"{school_class.name} ({school_class.year})"]},
    )
    return enrolment


@transaction.atomic
def enrolment_transfer(
    *, actor: Actor, student: Student, to_class: SchoolClass, on: dt.date, note: str = ""
) -> Enrolment:
    """Move a student to another class — in the same school or another one.

    A move between schools changes two schools' records, so the actor must be allowed to
    change both (a ward or department officer, or an import run on their authority).
    """
    current = (
        Enrolment.objects.select_for_update()
        .filter(student=student, state=Enrolment.State.ACTIVE)
        .select_related("school_class", "school__unit")
        .order_by("-start_date")
        .first()
    )
    source_school = current.school if current else student.school
    if source_school is not None:
        actor.scope.require(perms.CHANGE, source_school.unit.path)
    actor.scope.require(perms.CHANGE, to_class.school.unit.path)
    if current and current.school_class_id == to_class.pk:
        raise ValidationFailed(_("The student is already in this class."), code="same_class")
    if current:
        current.state = Enrolment.State.TRANSFERRED
        current.end_date = on
        current.save(update_fields=["state", "end_date"])
    new = Enrolment.objects.create(
        student=student,
        school_class=to_class,
        year=to_class.year,
        school=to_class.school,
        start_date=on,
        previous=current,
        note=note,
    )
    changes = {"class": [current.school_class.name if current else None, to_class.name]}
    if source_school is None or source_school.pk != to_class.school_id:
        changes["school"] = [source_school.pk if source_school else None, to_class.school_id]
        changes["status"] = [student.status, StudentStatus.CHUYEN_DEN]
        Student.objects.filter(pk=student.pk).update(
            school=to_class.school, status=StudentStatus.CHUYEN_DEN, status_date=on
        )
        student.refresh_from_db()
    history.record(
        actor=actor,
        obj=student,
        action="transfer",
        changes=changes,
        operation="enrolment_transfer",
        note=note,
    )
    return new


@transaction.atomic
def assignment_set(
    *,
    actor: Actor,
    staff: Staff,
    school_class: SchoolClass,
    subject: str,
    periods_per_week: Decimal | None = None,
) -> TeachingAssignment:
    actor.scope.require(perms.CHANGE, school_class.school.unit.path)
    if staff.school_id != school_class.school_id:
        raise ValidationFailed(_("The teacher must work at the class's school."), code="teacher_other_school")
    assignment, created = TeachingAssignment.objects.update_or_create(
        school_class=school_class,
        subject=subject,
        defaults={"staff": staff, "periods_per_week": periods_per_week},
    )
    history.record(
        actor=actor,
        obj=school_class,
        action="update",
        operation="assignment_set",
        changes={f"teacher:{subject}": [None, staff.pk]},
    )
    return assignment
