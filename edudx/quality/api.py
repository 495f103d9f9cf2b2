"""Quality REST API (/api/v1/quality/): candidate pairs, decisions, merges — scoped."""

from __future__ import annotations

from ninja import Query, Router

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.ids import Id
from edudx.core.pagination import paginate

from . import permissions as perms
from . import selectors, services
from .schemas import (
    DecisionIn,
    MergeIn,
    MergeOut,
    PairOut,
    PairPage,
    PairQuery,
    RuleOut,
    ScorecardOut,
    ScorecardQuery,
)

router = Router(tags=["quality"])


@router.get("/pairs", response={200: PairPage, **errors(403)})
def pair_list(request, q: Query[PairQuery]):
    request.scope.require_any(perms.REVIEW)
    qs = selectors.pair_list(
        scope=request.scope, kind=q.kind, state=q.state, min_probability=q.min_probability
    )
    p = paginate(qs, order=("-probability", "id"), cursor=q.cursor, limit=q.limit)
    return {"items": p.items, "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


@router.get("/pairs/{pair_id}", response=PairOut)
def pair_detail(request, pair_id: Id):
    return selectors.pair_get(scope=request.scope, pk=pair_id)


@router.post("/pairs/{pair_id}/decision", response={200: PairOut, **errors(409)})
def pair_decision(request, pair_id: Id, data: DecisionIn):
    pair = selectors.pair_get(scope=request.scope, pk=pair_id)
    return services.pair_decide(
        actor=Actor.from_request(request, via=Via.API), pair=pair, decision=data.decision
    )


@router.post("/pairs/{pair_id}/merge", response={201: MergeOut, **errors(409)})
def pair_merge(request, pair_id: Id, data: MergeIn):
    pair = selectors.pair_get(scope=request.scope, pk=pair_id)
    merge = services.pair_merge(
        actor=Actor.from_request(request, via=Via.API),
        pair=pair,
        survivor_id=data.survivor_id,
        take=data.take,
    )
    return 201, merge


@router.get("/merges", response={200: list[MergeOut], **errors(403)})
def merge_list(request, auto: bool | None = None):
    request.scope.require_any(perms.REVIEW)
    return list(selectors.merge_list(scope=request.scope, auto=auto)[:200])


@router.post("/merges/{merge_id}/undo", response={200: MergeOut, **errors(409)})
def merge_undo(request, merge_id: Id):
    merge = selectors.merge_get(scope=request.scope, pk=merge_id)
    return services.merge_undo(actor=Actor.from_request(request, via=Via.API), merge=merge)


# ----- data-quality scorecards and rules
@router.get("/scorecards", response={200: ScorecardOut, **errors(403, 404)})
def scorecard(request, q: Query[ScorecardQuery]):
    """The scorecard of the city (rows: wards and clusters), a ward or cluster (rows: its schools)
    or a school, under the department's current rules; only the schools of the caller's scope."""
    b = selectors.board(scope=request.scope, level=q.level, key=q.key, rank=q.rank)
    return {
        "level": b.level, "key": b.key, "name": b.name, "as_of": b.as_of, "card": b.card.as_dict(),
        "rows": [{"level": r.level, "key": r.key, "name": r.name, "code": r.code, "card": r.card.as_dict()}
                 for r in b.rows],
        "outliers": b.outliers[:500],
        "trend": [{"day": t.day.isoformat(), **t.scores} for t in b.trend],
    }  # fmt: skip


@router.get("/rules", response={200: list[RuleOut], **errors(403)})
def rule_list(request):
    return [
        {"code": r.code, "dimension": r.dimension, "label": str(r.label), "active": r.active,
         "threshold": r.threshold, "severity": r.severity, "levels": list(r.levels), "params": r.params,
         "version": r.version}
        for r in selectors.rule_list(scope=request.scope)
    ]  # fmt: skip
