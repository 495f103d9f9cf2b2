"""Values derived from every key of a maintained aggregate, kept per process until its figures
change (edudx/core/aggregates.py re-exports `derived`, `fresh_enough`, `RECOMPUTE_SECONDS`), and
how often a city-wide value is computed again when they change (also core.scoped_figures)."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import aggregates
from .models import AggregateState

_MEMO: dict[str, tuple[tuple[Any, ...], float, Any]] = {}

# A process derives (or sums, core.scoped_figures) a city-wide value again at most this often,
# however often its figures change: each principal's device report stored a new version of the
# readiness figures, and each worker then derived 3,500 schools' indicators and summed every
# officer scope's panels again — a second or more of CPU per change, several changes a minute
# under load. Within these seconds a reader gets the value before the change, with the time its
# figures were current as of ("as of …"); a change still shows within the minute. Inside a
# transaction (a service, a test) the version decides alone.
RECOMPUTE_SECONDS = 10.0


def _in_transaction() -> bool:
    return bool(transaction.get_connection().in_atomic_block)


def fresh_enough(computed_at: float) -> bool:
    """Whether a value computed at `computed_at` (time.monotonic()) from figures that changed
    since may still be served: outside a transaction, within RECOMPUTE_SECONDS."""
    return not _in_transaction() and time.monotonic() - computed_at < RECOMPUTE_SECONDS


def derived(name: str, derive: Callable[[aggregates.Figures], Any], *, extra: Hashable = None) -> Any:
    """`derive(read(name))` over every key, kept in this process until the figures change: for a
    dashboard that turns the stored figures of the whole city into something costlier than a
    sum (readiness indicators of 3,500 schools: tens of milliseconds per view). Every reader
    then takes the keys of their scope from the one result. The result is shared between
    requests — treat it as read-only.

    The memo is keyed by the figures' version (`AggregateState.version`, bumped by every store:
    a sweep, a write's `touch`, a full count) and by `extra` (what `derive` also depends on:
    thresholds, unit costs) — one small query per call; a change of the version is derived
    again at most every RECOMPUTE_SECONDS (a change of `extra` at once). A stale memo's sweep is
    queued as `read` would. Figures without a state row (never swept) are derived afresh each
    time."""
    aggregates._compute(name)
    swept, stored = AggregateState.objects.filter(name=name).values_list("swept_at", "version").first() or (
        None,
        None,
    )
    version = (swept, stored, extra)
    hit = _MEMO.get(name)
    if (
        hit is not None
        and swept is not None
        and (hit[0] == version or (hit[0][2] == extra and fresh_enough(hit[1])))
    ):
        if (timezone.now() - swept).total_seconds() > aggregates.max_age():
            aggregates.request_refresh(name)
        return hit[2]
    at = time.monotonic()
    value = derive(aggregates.read(name))
    # Kept under the version read before `read`: had `read` counted anything, the next call
    # sees a newer version and derives again.
    _MEMO[name] = (version, at, value)
    return value
