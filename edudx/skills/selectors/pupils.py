"""Pupils' competence levels (issue #16 item 5). Names only inside the pupil's school
(`class_levels` asks for `skills.assess_pupils` on the school, which no ward or department role
holds); everywhere else counts per unit × competence (`counts`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count

from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .. import permissions as perms
from ..models import Competence, Framework, Level, PupilLevel

if TYPE_CHECKING:
    from edudx.registry.models import SchoolClass


def learners_framework() -> Framework | None:
    return (
        Framework.objects.filter(audience=Framework.Audience.LEARNER, state=Framework.State.ACTIVE)
        .order_by("-version")
        .first()
    )


def learner_competences() -> list[Competence]:
    fw = learners_framework()
    return list(Competence.objects.filter(framework=fw).order_by("order")) if fw else []


def school_levels(framework_id: int) -> list[Level]:
    """The levels of a learners' framework that belong to a grade band of school."""
    return list(Level.objects.filter(framework_id=framework_id, grade_from__isnull=False).order_by("rank"))


def band_rank(levels: list[Level], grade: int) -> int | None:
    """The rank of the level a pupil of `grade` is expected to reach (its grade band's)."""
    for lv in levels:
        if lv.grade_from is not None and lv.grade_to is not None and lv.grade_from <= grade <= lv.grade_to:
            return lv.rank
    return None


def counts(
    *, scope: Scope, school_year: str, area: int | None = None, competence_id: int | None = None
) -> dict[str, Any]:
    """Per unit (wards, or the schools of `area`) × competence: pupils assessed, how many reached
    their grade band's level or above, and how many at each level. Counts only: no pupil."""
    ids = list(registry.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    summaries = {s["id"]: s for s in registry.school_summaries(ids)}
    if area is not None:
        ids = [i for i in ids if summaries.get(i, {}).get("area_id") == area]
    fw = learners_framework()
    if fw is None:
        return {"rows": [], "levels": []}
    levels = list(Level.objects.filter(framework=fw).order_by("rank"))
    code_of = {lv.pk: lv.code for lv in levels}
    rank_of = {lv.pk: lv.rank for lv in levels}
    comps = {c.pk: c for c in Competence.objects.filter(framework=fw)}
    qs = PupilLevel.objects.filter(school_id__in=ids, school_year=school_year, competence__framework=fw)
    if competence_id:
        qs = qs.filter(competence_id=competence_id)
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    units: dict[int, str] = {}
    for sid, cid, lid, grade, n in (
        qs.values_list("school_id", "competence_id", "level_id", "grade").annotate(n=Count("id")).order_by()
    ):
        s = summaries.get(sid)
        if not s:
            continue
        key, name = (sid, s["name"]) if area is not None else (s["area_id"], s["area"])
        units[key] = name
        cell = cells.setdefault((key, cid), {"assessed": 0, "at_band": 0, "by_level": {}})
        cell["assessed"] += n
        expected = band_rank(levels, grade)
        if expected is not None and rank_of[lid] >= expected:
            cell["at_band"] += n
        cell["by_level"][code_of[lid]] = cell["by_level"].get(code_of[lid], 0) + n
    rows = [
        {
            "unit_id": u,
            "unit": units[u],
            "competence_id": cid,
            "competence": f"{comps[cid].code} {comps[cid].name}",
            **cell,
        }
        for (u, cid), cell in sorted(
            cells.items(), key=lambda kv: (units[kv[0][0]] or "", comps[kv[0][1]].order)
        )
    ]
    return {"rows": rows, "levels": [lv.code for lv in levels if lv.grade_from is not None]}


def class_levels(*, scope: Scope, school_class: SchoolClass, competence: Competence) -> list[dict[str, Any]]:
    """The pupils of a class with the level each reached in `competence` this school year —
    for the people of the pupil's school who assess pupils, nobody else."""
    scope.require(perms.ASSESS_PUPILS, school_class.school.unit.path)
    roster = list(registry.class_roster(scope=scope, school_class=school_class))
    current = dict(
        PupilLevel.objects.filter(
            student_id__in=[e.student_id for e in roster],
            competence=competence,
            school_year=school_class.year.code,
        ).values_list("student_id", "level_id")
    )
    return [
        {"student_id": e.student_id, "name": e.student.full_name, "level_id": current.get(e.student_id)}
        for e in roster
    ]
