"""Figures shared by every user of one scope, kept per process until what they are summed from
changes (issue #21 item 3: "scoped caching with invalidation where a figure is shared by many
users of one scope").

A city dashboard sums maintained figures (core.aggregates) over the schools a scope sees: the
department's home summed 3,500 schools' figures of five aggregates on every view (~60 % of the
page's CPU at city scale, more than its template). Every department officer sees the same sums,
every officer of one ward the same ward's. So:

    board = scoped_figures.get(
        "web.home",                                   # the memo's name
        (scope_key(scope), ward_id),                  # who sees the same thing
        lambda: panels.authority(scope, ward_id=ward_id),
        aggregates=[HOME, SCHOOLS, READINESS, ...],   # what the value is summed from
    )

The value is computed again when any named aggregate's figures change (`AggregateState`
version or sweep time: a sweep, a write's `touch`, a full count) — at most every
`aggregate_memo.RECOMPUTE_SECONDS` per process, the value before the change served meanwhile with
its own "as of" —, when the day changes (figures
that depend on the date: what is late, old devices), and at the latest after
`EDUDX_AGGREGATE_MAX_AGE_SECONDS` — for what a value also reads outside the maintained figures
(a campaign opened, a school renamed): a change appears within the minute, as the aggregates'
own. One small query per call. Values are shared between requests: read-only.

Inside a transaction (a test's, a service's) nothing is kept or taken from the memo: what is
computed there may hold the transaction's own uncommitted writes, which no other request may
see (and which a rollback undoes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.db import connection
from django.utils import timezone

from . import aggregates
from .models import AggregateState
from .scope import Scope

T = TypeVar("T")

# Bounded: the department, ~30 wards, a ward's drill-downs, a few roles; the oldest goes first.
LIMIT = 256
_MEMO: dict[tuple[str, Hashable], tuple[tuple[Any, ...], float, Any]] = {}
_LOCK = threading.Lock()  # a worker's threads store and evict at once


def scope_key(scope: Scope) -> Hashable:
    """What decides which schools and people a scope sees: its grants (roles and unit paths),
    not the user — two officers of one ward share a key. A scope tied to the user's own record
    (a pupil, a teacher's own page) keys by that record."""
    grants = tuple(sorted((g.role, g.paths) for g in scope.grants))
    return (scope.is_system, scope.student_id, scope.staff_id, grants)


def _in_transaction() -> bool:
    return bool(connection.in_atomic_block)


def _states(names: Iterable[str]) -> tuple[Any, ...]:
    rows = AggregateState.objects.filter(name__in=sorted(set(names))).values_list(
        "name", "swept_at", "version"
    )
    return tuple(sorted(rows))


def get(name: str, key: Hashable, compute: Callable[[], T], *, aggregates_read: Iterable[str]) -> T:
    """`compute()` for (`name`, `key`), kept in this process while the states of
    `aggregates_read` and the day are unchanged, and no longer than the aggregates' maximum age."""
    if _in_transaction():
        return compute()
    names = tuple(aggregates_read)
    stamp = (_states(names), timezone.localdate())
    if len(stamp[0]) < len(set(names)):
        return compute()  # an aggregate never counted: its first read counts it
    hit = _MEMO.get((name, key))
    now = time.monotonic()
    # Another state of the same day: computed again at most every RECOMPUTE_SECONDS (a store of
    # one school's figures under load came every few seconds, and every officer scope's sums
    # were computed again in each worker after each).
    same = hit is not None and (
        hit[0] == stamp or (hit[0][1] == stamp[1] and aggregates.fresh_enough(hit[1]))
    )
    if hit is not None and same and now - hit[1] < aggregates.max_age():
        for n, swept, _version in stamp[0]:
            if (timezone.now() - swept).total_seconds() > aggregates.max_age():
                aggregates.request_refresh(n)  # as a read would: the sweep is queued
        value: T = hit[2]
        return value
    value = compute()
    # Kept under the states read before computing: a store meanwhile makes the next call compute
    # again, never an older value under a newer state.
    with _LOCK:
        _MEMO.pop((name, key), None)
        _MEMO[(name, key)] = (stamp, now, value)
        while len(_MEMO) > LIMIT:
            del _MEMO[next(iter(_MEMO))]
    return value


def clear() -> None:
    """Forget every kept value (tests that change figures behind the states' back)."""
    with _LOCK:
        _MEMO.clear()
