"""What the role home pages show of the evaluation, from the maintained per-school figures
(`aggregates.SCHOOLS`): DX levels per ward (the city) or per school (one ward), the schools late
with their self-assessment, a school's levels against the targets and its to-do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from edudx.core import aggregates
from edudx.core.scope import Scope
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..aggregates import SCHOOLS
from ..models import Campaign, Framework

OPEN_STATUSES = ("not_started", "draft", "returned")
TARGET_LEVEL = 2  # the programme's target: every school at Level 2 or above on both groups


@dataclass
class DxOverview:
    campaign: Campaign | None
    groups: list[str] = field(default_factory=list)
    # one row per ward (unit) or per school: key, name, schools, levels {group: [L0, L1, L2, L3]},
    # published, late, reached (schools at the target level on every group)
    rows: list[dict[str, Any]] = field(default_factory=list)
    late: int = 0
    as_of: dt.datetime | None = None


def _latest_campaign(campaign_ids: set[int]) -> Campaign | None:
    return (
        Campaign.objects.filter(pk__in=campaign_ids, framework__subject=Framework.Subject.SCHOOL)
        .exclude(state=Campaign.State.DRAFT)
        .select_related("framework")
        .order_by("-school_year", "-id")
        .first()
    )


def _is_late(row: dict[str, Any], campaign: Campaign, today: dt.date) -> bool:
    if row["s"] not in OPEN_STATUSES or campaign.state not in (Campaign.State.OPEN, Campaign.State.REVIEW):
        return False
    base = campaign.review_deadline if row["s"] == "returned" else campaign.self_deadline
    extended = dt.date.fromisoformat(row["x"]) if row.get("x") else None
    return today > (max(base, extended) if extended else base)


def dx_overview(*, scope: Scope, ward_id: int | None = None) -> DxOverview:
    """The latest school campaign of the caller's schools: per ward (or, with `ward_id`, per
    school of that ward) the schools at each level per group, published, late and at the target.
    Counts come from the maintained figures; no assessment is counted per view."""
    ids = list(registry_selectors.school_ids_in_scope(scope=scope, permission=perms.VIEW))
    figures = (
        aggregates.read_shared(SCHOOLS, ids) if len(ids) > aggregates.CHUNK else aggregates.read(SCHOOLS, ids)
    )
    mine = {sid: figures.data[sid] for sid in ids if sid in figures.data}
    campaign = _latest_campaign({int(c) for d in mine.values() for c in d.get("c", {})})
    if campaign is None:
        return DxOverview(campaign=None, as_of=figures.as_of)
    key = str(campaign.pk)
    groups = list(campaign.framework.groups.order_by("order").values_list("code", flat=True))
    today = timezone.localdate()
    rows: dict[int, dict[str, Any]] = {}
    late = 0
    for sid, data in mine.items():
        r = data["c"].get(key)
        if r is None or (ward_id is not None and r["u"] != ward_id):
            continue
        k = sid if ward_id is not None else r["u"]
        row = rows.setdefault(
            k,
            {
                "key": k,
                "name": r["un"],
                "schools": 0,
                "published": 0,
                "late": 0,
                "reached": 0,
                "levels": {g: [0, 0, 0, 0] for g in groups},
                "status": r["s"],
                "assessment_id": r["a"],
            },
        )
        row["schools"] += 1
        is_late = _is_late(r, campaign, today)
        row["late"] += int(is_late)
        late += int(is_late)
        if r["s"] == "published":
            row["published"] += 1
            for g in groups:
                level = r["g"].get(g, [0, 0, False])[1]
                row["levels"][g][level] += 1
            if all(r["g"].get(g, [0, 0, False])[1] >= TARGET_LEVEL for g in groups):
                row["reached"] += 1
    if ward_id is not None and rows:
        names = registry_selectors.school_names(pks=list(rows))
        for k, row in rows.items():
            row["name"] = names.get(k, str(k))
    for row in rows.values():  # published schools at the target level or above, per group
        row["at_target"] = {g: sum(row["levels"][g][TARGET_LEVEL:]) for g in groups}
    ordered = sorted(rows.values(), key=lambda r: str(r["name"]))
    return DxOverview(campaign=campaign, groups=groups, rows=ordered, late=late, as_of=figures.as_of)


def school_status(*, scope: Scope, school_id: int) -> dict[str, Any]:
    """A school's evaluation for its principal's home: the latest campaign's status and levels
    per group against the target, and the to-do (a self-assessment returned or late)."""
    registry_selectors.school_get(scope=scope, pk=school_id)  # NotFound outside the scope
    figures = aggregates.read(SCHOOLS, [school_id])
    data = figures.data.get(school_id, {}).get("c", {})
    campaign = _latest_campaign({int(c) for c in data})
    if campaign is None:
        return {"campaign": None, "todo": [], "groups": [], "as_of": figures.as_of}
    r = data[str(campaign.pk)]
    groups = [
        {"code": g, "points": r["g"].get(g, [0, 0, False])[0], "level": r["g"].get(g, [0, 0, False])[1],
         "target": TARGET_LEVEL}
        for g in campaign.framework.groups.order_by("order").values_list("code", flat=True)
    ]  # fmt: skip
    todo = []
    if r["s"] == "returned":
        todo.append({"code": "assessment_returned", "assessment_id": r["a"]})
    if _is_late(r, campaign, timezone.localdate()):
        todo.append({"code": "assessment_late", "assessment_id": r["a"]})
    return {
        "campaign": campaign,
        "status": r["s"],
        "assessment_id": r["a"],
        "groups": groups,
        "todo": todo,
        "as_of": figures.as_of,
    }
