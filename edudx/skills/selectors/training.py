"""Training plans (issue #16 item 4), from the gaps of a confirmed self-assessment campaign:
per unit, how many staff are below the department's target level for their position in each
competence (from the maintained heatmap figures: counts only), and per school, who needs which
competence and whether a training in it has been recorded since the campaign began."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from edudx.core import aggregates
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .. import permissions as perms
from ..models import Campaign, Competence, Rating, SelfAssessment, TrainingRecord
from ..services.common import HEATMAP


def needs(*, scope: Scope, campaign: Campaign, area: int | None = None) -> dict[str, Any]:
    """Per unit (wards, or the schools of `area`) × competence: confirmed staff and how many
    are below the target of their position. Positions without a target need nothing."""
    ids = list(registry.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    summaries = {s["id"]: s for s in registry.school_summaries(ids)}
    if area is not None:
        ids = [i for i in ids if summaries.get(i, {}).get("area_id") == area]
    figures = aggregates.read(HEATMAP, ids)
    targets = dict(campaign.framework.targets.values_list("position", "rank"))
    comps = list(Competence.objects.filter(framework_id=campaign.framework_id).order_by("order"))
    units: dict[int, str] = {}
    cells: dict[tuple[int, str], list[int]] = {}
    for sid in ids:
        s = summaries.get(sid)
        if not s:
            continue
        key, name = (sid, s["name"]) if area is not None else (s["area_id"], s["area"])
        units[key] = name
        for pos, by_comp in ((figures.data.get(sid) or {}).get(str(campaign.pk)) or {}).items():
            target = targets.get(pos)
            for comp, hist in by_comp.items():
                cell = cells.setdefault((key, comp), [0, 0])
                for rank, n in hist.items():
                    cell[0] += n
                    if target is not None and int(rank) < target:
                        cell[1] += n
    rows = []
    for u in sorted(units, key=lambda k: units[k] or ""):
        for c in comps:
            assessed, below = cells.get((u, str(c.pk)), [0, 0])
            rows.append(
                {
                    "unit_id": u,
                    "unit": units[u],
                    "competence_id": c.pk,
                    "competence": f"{c.code} {c.name}",
                    "assessed": assessed,
                    "below_target": below,
                }
            )
    return {"rows": rows, "targets": targets, "as_of": figures.as_of}


def plan(*, scope: Scope, campaign: Campaign, school_id: int) -> list[dict[str, Any]]:
    """A school's training plan: every confirmed rating below the target of the staff member's
    position, with `trained` when a training in that competence was completed since the
    campaign began. Names need the skills app's view of people at the school."""
    school = registry.school_get(scope=scope, pk=school_id)
    scope.require(perms.MANAGE_TRAINING, school.unit.path)
    targets = dict(campaign.framework.targets.values_list("position", "rank"))
    ratings = (
        Rating.objects.filter(
            assessment__campaign=campaign,
            assessment__school_id=school.pk,
            assessment__status=SelfAssessment.Status.CONFIRMED,
        )
        .select_related("assessment__staff", "competence")
        .order_by("assessment__staff__sort_name", "assessment__staff_id", "competence__order")
    )
    since = campaign.created_at.date()
    trained = set(
        TrainingRecord.objects.filter(school_id=school.pk, completed_on__gte=since).values_list(
            "staff_id", "competence_id"
        )
    )
    out = []
    for r in ratings:
        target = targets.get(r.assessment.position)
        if target is None or r.rank >= target:
            continue
        out.append(
            {
                "staff_id": r.assessment.staff_id,
                "staff": r.assessment.staff.full_name,
                "position": r.assessment.position,
                "competence_id": r.competence_id,
                "competence": f"{r.competence.code} {r.competence.name}",
                "rank": r.rank,
                "target": target,
                "trained": (r.assessment.staff_id, r.competence_id) in trained,
            }
        )
    return out


def training_list(*, scope: Scope, school_id: int | None = None) -> QuerySet[TrainingRecord]:
    qs = TrainingRecord.objects.filter(scope.filter_q(perms.MANAGE_TRAINING, "unit_path")).select_related(
        "competence", "staff"
    )
    return qs.filter(school_id=school_id) if school_id else qs
