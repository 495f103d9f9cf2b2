"""Maintained aggregates (issue #21): dashboards read figures kept current, never recompute
them city-wide per view.

One mechanism for every dashboard. An aggregate is a name, a function that computes its figures
per key (a school id, a unit id, 0 for one city-wide figure) for some keys or for all, and the
input tables whose rows name the key:

    aggregates.register(
        "infrastructure.readiness", compute,             # compute(keys | None) -> {key: data}
        sources=[Source("registry_student", "{row}.school_id"), ...],
    )

Figures live in `core.Aggregate` rows. They are kept current two ways:

* **on write** — a service that changes an input may call `aggregates.touch(name, keys)` in its
  transaction: those keys' figures are recomputed there, cheaply;
* **by what changed, within a minute** — a trigger on each source table (installed after every
  `migrate`, SQLite and PostgreSQL) notes the key of every inserted, updated or deleted row in
  `core.AggregateChange`, whichever code wrote it (services, imports, bulk loads, another app).
  A read that finds the aggregate's last sweep older than `EDUDX_AGGREGATE_MAX_AGE_SECONDS`
  queues one sweep (`core.tasks.refresh_aggregate`, once per period across every server process,
  through the shared cache) and answers with the figures it has; the worker recomputes only the
  noted keys — one school after a principal's edit, not 3,500 — and deletes the notes it read.
  `core.AggregateState.swept_at` is the time the figures are current as of ("Số liệu lúc …").

Figures that depend on the date (a device becomes "old") are recounted in full once a day, by the
first sweep of the day. Only the very first read of an aggregate with no figures at all computes
inline (after a deploy); `edudx refresh_aggregates` (run by `./run`) does it ahead of the first user.

A dashboard on this, step by step (identity, infrastructure, skills and learning do it):

1. `compute(keys)` in the app's `aggregates.py`: plain JSON-able figures per school for `keys`
   (None = every school), counted with a few grouped queries — never a query per school;
2. `register(name, compute, sources=[Source(table, "{row}.school_id"), …])`, one Source per
   table whose rows change the figures (a key expression may be a subquery: `(SELECT school_id
   FROM registry_student WHERE id = {row}.student_id)`); the module imported by the app's
   `AppConfig.ready` so the triggers exist after `migrate`;
3. the selector: `read(name, ids_of_the_scope)` and sum the rows of the scope (per ward, per
   level); show `Figures.as_of` as "Số liệu lúc …"; `touch(name, [school])` in a service that
   must show its own write at once; `recount(name)` when what the figures are counted with
   changes (a setting, not a row); `read_shared(name, keys)` for a page over a ward or the
   city (every key fetched once per change, per process); `derived(name, fn, extra=…)` when
   turning every key into the page's numbers costs more than a sum (fn runs once per change,
   per process).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from .models import Aggregate, AggregateChange, AggregateState

log = logging.getLogger(__name__)

Compute = Callable[[list[int] | None], dict[int, dict[str, Any]]]
CHUNK = 500


@dataclass(frozen=True)
class Source:
    """An input table of an aggregate: `key` is the SQL giving the aggregate's key of one row,
    `{row}` standing for the row (a column, or a subquery: a verification row names a person,
    whose school is the key)."""

    table: str
    key: str


@dataclass(frozen=True)
class _Entry:
    compute: Compute
    sources: tuple[Source, ...]


_REGISTRY: dict[str, _Entry] = {}


@dataclass(frozen=True)
class Figures:
    data: dict[int, dict[str, Any]]
    as_of: dt.datetime | None  # when the figures were current; None when nothing is stored yet


def register(name: str, compute: Compute, *, sources: Iterable[Source] = ()) -> None:
    srcs = tuple(sources)
    if not re.fullmatch(r"[a-z0-9_.]+", name) or any(not re.fullmatch(r"[a-z0-9_]+", s.table) for s in srcs):
        raise ValueError(f"aggregate {name!r}: names and tables are lower-case identifiers")
    _REGISTRY[name] = _Entry(compute, srcs)


def _new_version() -> int:
    """A version no earlier store had: random rather than counted, so that figures stored again
    after a rollback (a test's, a restore's) never match a process's copy of the old ones — a
    counter would start from the same number again, and so may `swept_at` under a frozen clock."""
    return random.getrandbits(62)


def names() -> list[str]:
    return sorted(_REGISTRY)


def _compute(name: str) -> Compute:
    try:
        return _REGISTRY[name].compute
    except KeyError:
        raise LookupError(f"no aggregate named {name!r}") from None


def refresh(name: str, keys: Iterable[int] | None = None) -> int:
    """Recompute and store the figures of `keys` (all keys when None); returns how many."""
    wanted = None if keys is None else sorted(set(keys))
    if wanted == []:
        return 0
    started = timezone.now()
    # A full count takes in every change noted before it starts: those notes go with it (a
    # change noted again meanwhile has a new id and stays).
    noted = (
        list(AggregateChange.objects.filter(name=name).values_list("id", flat=True)) if wanted is None else []
    )
    figures = _compute(name)(wanted)
    now = timezone.now()
    with transaction.atomic():
        _store(name, wanted, figures, now)
        if wanted is None:
            # Everything counted from the data as it was at `started`.
            for i in range(0, len(noted), CHUNK):
                AggregateChange.objects.filter(id__in=noted[i : i + CHUNK]).delete()
            AggregateState.objects.update_or_create(
                name=name,
                defaults={
                    "swept_at": started,
                    "full_on": timezone.localdate(started),
                    "version": _new_version(),
                },
            )
    return len(figures)


def _store(name: str, wanted: list[int] | None, figures: dict[int, dict[str, Any]], now: dt.datetime) -> None:
    """Write computed figures (inside the caller's transaction): keys asked for and not
    computed are gone (a school deleted); every other stored key when all were asked for."""
    gone: list[int] = []
    if wanted is None:
        Aggregate.objects.filter(name=name).exclude(key__in=list(figures)).delete()
    else:
        gone = [k for k in wanted if k not in figures]
        for i in range(0, len(gone), CHUNK):
            Aggregate.objects.filter(name=name, key__in=gone[i : i + CHUNK]).delete()
    if wanted is None:
        AggregateState.objects.filter(name=name).update(
            version=_new_version(), previous_version=None, changed_keys=None
        )
    elif figures or gone:
        # Which keys this store changed, and the version it replaced: a process whose copy is
        # at that version fetches these keys only (_fetch_wide). Too many to list: a full fetch.
        changed = sorted({*figures, *gone})
        AggregateState.objects.filter(name=name).update(
            version=_new_version(),
            previous_version=F("version"),
            changed_keys=changed if len(changed) <= CHUNK else None,
        )
    rows = [Aggregate(name=name, key=k, data=v, as_of=now) for k, v in figures.items()]
    # Short transactions per chunk would let a reader see half a refresh; one upsert of a few
    # thousand small rows holds the writer lock for milliseconds.
    for i in range(0, len(rows), CHUNK):
        Aggregate.objects.bulk_create(
            rows[i : i + CHUNK],
            update_conflicts=True,
            unique_fields=["name", "key"],
            update_fields=["data", "as_of"],
        )


def sweep(name: str) -> int:
    """Recompute the keys whose inputs changed since the last sweep (or everything, once a day
    or when never counted); returns how many figures were recomputed.

    The notes read are deleted by id in the same transaction as the new figures: a change noted
    after they were read keeps its note for the next sweep (on SQLite a change renews its key's
    note with a new id; on PostgreSQL it appends its own). The figures are computed before that
    transaction, so the writer lock (SQLite) is held only to store them. A bulk statement
    written with its own conflict clause (INSERT OR IGNORE) overrides the trigger's REPLACE: a
    key it touches while a sweep runs is recounted at the next change or the daily full count.
    """
    compute = _compute(name)
    state = AggregateState.objects.filter(name=name).first()
    if state is None or state.full_on != timezone.localdate():
        return refresh(name)
    started = timezone.now()
    notes = list(AggregateChange.objects.filter(name=name).values_list("id", "key"))
    keys = sorted({k for _, k in notes})
    # Counted outside any transaction: on SQLite a transaction holds the one writer lock from
    # its start (IMMEDIATE), and a sweep after a city import recounts thousands of schools —
    # seconds every principal's autosave would wait. Only the writing below holds the lock.
    figures = compute(keys) if keys else {}
    now = timezone.now()
    with transaction.atomic():
        _store(name, keys, figures, now)
        ids = [i for i, _ in notes]
        for i in range(0, len(ids), CHUNK):
            AggregateChange.objects.filter(id__in=ids[i : i + CHUNK]).delete()
        AggregateState.objects.filter(name=name).update(swept_at=started)
    return len(figures)


def recount(name: str) -> None:
    """Every key of `name` is recounted by a full count queued now (after the caller's
    transaction commits): for a change of what the figures are computed with rather than of
    their input rows — a readiness threshold that decides which device is old. Until that count
    has run, readers get the previous figures with their as-of time; if the queue refuses the
    job, the next sweep counts in full (the state forgets its last full count)."""
    _compute(name)
    AggregateState.objects.filter(name=name).update(full_on=None)

    def enqueue() -> None:
        from .tasks import recount_aggregate

        try:
            recount_aggregate.enqueue(name)
        except Exception:  # a full queue must not undo the setting the caller saved
            log.exception("could not queue the full count of aggregate %s", name)

    transaction.on_commit(enqueue)


def touch(name: str, keys: Iterable[int]) -> None:
    """On write: recompute these keys' figures now (call inside the writing transaction)."""
    if name in _REGISTRY:
        refresh(name, keys)


def max_age() -> int:
    return int(settings.EDUDX_AGGREGATE_MAX_AGE_SECONDS)


def request_refresh(name: str) -> bool:
    """Queue one background sweep of `name`, at most once per period across processes."""
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


def read(name: str, keys: Iterable[int] | None = None, *, live_changes: int = 0) -> Figures:
    """The stored figures of `keys` (all when None) and the time they are current as of; a sweep
    is queued when that is older than the maximum age.

    With `live_changes`, a reader that must see its own writes at once (a verification just
    run) gets the keys noted as changed counted live — when no more than that many are pending
    (one school's edits); after a city-wide import it reads the stored figures, a minute old at
    most, rather than recount the city in a request.

    A read of more than `CHUNK` keys (a ward's, the department's) takes them from this process's
    copy of every key's figures, fetched once per change of the figures (as `read_shared`)."""
    _compute(name)
    state = (
        AggregateState.objects.filter(name=name)
        .values_list("swept_at", "version", "previous_version", "changed_keys")
        .first()
    )
    swept = state[0] if state else None
    if swept is None:
        # Figures kept on write only (touch) or from before sweeps existed: a full count once.
        swept = Aggregate.objects.filter(name=name).aggregate(t=Min("as_of"))["t"]
        if swept is not None and request_refresh(name):
            swept = (
                AggregateState.objects.filter(name=name).values_list("swept_at", flat=True).first() or swept
            )
    if swept is None:
        refresh(name)  # first read ever: nothing to show yet
        swept = AggregateState.objects.filter(name=name).values_list("swept_at", flat=True).first()
    elif (timezone.now() - swept).total_seconds() > max_age():
        request_refresh(name)
        # The sweep may have run at once (a test's immediate task backend).
        swept = AggregateState.objects.filter(name=name).values_list("swept_at", flat=True).first() or swept
    keep = None if keys is None else set(keys)
    wide = keep is None or len(keep) > CHUNK
    figures = _fetch_wide(name, state, keep) if wide else _fetch(name, keep)
    if keep is not None:
        # A key counted since the last refresh (a new school): computed and stored once, now.
        missing = [k for k in keep if k not in figures.data]
        if missing:
            refresh(name, missing)
            figures = _fetch(name, keep)
    if live_changes and figures.data:
        pending = set(
            AggregateChange.objects.filter(name=name).values_list("key", flat=True)[: live_changes + 1]
        )
        if 0 < len(pending) <= live_changes:
            wanted = sorted(pending if keep is None else pending & keep)
            data = {**figures.data, **(_compute(name)(wanted) if wanted else {})}
            return Figures(data=data, as_of=timezone.now())
    return Figures(data=figures.data, as_of=swept if figures.data else figures.as_of)


_SHARED: dict[str, tuple[Any, Figures]] = {}  # name → (version, every key's figures)


def read_shared(name: str, keys: Iterable[int] | None = None) -> Figures:
    """`read` for a page over many keys (a ward, the department): every key's figures are
    fetched once per change of the figures (`AggregateState` version, as `derived`) and kept in
    this process; each call takes its keys from them. Fetching and decoding 3,500 schools' JSON
    on every view of a city dashboard cost ~0.3 s; this is one small query. The figures are
    shared between requests — read-only. (`read` does the same by itself past `CHUNK` keys.)"""
    full = read(name)
    if keys is None:
        return full
    keep = set(keys)
    return Figures(data={k: v for k, v in full.data.items() if k in keep}, as_of=full.as_of)


def _fetch_wide(name: str, state: tuple[Any, ...] | None, keep: set[int] | None) -> Figures:
    """Every key's figures from this process's copy while the version read before the fetch is
    the copy's. When the last store replaced the copy's version, only the keys it stored are
    fetched and put into a new copy (a principal's device report: one school, not 3,500 — each
    worker fetched and decoded every school's figures again after every such write); otherwise
    (several stores since, a full count, a rollback) every key. A store between the state's read
    and the fetch makes the copy newer than its version: the next read fetches its keys once
    more, never an older copy under a newer version. A sweep that changed nothing keeps the
    version, and the copy."""
    hit = _SHARED.get(name)
    version = state[1] if state is not None else None
    if state is not None and hit is not None and hit[0] == version:
        full = hit[1]
    elif (
        state is not None
        and hit is not None
        and state[2] is not None
        and hit[0] == state[2]
        and state[3] is not None
    ):
        stored = set(state[3])
        changed = _fetch(name, stored)
        # A new dict: the old copy may be in another thread's hands (read-only).
        data = {k: v for k, v in hit[1].data.items() if k not in stored}
        data.update(changed.data)
        stamps = [t for t in (hit[1].as_of, changed.as_of) if t is not None]
        full = Figures(data=data, as_of=min(stamps) if stamps else None)
        _SHARED[name] = (version, full)
    else:
        full = _fetch(name, None)
        if state is not None:
            _SHARED[name] = (version, full)
    if keep is None:
        return full
    return Figures(data={k: v for k, v in full.data.items() if k in keep}, as_of=full.as_of)


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


def install_triggers(using: str = "default") -> int:
    """(Re)create the change triggers (edudx/core/aggregate_triggers.py); returns how many tables."""
    from .aggregate_triggers import install_triggers as install

    return install(using)


def connect_signals() -> None:
    from .aggregate_triggers import connect_signals as connect

    connect()


# Values derived from every key, kept per process (edudx/core/aggregate_memo.py).
from .aggregate_memo import derived as derived  # noqa: E402
from .aggregate_memo import fresh_enough as fresh_enough  # noqa: E402
