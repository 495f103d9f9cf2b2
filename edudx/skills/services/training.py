"""Staff training records (issue #16 item 4): what closes a gap of the training plan
(`selectors.training.plan`). A record is entered by the school, imported from a provider's list
(kind `skills_training`), or written when a staff member completes a course of the learning app:
learning calls `course_completed` with a typed `CourseCompletionIn` — this app never reads
learning's tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from edudx.core.services import create_with_history
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import Competence, Framework, TrainingRecord
from ..schemas import CourseCompletionIn, TrainingRecordIn
from .common import own_staff_id

if TYPE_CHECKING:
    import datetime as dt

    from edudx.registry.models import Staff

FIELDS = (
    "staff",
    "school",
    "competence",
    "title",
    "provider",
    "completed_on",
    "hours",
    "source",
    "reference",
)


def _staff(actor: Actor, staff_id: int) -> Staff:
    staff = registry_selectors.staff_get(scope=actor.scope, pk=staff_id)
    if staff.school is None:
        raise ValidationFailed(_("This staff member belongs to no school."), code="no_school")
    return staff


def staff_competences(ids: Sequence[int]) -> dict[int, Competence]:
    """The competences of a teachers' framework among `ids` (what staff are trained in)."""
    return {
        c.pk: c
        for c in Competence.objects.filter(pk__in=list(ids), framework__audience=Framework.Audience.TEACHER)
    }


def invalid(field: str, code: str, message: Any) -> ValidationFailed:
    """A refusal naming the input field at fault (a form shows it beside the field)."""
    return ValidationFailed(message, code=code, details=[FieldError(field, code, str(message))])


def _check_date(completed_on: dt.date) -> None:
    if completed_on > timezone.localdate():
        raise invalid("completed_on", "completed_in_future", _("The completion date is in the future."))


@transaction.atomic
def training_record(*, actor: Actor, data: TrainingRecordIn) -> TrainingRecord:
    """The school (or the department) records a training a staff member completed."""
    staff = _staff(actor, data.staff_id)
    assert staff.school is not None
    actor.scope.require(perms.MANAGE_TRAINING, staff.school.unit.path)
    competence = staff_competences([data.competence_id]).get(data.competence_id)
    if competence is None:
        raise invalid(
            "competence_id", "not_staff_competence", _("Choose a competence of a teachers' framework.")
        )
    _check_date(data.completed_on)
    title = data.title.strip()
    if not title:
        raise invalid("title", "required", _("Name the training."))
    if TrainingRecord.objects.filter(
        staff=staff, competence=competence, title=title, completed_on=data.completed_on
    ).exists():
        raise Conflict(_("This training is already recorded."), code="training_taken")
    return create_with_history(
        actor=actor,
        obj=TrainingRecord(
            staff=staff,
            school=staff.school,
            unit_path=staff.school.unit.path,
            competence=competence,
            title=title,
            provider=data.provider.strip(),
            completed_on=data.completed_on,
            hours=data.hours,
            source=TrainingRecord.Source.ENTRY,
        ),
        fields=FIELDS,
        operation="skills.training_record",
    )


@transaction.atomic
def course_completed(*, actor: Actor, data: CourseCompletionIn) -> list[TrainingRecord]:
    """A staff member completed a training course (called by the learning app): one training
    record per competence the course trains, as competence evidence. Idempotent by
    (staff, competence, reference): a course completed again records nothing new.

    The actor is the system (a background job), the staff member themself, or someone who
    manages training at the staff member's school."""
    staff = _staff(actor, data.staff_id)
    assert staff.school is not None
    path = staff.school.unit.path
    if not (actor.scope.can(perms.MANAGE_TRAINING, path) or own_staff_id(actor) == staff.pk):
        raise PermissionDenied()
    comps = staff_competences(data.competence_ids)
    unknown = sorted(set(data.competence_ids) - set(comps))
    if unknown:
        raise invalid(
            "competence_ids",
            "not_staff_competence",
            _("Not competences of a teachers' framework: %(ids)s.")
            % {"ids": ", ".join(map(str, unknown[:10]))},
        )
    _check_date(data.completed_on)
    if not data.course_title.strip():
        raise invalid("course_title", "required", _("Name the training."))
    done = set(
        TrainingRecord.objects.filter(staff=staff, reference=data.reference).values_list(
            "competence_id", flat=True
        )
    )
    out = []
    for cid in sorted(comps):
        if cid in done:
            continue
        rec = TrainingRecord(
            staff=staff,
            school=staff.school,
            unit_path=path,
            competence=comps[cid],
            title=data.course_title.strip(),
            provider=data.provider.strip(),
            completed_on=data.completed_on,
            hours=data.hours,
            source=TrainingRecord.Source.COURSE,
            reference=data.reference,
        )
        if TrainingRecord.objects.filter(
            staff=staff, competence_id=cid, title=rec.title, completed_on=rec.completed_on
        ).exists():
            continue
        out.append(
            create_with_history(actor=actor, obj=rec, fields=FIELDS, operation="skills.course_completed")
        )
    return out


def write_imported(*, actor: Actor, rows: Iterable[dict[str, Any]]) -> int:
    """Rows of the `skills_training` kind (scope already checked by the ingest engine): new
    records in bulk, history in bulk."""
    objs = [
        TrainingRecord(
            staff_id=r["staff_id"],
            school_id=r["school_id"],
            unit_path=r["unit_path"],
            competence_id=r["competence_id"],
            title=r["title"],
            provider=r.get("provider") or "",
            completed_on=r["completed_on"],
            hours=r.get("hours"),
            source=TrainingRecord.Source.IMPORT,
        )
        for r in rows
    ]
    TrainingRecord.objects.bulk_create(objs, batch_size=2000)
    history.record_bulk(
        actor=actor,
        model=TrainingRecord,
        entries=[(o.pk, str(o), "create", {"title": [None, o.title]}) for o in objs],
        operation="import",
    )
    return len(objs)
