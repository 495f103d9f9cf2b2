"""Maintained aggregates (issue #21): dashboards read figures kept current, never recompute
them city-wide per view.

One mechanism for every dashboard. An aggregate is a name and a function that computes its
figures per key (a school id, a unit id, 0 for one city-wide figure), for some keys or for all:

    aggregates.register("infrastructure.readiness", compute)   # compute(keys | None) -> {key: data}

Figures live in `core.Aggregate` rows stamped `as_of`. They are kept current two ways:

* **on write** — a service that changes an input calls `aggregates.touch(name, keys)` in its
  transaction: the figures of those keys (one school) are recomputed there, cheaply;
* **within a minute** — inputs owned by other apps (pupils, classes) change without telling us:
  a read that finds the oldest figure older than `EDUDX_AGGREGATE_MAX_AGE_SECONDS` queues one
  refresh task (`core.tasks.refresh_aggregate`, once per period across every server process,
  through the shared cache) and answers with the figures it has; the worker recomputes them in
  the background. The view shows `as_of` ("Số liệu lúc …").

Only the very first read of an aggregate with no figures at all computes inline (after a
deploy); `edudx refresh_aggregates` (run by `./run`) does it ahead of the first user.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from .models import Aggregate

log = logging.getLogger(__name__)

Compute = Callable[[list[int] | None], dict[int, dict[str, Any]]]
_REGISTRY: dict[str, Compute] = {}
CHUNK = 500


@dataclass(frozen=True)
class Figures:
    data: dict[int, dict[str, Any]]
    as_of: dt.datetime | None  # the oldest figure read; None when nothing is stored yet


def register(name: str, compute: Compute) -> None:
    _REGISTRY[name] = compute


def names() -> list[str]:
    return sorted(_REGISTRY)


def _compute(name: str) -> Compute:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no aggregate named {name!r}") from None


def refresh(name: str, keys: Iterable[int] | None = None) -> int:
    """Recompute and store the figures of `keys` (all keys when None); returns how many."""
    wanted = None if keys is None else sorted(set(keys))
    if wanted == []:
        return 0
    figures = _compute(name)(wanted)
    now = timezone.now()
    rows = [Aggregate(name=name, key=k, data=v, as_of=now) for k, v in figures.items()]
    with transaction.atomic():
        if wanted is None:
            Aggregate.objects.filter(name=name).exclude(key__in=list(figures)).delete()
        else:
            gone = [k for k in wanted if k not in figures]
            if gone:
                Aggregate.objects.filter(name=name, key__in=gone).delete()
        # Short transactions per chunk would let a reader see half a refresh; one upsert of a
        # few thousand small rows holds the writer lock for milliseconds.
        for i in range(0, len(rows), CHUNK):
            Aggregate.objects.bulk_create(
                rows[i : i + CHUNK],
                update_conflicts=True,
                unique_fields=["name", "key"],
                update_fields=["data", "as_of"],
            )
    return len(rows)


def touch(name: str, keys: Iterable[int]) -> None:
    """On write: recompute these keys' figures now (call inside the writing transaction)."""
    if name in _REGISTRY:
        refresh(name, keys)


def max_age() -> int:
    return int(settings.EDUDX_AGGREGATE_MAX_AGE_SECONDS)


def request_refresh(name: str) -> bool:
    """Queue one background refresh of `name`, at most once per period across processes."""
    if not caches["shared"].add(f"aggregate-refresh:{name}", 1, timeout=max(1, max_age() // 2)):
        return False
    from .tasks import refresh_aggregate

    try:
        refresh_aggregate.enqueue(name)
    except Exception:  # a full queue or a locked database must not break a dashboard
        log.exception("could not queue the refresh of aggregate %s", name)
        caches["shared"].delete(f"aggregate-refresh:{name}")
        return False
    return True


def read(name: str, keys: Iterable[int] | None = None) -> Figures:
    """The stored figures of `keys` (all when None) and the time of the oldest; a refresh is
    queued when that is older than the maximum age."""
    _compute(name)
    oldest = Aggregate.objects.filter(name=name).aggregate(t=Min("as_of"))["t"]
    if oldest is None:
        refresh(name)  # first read ever: nothing to show yet
    elif (timezone.now() - oldest).total_seconds() > max_age():
        request_refresh(name)
    figures = _fetch(name, keys)
    if keys is not None:
        # A key counted since the last refresh (a new school): computed and stored once, now.
        missing = [k for k in set(keys) if k not in figures.data]
        if missing:
            refresh(name, missing)
            figures = _fetch(name, keys)
    return figures


def _fetch(name: str, keys: Iterable[int] | None) -> Figures:
    qs = Aggregate.objects.filter(name=name)
    keep: set[int] | None = None
    if keys is not None:
        keep = set(keys)
        if len(keep) <= CHUNK:
            qs = qs.filter(key__in=keep)
        # else: a read of thousands of keys fetches the whole aggregate and keeps the keys.
    data: dict[int, dict[str, Any]] = {}
    as_of = None
    for k, v, t in qs.values_list("key", "data", "as_of").iterator(chunk_size=2000):
        if keep is None or k in keep:
            data[k] = v
            as_of = t if as_of is None or t < as_of else as_of
    return Figures(data=data, as_of=as_of)
