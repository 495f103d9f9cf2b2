"""The evaluation's figures per school, maintained (edudx/core/aggregates.py): campaign dashboards
and role home pages sum the schools of the caller's scope instead of counting every assessment,
result and entry of the city per view.

Per school: for every campaign that covered it, its status, the snapshot the dashboards group by
(supervising unit, school level, ownership, unit path), its points and level per group and its
final points per criterion. A committed change to an assessment, its results or its entries
(services, the review, the automatic points, a bulk load) recounts that school within the
minute — the triggers note the school of every row written."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models.functions import Coalesce

from edudx.core import aggregates
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

SCHOOLS = "monitoring.schools"


def compute(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    from .models import Assessment, Entry, GroupResult

    qs = Assessment.objects.filter(school__isnull=False)
    if keys is not None:
        qs = qs.filter(school_id__in=keys)
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"c": {}})
    # Every school asked for that exists gets its figures, empty when no campaign covered it:
    # a school left out reads as "not counted yet" and was recounted on every view of home.
    schools = registry.school_ids_in_scope(scope=Scope.system())
    for sid in schools.filter(pk__in=keys) if keys is not None else schools:
        out[sid] = {"c": {}}
    by_id: dict[int, dict[str, Any]] = {}
    for aid, sid, cid, status, sup, sup_name, level, own, path, ext in qs.values_list(
        "id",
        "school_id",
        "campaign_id",
        "status",
        "supervisor_id",
        "supervisor__name",
        "school_level",
        "ownership",
        "unit_path",
        "extended_until",
    ).iterator(chunk_size=2000):
        row = {
            "a": aid,
            "s": status,
            "u": sup,
            "un": sup_name,
            "l": level,
            "o": own,
            "p": path,
            "x": ext.isoformat() if ext else None,
            "g": {},
            "e": {},
        }
        out[sid]["c"][str(cid)] = row
        by_id[aid] = row
    if not by_id:
        return dict(out)
    results = GroupResult.objects.filter(assessment__in=qs).values_list(
        "assessment_id", "group__code", "points", "level", "mandatory_met"
    )
    for aid, code, pts, reached, met in results.iterator(chunk_size=5000):
        if aid in by_id:
            by_id[aid]["g"][code] = [float(pts), reached, bool(met)]
    final = Coalesce("reviewed_points", "points", 0, output_field=Entry._meta.get_field("points"))
    entries = (
        Entry.objects.filter(assessment__in=qs, criterion__kind="points", max_points__gt=0)
        .annotate(f=final)
        .values_list("assessment_id", "criterion__code", "f")
    )
    for aid, code, f in entries.iterator(chunk_size=5000):
        if aid in by_id and f is not None:
            by_id[aid]["e"][code] = float(f)
    return dict(out)


def _by_assessment(table: str) -> aggregates.Source:
    return aggregates.Source(
        table, "(SELECT a.school_id FROM monitoring_assessment a WHERE a.id = {row}.assessment_id)"
    )


aggregates.register(
    SCHOOLS,
    compute,
    sources=[
        aggregates.Source("monitoring_assessment", "{row}.school_id"),
        _by_assessment("monitoring_groupresult"),
        _by_assessment("monitoring_entry"),
    ],
)
