"""Training courses for staff (issue #15 item 1): the competences a course trains (competences
of a teachers' framework, read through `skills.selectors`), staff enrolled by their units, and a
completed course handed to `skills.services.training.course_completed` as evidence — once: it is
called when the learner's last lesson completes, and skills keys the evidence by
`learning:course:<id>` so a repeated call records nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import DomainError, FieldError, ValidationFailed
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from ..models import Course, CourseCompetence, CourseKind, Enrolment
from ..schemas import CompetenceIn, TrainingEnrolIn
from .courses import require_author

log = logging.getLogger(__name__)


def _training(course: Course) -> None:
    if course.kind != CourseKind.TRAINING:
        raise ValidationFailed(_("Only a staff training course trains competences."), code="not_training")


def _invalid(field: str, code: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, code=code, details=[FieldError(field, code, str(message))])


@transaction.atomic
def course_competences_set(
    *, actor: Actor, course: Course, items: Sequence[CompetenceIn]
) -> list[CourseCompetence]:
    """The competences (and levels) the training course trains, replacing the earlier list."""
    from edudx.skills import selectors as skills

    require_author(actor, course)
    _training(course)
    ids = [i.competence_id for i in items]
    if len(set(ids)) != len(ids):
        raise _invalid("competence_id", "duplicate", _("A competence is named twice."))
    if len(ids) > 30:
        raise _invalid("competence_id", "too_many", _("A course trains at most 30 competences."))
    known = {c.pk: c for c in skills.staff_competences().filter(pk__in=ids).select_related("framework")}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise _invalid(
            "competence_id",
            "not_staff_competence",
            _("Choose competences of a teachers' framework in force."),
        )
    for item in items:
        if item.level_id is None:
            continue
        levels = set(known[item.competence_id].framework.levels.values_list("pk", flat=True))
        if item.level_id not in levels:
            raise _invalid("level_id", "bad_level", _("Choose a level of the competence's framework."))
    before = sorted(course.competences.values_list("competence_id", flat=True))
    course.competences.all().delete()
    rows = CourseCompetence.objects.bulk_create(
        [CourseCompetence(course=course, competence_id=i.competence_id, level_id=i.level_id) for i in items]
    )
    history.record(
        actor=actor,
        obj=course,
        action="update",
        changes={"competences": [before, sorted(ids)]},
        operation="learning.course_competences_set",
    )
    return rows


@transaction.atomic
def training_enrol(*, actor: Actor, course: Course, data: TrainingEnrolIn) -> int:
    """Put staff on a training course: the staff records named and/or every staff member of a
    school, each within the author's scope and with a platform account. Returns how many were
    newly enrolled (or enrolled again)."""
    require_author(actor, course)
    _training(course)
    users: set[int] = set()
    for pk in data.staff_ids:
        staff = registry.staff_get(scope=actor.scope, pk=pk)  # NotFound outside the scope
        if staff.user_id is None:
            raise _invalid("staff_ids", "no_account", _("This staff member has no platform account."))
        users.add(staff.user_id)
    if data.school_id is not None:
        school = registry.school_get(scope=actor.scope, pk=data.school_id)
        qs, _order = registry.staff_list(scope=actor.scope)
        users |= set(qs.filter(school=school, user__isnull=False).values_list("user_id", flat=True))
    if not users:
        raise _invalid("staff_ids", "required", _("Choose the staff to train."))
    existing = {e.user_id: e for e in Enrolment.objects.filter(course=course, user_id__in=users)}
    again = [e for e in existing.values() if not e.active]
    for e in again:
        e.active = True
    Enrolment.objects.bulk_update(again, ["active"])
    new = [Enrolment(course=course, user_id=u) for u in sorted(users - set(existing))]
    Enrolment.objects.bulk_create(new)
    history.record(
        actor=actor,
        obj=course,
        action="enrol",
        changes={"enrolled": [None, len(new) + len(again)]},
        operation="learning.training_enrol",
    )
    return len(new) + len(again)


def training_completed_if_passed(*, actor: Actor, course: Course) -> list[Any]:
    """Called when a learner completes a lesson of a training course: once every published
    lesson is completed and none failed, the course's competences go to the skills record of
    the learner's staff record. A refusal by skills (the staff member left their school, a
    competence retired) leaves the learner's completion standing and is logged; its partial
    writes are rolled back with its savepoint."""
    from edudx.skills.schemas import CourseCompletionIn
    from edudx.skills.services import training as skills_training

    from .certificates import course_passed

    if course.kind != CourseKind.TRAINING or actor.user is None:
        return []
    competence_ids = list(course.competences.values_list("competence_id", flat=True))
    if not competence_ids:
        return []
    passed, _score = course_passed(course=course, user_id=actor.user.pk)
    if not passed:
        return []
    qs, _order = registry.staff_list(scope=Scope.system())
    staff_id = qs.filter(user_id=actor.user.pk).values_list("pk", flat=True).first()
    if staff_id is None:
        return []
    data = CourseCompletionIn(
        staff_id=staff_id,
        competence_ids=competence_ids,
        course_title=course.title[:255],
        reference=f"learning:course:{course.pk}",
        completed_on=timezone.localdate(),
        hours=None,
        provider="",
    )
    try:
        with transaction.atomic():
            return list(skills_training.course_completed(actor=Actor.system(source="learning"), data=data))
    except DomainError as exc:
        log.warning("training course %s: skills refused the completion (%s)", course.pk, exc.code)
        return []
