"""Reads of quality: pairs in the caller's scope, runs, models, merges."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from .models import CandidatePair, DedupeRun, Kind, MatchModel, Merge, PairState, QualitySettings

PATH_A = "school_a__unit__path"
PATH_B = "school_b__unit__path"


def _pairs_q(scope: Scope) -> Q:
    """A pair is seen by whoever may review either record's school."""
    return scope.filter_q(perms.REVIEW, PATH_A) | scope.filter_q(perms.REVIEW, PATH_B)


def pair_list(
    *, scope: Scope, kind: str | None = None, state: str | None = PairState.OPEN, min_probability: float = 0.0
) -> QuerySet[CandidatePair]:
    qs = CandidatePair.objects.filter(_pairs_q(scope)).select_related("school_a__unit", "school_b__unit")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if state in PairState.values:
        qs = qs.filter(state=state)
    if min_probability:
        qs = qs.filter(probability__gte=min_probability)
    return qs.order_by("-probability", "id")


def pair_get(*, scope: Scope, pk: int) -> CandidatePair:
    try:
        return (
            CandidatePair.objects.filter(_pairs_q(scope))
            .select_related("school_a__unit", "school_b__unit")
            .get(pk=pk)
        )
    except (CandidatePair.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def pair_unit_paths(pair: CandidatePair) -> tuple[str | None, str | None]:
    a = pair.school_a.unit.path if pair.school_a_id and pair.school_a else None
    b = pair.school_b.unit.path if pair.school_b_id and pair.school_b else None
    return a, b


def merge_list(*, scope: Scope, auto: bool | None = None) -> QuerySet[Merge]:
    q = scope.filter_q(perms.REVIEW, "pair__" + PATH_A) | scope.filter_q(perms.REVIEW, "pair__" + PATH_B)
    qs = Merge.objects.filter(q).select_related("pair", "by", "undone_by")
    if auto is not None:
        qs = qs.filter(auto=auto)
    return qs.order_by("-at", "-id")


def merge_get(*, scope: Scope, pk: int) -> Merge:
    try:
        return merge_list(scope=scope).get(pk=pk)
    except (Merge.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def model_list(*, scope: Scope) -> QuerySet[MatchModel]:
    scope.require_any(perms.REVIEW)
    return MatchModel.objects.order_by("kind", "-version")


def model_latest(kind: str) -> MatchModel | None:
    return MatchModel.objects.filter(kind=kind).order_by("-version").first()


def run_list(*, scope: Scope) -> QuerySet[DedupeRun]:
    scope.require_any(perms.RUN)
    return DedupeRun.objects.order_by("-created_at", "-id")


def run_get(*, scope: Scope, pk: int) -> DedupeRun:
    scope.require_any(perms.RUN)
    try:
        return DedupeRun.objects.get(pk=pk)
    except (DedupeRun.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def settings_get() -> QualitySettings:
    return QualitySettings.objects.order_by("pk").first() or QualitySettings(auto_merge_threshold=None)


# ----- data-quality rules and scorecards (scorecards.py)
from .scorecards import (  # noqa: E402
    Board,
    Row,
    board,
    deadline_list,
    rule_get,
    rule_list,
    rule_versions,
    rules_effective,
    school_facts,
)

__all__ = [
    "Board", "Row", "board", "deadline_list", "merge_get", "merge_list", "model_latest", "model_list", "pair_get", "pair_list",
    "pair_unit_paths", "rule_get", "rule_list", "rule_versions", "rules_effective", "run_get", "run_list",
    "school_facts", "settings_get",
]  # fmt: skip
