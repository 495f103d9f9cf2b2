"""Scorecard reads: the schools of the reader's scope, their stored facts (aggregates.py), and
the scores of schools, wards, clusters and the city under the department's current rules.

Re-exported by selectors.py (the app's read room); kept apart for size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class _Index:
    """Every school's stored score (facts.compute keeps it beside the facts), its name, and the
    outliers city-wide: read once per change of the figures, per process (`_index`)."""

    parts: dict[int, dict[str, Any]]
    names: dict[int, dict[str, Any]]
    outliers: list[dict[str, Any]]
    # Filled as pages ask, for as long as these figures stand: schools per path prefix of a
    # length (a cluster's members), and the summed card of a set of schools (a ward, a cluster,
    # the city as one reader's scope sees it).
    prefixes: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    cards: dict[tuple[int, ...], scores.Card] = field(default_factory=dict)

    def under(self, paths: list[str], seen: dict[int, dict[str, Any]]) -> list[int]:
        """Schools of `seen` under any of these unit paths: a unit's path prefixes its subtree's
        (fixed-width segments, as core.scope.subtree_q reads them)."""
        out: list[int] = []
        for p in set(paths):
            by = self.prefixes.get(len(p))
            if by is None:
                by = self.prefixes[len(p)] = {}
                for sid, part in self.parts.items():
                    by.setdefault((part.get("path") or "")[: len(p)], []).append(sid)
            out += [sid for sid in by.get(p, ()) if sid in seen]
        return sorted(set(out))


_INDEX: dict[str, tuple[tuple[Any, ...], dt.datetime | None, _Index]] = {}
# A store's rows carry the time it began writing; one committing late may carry a time before
# rows already read: rows stored this long before the newest read are read again.
_MARGIN = dt.timedelta(minutes=2)
_INCREMENTAL = 500  # more rows stored since the last read (a full count): read them all


def _index(rules: list[catalogue.RuleDef]) -> tuple[_Index, dt.datetime | None]:
    """The scored city under these rules today, kept in this process while the figures stand
    (their version moves with every store: a sweep, a touch, a full count) — one small query per
    page then. When they move, only the schools stored since the last read are read again (a
    sweep after a principal's edit: one school; the stored keys tell which were deleted), and
    only their stored score (the `score` part of the facts, extracted by the database). A school
    counted under other rule versions or another day (stored before a rule's edit, until its
    recount) is scored here from its facts. Queues the sweep of stale figures (`read`). Returns
    the index and the time of the last sweep (the figures are current as of)."""
    aggregates.read(SCORECARD, [])  # no rows: the first count ever, or the sweep of stale figures
    state = AggregateState.objects.filter(name=SCORECARD).values_list("swept_at", "version").first()
    today = timezone.localdate()
    sig = scores.signature(rules)
    version = (state, sig, today)
    hit = _INDEX.get(SCORECARD)
    if hit is not None and hit[0] == version:
        return hit[2], state[0] if state else None
    stored = Aggregate.objects.filter(name=SCORECARD)
    parts: dict[int, dict[str, Any]] = {}
    names: dict[int, dict[str, Any]] = {}
    newest: dt.datetime | None = None
    if hit is not None and hit[0][1:] == (sig, today) and hit[1] is not None:
        since = stored.filter(as_of__gte=hit[1] - _MARGIN)
        if since.count() <= _INCREMENTAL:
            keys = set(stored.values_list("key", flat=True))
            parts = {k: v for k, v in hit[2].parts.items() if k in keys}
            names = {k: v for k, v in hit[2].names.items() if k in keys}
            stored, newest = since, hit[1]
    stale: list[int] = []
    read: list[int] = []
    for sid, part, as_of in stored.values_list("key", "data__score", "as_of").iterator(2000):
        newest = as_of if newest is None or as_of > newest else newest
        read.append(sid)
        if scores.fresh(part, sig, today):
            parts[sid] = part
        else:
            stale.append(sid)
    if stale:
        facts = aggregates.read(SCORECARD, stale).data
        parts.update({sid: scores.stored(f, rules, today) for sid, f in facts.items()})
    names.update({s["id"]: s for s in registry.school_summaries(read)})
    found: list[dict[str, Any]] = []
    for r in rules:
        if r.dimension == Dimension.OUTLIERS and r.active:
            found += outliers.find(r, parts, parts)
    index = _Index(parts, names, found)
    if state is not None:
        _INDEX[SCORECARD] = (version, newest, index)
    return index, state[0] if state else None


def _clusters(scope: Scope) -> dict[int, tuple[str, list[str]]]:
    groups = {g.pk: g.name for g in org_selectors.grouping_list(scope=scope).filter(kind="cluster")}
    paths = org_selectors.member_paths(list(groups))
    return {gid: (groups[gid], paths.get(gid, [])) for gid in groups}


def board(*, scope: Scope, level: str = SnapshotLevel.CITY, key: int = 0, rank: str = "") -> Board:
    """The scorecard of the city (rows: wards, clusters, and every school when ranked), a ward or
    a cluster (rows: schools) or a school (its rules). A ward, cluster or school outside the
    scope is NotFound.

    No page scores the city: the sweep stores each recounted school's score beside its facts
    (facts.compute), the process keeps every school's once per change of the figures (`_index`),
    and a page sums the stored counts of its schools. A school's own page counts that school
    live when it has changes not yet swept (a principal sees their fix at once)."""
    if level not in LEVELS:
        raise NotFound()
    scope.require_any(perms.SCORECARD)
    rules = rules_effective()
    index, as_of = _index(rules)
    ids = set(registry.school_ids_in_scope(scope=scope, permission=perms.SCORECARD))
    seen = {sid: p for sid, p in index.parts.items() if sid in ids}

    def card(members: list[int]) -> scores.Card:
        if len(members) == 1:
            return scores.card_from(seen[members[0]])
        key = tuple(sorted(members))
        found = index.cards.get(key)
        if found is None:
            found = index.cards[key] = scores.card_of([seen[s]["rules"] for s in key], rules)
        return found

    names = index.names
    out: Board
    if level == SnapshotLevel.SCHOOL:
        if key not in ids:
            raise NotFound()
        live = aggregates.read(SCORECARD, [key], live_changes=20)  # a school not counted yet: now
        if key not in live.data:
            raise NotFound()
        seen[key] = scores.current(live.data[key], rules, timezone.localdate(), scores.signature(rules))
        as_of = live.as_of or as_of
        n = names.get(key, {})
        out = Board(level, key, n.get("name", ""), card([key]), path=n.get("path", ""))
        members = [key]
    elif level == SnapshotLevel.WARD:
        members = [sid for sid, p in seen.items() if p.get("area") == key]
        if not members:
            raise NotFound()
        out = Board(level, key, names.get(members[0], {}).get("area") or "", card(members))
        out.rows = _school_rows(members, card, names)
    elif level == SnapshotLevel.CLUSTER:
        clusters = _clusters(scope)
        if key not in clusters:
            raise NotFound()
        name, paths = clusters[key]
        members = index.under(paths, seen)
        out = Board(level, key, name, card(members))
        out.rows = _school_rows(members, card, names)
    else:
        members = list(seen)
        out = Board(level, 0, "", card(members))
        wards: dict[int, list[int]] = {}
        for sid, p in seen.items():
            wards.setdefault(int(p.get("area") or 0), []).append(sid)
        out.rows = [
            Row(SnapshotLevel.WARD, wid, names.get(m[0], {}).get("area") or "", card(m))
            for wid, m in wards.items()
        ]
        out.rows += [
            Row(SnapshotLevel.CLUSTER, gid, name, card(index.under(paths, seen)))
            for gid, (name, paths) in _clusters(scope).items()
        ]  # fmt: skip
        if rank:
            out.rows += _school_rows(members, card, names)
    keep = set(members)
    out.outliers = [o for o in index.outliers if o["school"] in keep]
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


def school_facts(*, scope: Scope, school_id: int) -> dict[str, Any]:
    """One school's stored facts (the drill-down's starting point); a foreign school is NotFound."""
    scope.require_any(perms.SCORECARD)
    if (
        not registry.school_ids_in_scope(scope=scope, permission=perms.SCORECARD)
        .filter(pk=school_id)
        .exists()
    ):
        raise NotFound()
    found = aggregates.read(SCORECARD, [school_id], live_changes=20).data.get(school_id)
    if found is None:
        raise NotFound()
    return found
