"""Scorecard reads: the schools of the reader's scope, their stored facts (aggregates.py), and
the scores of schools, wards, clusters and the city under the department's current rules.

Re-exported by selectors.py (the app's read room); kept apart for size."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches
from django.db.models import Max
from django.utils import timezone

from edudx.core import aggregates
from edudx.core.errors import NotFound
from edudx.core.models import Aggregate, AggregateState
from edudx.core.scope import Scope
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry

from . import permissions as perms
from .aggregates import SCORECARD
from .models import Dimension, ReportingDeadline, Rule, RuleVersion, ScorecardSnapshot, SnapshotLevel
from .scoring import catalogue, outliers, scores

LEVELS = tuple(SnapshotLevel.values)


def rules_effective() -> list[catalogue.RuleDef]:
    """The shipped rules under the department's stored settings."""
    stored = {
        r.code: {"active": r.active, "threshold": r.threshold, "severity": r.severity, "levels": r.levels,
                 "params": r.params, "version": r.version}
        for r in Rule.objects.all()
    }  # fmt: skip
    return catalogue.effective(stored)


def rule_list(*, scope: Scope) -> list[catalogue.RuleDef]:
    scope.require_any(perms.SCORECARD)
    return rules_effective()


def rule_get(*, scope: Scope, code: str) -> catalogue.RuleDef:
    scope.require_any(perms.SCORECARD)
    for r in rules_effective():
        if r.code == code:
            return r
    raise NotFound()


def rule_versions(*, scope: Scope, code: str) -> list[RuleVersion]:
    rule_get(scope=scope, code=code)
    return list(RuleVersion.objects.filter(rule__code=code).select_related("by").order_by("-version"))


def deadline_list(*, scope: Scope) -> list[ReportingDeadline]:
    scope.require_any(perms.SCORECARD)
    return list(ReportingDeadline.objects.order_by("due"))


@dataclass
class Row:
    """One line of a scorecard table: a school, a ward or a cluster."""

    level: str
    key: int
    name: str
    card: scores.Card
    code: str = ""
    area: str = ""


@dataclass
class Board:
    """What a scorecard page shows."""

    level: str
    key: int
    name: str
    card: scores.Card
    rows: list[Row] = field(default_factory=list)
    rules: list[catalogue.RuleDef] = field(default_factory=list)
    outliers: list[dict[str, Any]] = field(default_factory=list)
    trend: list[ScorecardSnapshot] = field(default_factory=list)
    as_of: dt.datetime | None = None
    path: str = ""


def _facts(scope: Scope) -> tuple[dict[int, dict[str, Any]], set[int], dt.datetime | None]:
    """Every school's stored facts (outliers compare against all) and the ids the scope sees."""
    scope.require_any(perms.SCORECARD)
    ids = set(registry.school_ids_in_scope(scope=scope, permission=perms.SCORECARD))
    stored = aggregates.read(SCORECARD, None, live_changes=20)
    return stored.data, ids, stored.as_of


def _names(ids: set[int]) -> dict[int, dict[str, Any]]:
    return {s["id"]: s for s in registry.school_summaries(list(ids))}


def _clusters(scope: Scope) -> dict[int, tuple[str, list[str]]]:
    groups = {g.pk: g.name for g in org_selectors.grouping_list(scope=scope).filter(kind="cluster")}
    paths = org_selectors.member_paths(list(groups))
    return {gid: (groups[gid], paths.get(gid, [])) for gid in groups}


def _members(seen: dict[int, dict[str, Any]], paths: list[str]) -> list[int]:
    """Schools under any of these unit paths: a unit's path prefixes its subtree's (fixed-width
    segments, as core.scope.subtree_q reads them); one set lookup per path length."""
    wanted = set(paths)
    lengths = {len(p) for p in wanted}
    return [sid for sid, f in seen.items() if any((f.get("path") or "")[:n] in wanted for n in lengths)]


def board(*, scope: Scope, level: str = SnapshotLevel.CITY, key: int = 0, rank: str = "") -> Board:
    """The scorecard of the city (rows: wards), a ward or a cluster (rows: schools) or a school
    (its rules). A ward, cluster or school outside the scope is NotFound.

    Scored once per reader, level and rank for each state of the facts (the last sweep) and of the
    rules, kept in the per-process cache: the city page scores 3,500 schools (seconds of Python),
    then answers from the cache until the next sweep (at most a minute) or a rule's edit."""
    if level not in LEVELS:
        raise NotFound()
    scope.require_any(perms.SCORECARD)
    aggregates.read(SCORECARD, [])  # no rows: queues the sweep when the figures are a minute old
    swept = AggregateState.objects.filter(name=SCORECARD).values_list("swept_at", flat=True).first()
    # A school recounted on its own (a touch, a live read) moves the newest `as_of`, not the sweep.
    newest = Aggregate.objects.filter(name=SCORECARD).aggregate(t=Max("as_of"))["t"]
    rules = rules_effective()
    if swept is None or scope.is_system:
        return _board(scope, level, key, rank, rules)
    signature = ",".join(f"{r.code}:{r.version}" for r in rules)
    cache_key = (
        "quality-board:"
        + hashlib.sha256(
            f"{scope.user_id}|{level}|{key}|{rank}|{swept.isoformat()}|{newest}|{signature}|{timezone.localdate()}".encode()
        ).hexdigest()
    )
    found = caches["default"].get(cache_key)
    if isinstance(found, Board):
        return found
    out = _board(scope, level, key, rank, rules)
    caches["default"].set(cache_key, out, timeout=aggregates.max_age() * 2)
    return out


def _board(scope: Scope, level: str, key: int, rank: str, rules: list[catalogue.RuleDef]) -> Board:
    facts, ids, as_of = _facts(scope)
    today = timezone.localdate()
    seen = {sid: f for sid, f in facts.items() if sid in ids}
    per = {sid: scores.rule_counts(f, rules, today) for sid, f in seen.items()}  # once per school

    def card(members: list[int]) -> scores.Card:
        return scores.card_of([per[s] for s in members], rules)

    names = _names(set(seen))
    out: Board
    if level == SnapshotLevel.SCHOOL:
        if key not in seen:
            raise NotFound()
        n = names.get(key, {})
        out = Board(level, key, n.get("name", ""), card([key]), path=n.get("path", ""))
        out.outliers = _outliers(rules, facts, [key])
    elif level == SnapshotLevel.WARD:
        members = [sid for sid, f in seen.items() if f.get("area") == key]
        if not members:
            raise NotFound()
        out = Board(level, key, names[members[0]].get("area") or "", card(members))
        out.rows = _school_rows(members, card, names)
        out.outliers = _outliers(rules, facts, members)
    elif level == SnapshotLevel.CLUSTER:
        clusters = _clusters(scope)
        if key not in clusters:
            raise NotFound()
        name, paths = clusters[key]
        members = _members(seen, paths)
        out = Board(level, key, name, card(members))
        out.rows = _school_rows(members, card, names)
        out.outliers = _outliers(rules, facts, members)
    else:
        out = Board(level, 0, "", card(list(seen)))
        wards: dict[int, list[int]] = {}
        for sid, f in seen.items():
            wards.setdefault(int(f.get("area") or 0), []).append(sid)
        out.rows = [
            Row(SnapshotLevel.WARD, wid, names[m[0]].get("area") or "", card(m)) for wid, m in wards.items()
        ]
        out.rows += [
            Row(SnapshotLevel.CLUSTER, gid, name, card(_members(seen, paths)))
            for gid, (name, paths) in _clusters(scope).items()
        ]  # fmt: skip
        if rank:
            out.rows += _school_rows(list(seen), card, names)
        out.outliers = _outliers(rules, facts, list(seen))
    out.rows.sort(key=lambda r: (_rank_value(r.card, rank), r.name))
    out.rules, out.as_of = [r for r in rules if r.dimension != Dimension.OUTLIERS], as_of
    out.trend = list(ScorecardSnapshot.objects.filter(level=level, key=key).order_by("-day")[:12])[::-1]
    return out


def _rank_value(card: scores.Card, rank: str) -> float:
    value = card.overall if rank in ("", "overall") else card.dimensions.get(rank)
    return value if value is not None else 101.0  # no figure: last


def _school_rows(
    members: list[int], card: Callable[[list[int]], scores.Card], names: dict[int, dict[str, Any]]
) -> list[Row]:
    return [
        Row(SnapshotLevel.SCHOOL, sid, names.get(sid, {}).get("name", ""), card([sid]),
            code=names.get(sid, {}).get("moet_code", ""), area=names.get(sid, {}).get("area") or "")
        for sid in members
    ]  # fmt: skip


def _outliers(
    rules: list[catalogue.RuleDef], facts: dict[int, dict[str, Any]], among: list[int]
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for r in rules:
        if r.dimension == Dimension.OUTLIERS and r.active:
            found += outliers.find(r, facts, among)
    return found


def school_facts(*, scope: Scope, school_id: int) -> dict[str, Any]:
    """One school's stored facts (the drill-down's starting point); a foreign school is NotFound."""
    facts, ids, _as_of = _facts(scope)
    if school_id not in ids or school_id not in facts:
        raise NotFound()
    return facts[school_id]
