"""Pupils' competence levels (issue #16 item 5): a teacher enters the level each pupil of a
class reached in one competence of the learners' framework (one level for the whole class, then
the exceptions), or the school imports them (kind `skills_pupil_levels`). Only people of the
pupil's school hold `skills.assess_pupils`; everyone else reads counts
(`selectors.pupils.counts`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import Competence, Framework, Level, PupilLevel
from ..schemas import PupilLevelsIn
from .training import invalid

if TYPE_CHECKING:
    from edudx.registry.models import SchoolClass


def learner_competence(competence_id: int) -> Competence:
    c = Competence.objects.filter(pk=competence_id, framework__audience=Framework.Audience.LEARNER).first()
    if c is None:
        raise invalid(
            "competence_id", "not_learner_competence", _("Choose a competence of the learners' framework.")
        )
    return c


def school_levels(framework_id: int) -> dict[int, Level]:
    """The levels of a learners' framework that belong to a grade band of school (not those
    after school)."""
    return {lv.pk: lv for lv in Level.objects.filter(framework_id=framework_id, grade_from__isnull=False)}


@transaction.atomic
def pupil_levels_set(*, actor: Actor, school_class: SchoolClass, data: PupilLevelsIn) -> dict[str, int]:
    """Set the levels of a class's pupils in one competence for the class's school year.
    Returns {"set": n, "removed": n}."""
    path = school_class.school.unit.path
    actor.scope.require(perms.ASSESS_PUPILS, path)
    competence = learner_competence(data.competence_id)
    levels = school_levels(competence.framework_id)
    roster = {
        e.student_id for e in registry_selectors.class_roster(scope=actor.scope, school_class=school_class)
    }
    named = {e.student_id: e.level_id for e in data.levels}
    strangers = set(named) - roster
    if strangers:
        raise ValidationFailed(_("Some pupils are not in this class."), code="not_in_class")
    wanted = {sid: named.get(sid, data.default_level_id) for sid in roster}
    if any(lv is not None and lv not in levels for lv in wanted.values()):
        raise invalid("level_id", "unknown_level", _("Choose a level of the learners' framework for school."))
    year = school_class.year.code
    existing = {
        p.student_id: p
        for p in PupilLevel.objects.select_for_update().filter(
            student_id__in=list(roster), competence=competence, school_year=year
        )
    }
    created, changed, removed = [], [], []
    for sid, level_id in sorted(wanted.items()):
        old = existing.get(sid)
        if level_id is None:
            if old is not None and sid in named:
                removed.append(old)
            continue
        if old is None:
            created.append(
                PupilLevel(
                    student_id=sid,
                    school=school_class.school,
                    unit_path=path,
                    competence=competence,
                    level_id=level_id,
                    school_year=year,
                    grade=school_class.grade,
                )
            )
        elif old.level_id != level_id:
            changed.append((old, old.level_id))
            old.level_id = level_id
            old.grade = school_class.grade
    PupilLevel.objects.bulk_create(created, batch_size=1000)
    PupilLevel.objects.bulk_update(
        [o for o, _b in changed], ["level", "grade", "updated_at"], batch_size=1000
    )
    entries = [(p.pk, str(p), "create", {"level": [None, p.level_id]}) for p in created]
    entries += [(p.pk, str(p), "update", {"level": [before, p.level_id]}) for p, before in changed]
    entries += [(p.pk, str(p), "delete", {"level": [p.level_id, None]}) for p in removed]
    PupilLevel.objects.filter(pk__in=[p.pk for p in removed]).delete()
    history.record_bulk(actor=actor, model=PupilLevel, entries=entries, operation="skills.pupil_levels_set")
    return {"set": len(created) + len(changed), "removed": len(removed)}


def write_imported(*, actor: Actor, rows: Iterable[dict[str, Any]], changed: list[tuple[int, int]]) -> int:
    """Rows of the `skills_pupil_levels` kind (scope checked by the ingest engine): new levels in
    bulk, changed ones updated, history in bulk."""
    objs = [
        PupilLevel(
            student_id=r["student_id"],
            school_id=r["school_id"],
            unit_path=r["unit_path"],
            competence_id=r["competence_id"],
            level_id=r["level_id"],
            school_year=r["school_year"],
            grade=r["grade"],
            source=PupilLevel.Source.IMPORT,
        )
        for r in rows
    ]
    PupilLevel.objects.bulk_create(objs, batch_size=2000)
    for pk, level_id in changed:
        PupilLevel.objects.filter(pk=pk).update(level_id=level_id, source=PupilLevel.Source.IMPORT)
    entries = [(o.pk, str(o), "create", {"level": [None, o.level_id]}) for o in objs]
    entries += [(pk, str(pk), "update", {"level": [None, lv]}) for pk, lv in changed]
    history.record_bulk(actor=actor, model=PupilLevel, entries=entries, operation="import")
    return len(objs)
