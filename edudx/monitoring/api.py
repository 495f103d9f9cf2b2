"""Monitoring REST API (/api/v1/monitoring/): frameworks with their scoring bands, campaigns,
self-assessments with their evidence and automatic points, the caller's review queue and the
published levels — read through the caller's Scope (a record outside it is a 404), so the
sector-database sync and partners read results without spreadsheets."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from ninja import Query, Router

from edudx.core.api_errors import errors
from edudx.core.ids import Id
from edudx.core.pagination import paginate

from . import permissions as perms
from . import selectors
from .models import Assessment, Framework
from .schemas import (
    AssessmentDetailOut,
    AssessmentPage,
    CampaignOut,
    CampaignPage,
    CursorQuery,
    FrameworkDetailOut,
    FrameworkOut,
    PublishedLevelOut,
)

router = Router(tags=["monitoring"])


def _framework(fw: Framework) -> dict[str, Any]:
    return {
        "id": fw.pk,
        "code": fw.code,
        "name": fw.name,
        "year": fw.year,
        "subject": fw.subject,
        "state": fw.state,
        "source": fw.source,
        "levels": list(fw.levels or []),
    }


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "campaign_id": a.campaign_id,
        "school_id": a.school_id,
        "school_moet_code": (a.school.moet_code or "") if a.school else "",
        "school_name": a.subject_name,
        "authority_id": a.authority_id,
        "supervisor_id": a.supervisor_id,
        "school_level": a.school_level,
        "ownership": a.ownership,
        "status": a.status,
        "deadline": a.deadline,
        "submitted_at": a.submitted_at,
        "approved_at": a.approved_at,
        "published_at": a.published_at,
        "results": [
            {"group": r.group.code, "points": r.points, "mandatory_met": r.mandatory_met, "level": r.level}
            for r in sorted(a.results.all(), key=lambda r: r.group.order)
        ],
    }


def _page(items: list[Assessment], page: Any) -> dict[str, Any]:
    prefetch_related_objects(items, "results__group")
    return {
        "items": [_assessment(a) for a in items],
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }


@router.get("/frameworks", response={200: list[FrameworkOut], **errors(403)})
def framework_list(request):
    return [_framework(fw) for fw in selectors.framework_list(scope=request.scope)]


@router.get("/frameworks/{framework_id}", response={200: FrameworkDetailOut, **errors(403)})
def framework_detail(request, framework_id: Id):
    fw = selectors.framework_get(scope=request.scope, pk=framework_id)
    cov = selectors.scoring_coverage(fw)
    bands: dict[int, list[dict[str, Any]]] = {}
    for rule in cov["rules"]:
        bands.setdefault(rule.criterion_id, []).extend(
            {"subitem": rule.key, "indicator": rule.indicator_code, "from_value": lower, "points": points}
            for lower, points in rule.bands
        )
    groups = [
        {
            "code": g.code,
            "name": g.name,
            "max_points": g.max_points,
            "level2_min": g.level2_min,
            "level3_above": g.level3_above,
            "criteria": [
                {
                    "id": c.pk,
                    "code": c.code,
                    "name": c.name,
                    "kind": c.kind,
                    "max_points": c.max_points,
                    "evidence_required": c.evidence_required,
                    "subitems": list(c.subitems.all()),
                    "scoring_bands": bands.get(c.pk, []),
                }
                for c in g.criteria.all()
            ],
        }
        for g in selectors.framework_groups(fw)
    ]
    coverage = {"points": cov["points"], "points_total": cov["points_total"], "share": cov["share"]}
    return {**_framework(fw), "groups": groups, "coverage": coverage}


@router.get("/campaigns", response={200: CampaignPage, **errors(403)})
def campaign_list(request, page: Query[CursorQuery]):
    request.scope.require_any(perms.VIEW)
    p = paginate(
        selectors.campaign_list(scope=request.scope), order=("-id",), cursor=page.cursor, limit=page.limit
    )
    return {"items": p.items, "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **errors(403)})
def campaign_detail(request, campaign_id: Id):
    return selectors.campaign_get(scope=request.scope, pk=campaign_id)


@router.get("/campaigns/{campaign_id}/assessments", response={200: AssessmentPage, **errors(403)})
def campaign_assessments(request, campaign_id: Id, page: Query[CursorQuery]):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    qs, order = selectors.assessment_list(scope=request.scope, campaign=c)
    p = paginate(qs.select_related("campaign"), order=order, cursor=page.cursor, limit=page.limit)
    return _page(list(p.items), p)


@router.get("/campaigns/{campaign_id}/levels", response={200: list[PublishedLevelOut], **errors(403)})
def campaign_levels(request, campaign_id: Id):
    """Published levels only: one row per school and group, keyed by the MOET code."""
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    fw = f"{c.framework.code}/{c.framework.year}"
    groups = {g.pk: g for g in c.framework.groups.all()}
    return [
        {
            "school_id": a.school_id,
            "school_moet_code": (a.school.moet_code or "") if a.school else "",
            "authority_id": a.authority_id,
            "school_year": c.school_year,
            "framework": fw,
            "group": groups[r.group_id].code,
            "points": r.points,
            "mandatory_met": r.mandatory_met,
            "level": r.level,
            "published_at": a.published_at,
        }
        for a in selectors.export_rows(scope=request.scope, campaign=c, published_only=True)
        for r in sorted(a.results.all(), key=lambda r: groups[r.group_id].order)
    ]


@router.get("/reviews", response={200: AssessmentPage, **errors(403)})
def review_queue(request, page: Query[CursorQuery]):
    """Self-assessments submitted and waiting for the caller's review, oldest first."""
    qs = selectors.review_queue(scope=request.scope)
    p = paginate(qs, order=("submitted_at", "id"), cursor=page.cursor, limit=page.limit)
    return _page(list(p.items), p)


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **errors(403)})
def assessment_detail(request, assessment_id: Id):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    autos = selectors.assessment_auto_points(a)
    entries = [
        {
            "criterion": e.criterion.code,
            "value": e.value,
            "points": e.points,
            "sub_points": {k: str(v) for k, v in (e.sub_points or {}).items()},
            "met": e.met,
            "comment": e.comment,
            "override_reason": e.override_reason,
            "reviewed_points": e.reviewed_points,
            "review_reason": e.review_reason,
            "review_comment": e.review_comment,
            "final_points": e.final_points,
            "automatic": [
                {
                    "subitem": p.key,
                    "indicator": p.indicator_code,
                    "value": p.value,
                    "points": p.points,
                    "max_points": p.max_points,
                    "formula": p.formula,
                    "source": p.source,
                    "as_of": p.as_of,
                }
                for p in autos.get(e.criterion_id, [])
            ],
            "evidence": [
                {"id": ev.pk, "kind": ev.kind, "title": ev.title, "url": ev.url, "record": ev.record_ref}
                for ev in e.evidence.all()
            ],
        }
        for e in selectors.assessment_entries(a)
    ]
    prefetch_related_objects([a], "results__group")
    review = {
        "review_note": a.review_note,
        "external_evaluator": a.external_evaluator,
        "external_date": a.external_date,
        "external_note": a.external_note,
    }
    return {**_assessment(a), "entries": entries, "review": review}
