"""Short commit transactions for a big partial import on SQLite (issue #21 item 4).

SQLite has one writer at a time: an import committed in one transaction holds the writer lock
from its first row to its last — minutes for a city file — and every other write of the city
(a principal's autosave, a teacher's device report, a school's small import) waits behind it,
then fails. So a big file committed in **partial** mode into a database that already holds the
city is written in short transactions, and between two of them the import lets the writers
that wait go first:

* before each commit it asks whether any writer of any process is waiting for the lock
  (`core.db.writers`: each write announces itself while it waits); while one is, it holds off
  — polling every few milliseconds, at most `INGEST_COMMIT_PAUSE_MS` per commit, so a stream
  of writers cannot stop it — and the waiting writers take the lock as their busy handler next
  retries;
* while writers have been seen in the last few seconds it commits `INGEST_COMMIT_ROWS_CONTENDED`
  rows a transaction instead of `INGEST_COMMIT_ROWS`: a writer that arrives during a commit
  waits for the rest of a short one;
* alone, it neither pauses nor shortens anything: an import that nobody waits for runs as fast
  as its checks and writes (it slept 110 ms after every commit before).

Readers never wait (WAL). The checks of the next chunk run without the lock.

What stays in one transaction, as before:

* strict mode — its promise is "all rows or none";
* a file at or under `INGEST_BULK_LOAD_BYTES` — it commits in well under a second;
* a load big next to its tables (the first load of a city, when the kind's bulk-load context
  drops and rebuilds indexes): between short commits other readers would see the tables
  without their indexes;
* PostgreSQL — its writers do not wait on each other's rows (MVCC), one transaction is free.

A kind with its own commit size (`Kind.commit_rows`: a write with a fixed cost per call) keeps
it while writers wait too; only the hold-off applies to it.

In partial mode "the valid rows are written" already; with short commits a cancel (or a crash)
keeps the rows committed before it, and the run's report counts what was written.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from edudx.core.actor import Actor
from edudx.core.db.writers import writers_waiting

from ..kinds import Changed, Context, Kind

# After writers were last seen waiting, commits stay short this long (seconds): autosaves come
# every few seconds while people work, and the next one should not wait for a long commit.
CONTENDED_SECONDS = 5.0
POLL_SECONDS = 0.005  # how often a held-off import asks again whether writers still wait


@dataclass
class ShortCommits:
    rows: int  # rows per transaction while nobody waits
    pause: float  # the longest hold-off before a commit while writers wait (seconds)
    contended_rows: int = 0  # rows per transaction while writers wait (0: `rows`)
    committed: int = 0  # rows written in transactions that committed
    contended_until: float = 0.0  # monotonic: short commits until then (writers seen waiting)
    held_off: float = 0.0  # seconds the import held off for waiting writers
    waits: int = 0  # commits before which writers were waiting

    def write(
        self, kind: Kind, actor: Actor, ctx: Context, new: pl.DataFrame, changed: Sequence[Changed]
    ) -> None:
        if kind.write is None:
            raise ValueError(f"import kind {kind.name!r} declares no write")
        empty = new.clear()
        i = 0
        while i < new.height:
            self._give_way()
            part = new.slice(i, self._size())
            self._commit(kind, actor, ctx, part, [], part.height)
            i += part.height
        i = 0
        while i < len(changed):
            self._give_way()
            part_changed = list(changed[i : i + self._size()])
            self._commit(kind, actor, ctx, empty, part_changed, len(part_changed))
            i += len(part_changed)

    def _size(self) -> int:
        if self.contended_rows and time.monotonic() < self.contended_until:
            return min(self.rows, self.contended_rows)
        return self.rows

    def _give_way(self) -> None:
        """Before taking the writer lock: while another writer waits for it, hold off (at most
        `pause`), so that it goes first; the commits stay short for a while after."""
        if not writers_waiting(connection):
            return
        t0 = time.monotonic()
        self.waits += 1
        while time.monotonic() - t0 < self.pause:
            time.sleep(POLL_SECONDS)
            if not writers_waiting(connection):
                break
        now = time.monotonic()
        self.held_off += now - t0
        self.contended_until = now + CONTENDED_SECONDS

    def _commit(
        self, kind: Kind, actor: Actor, ctx: Context, new: pl.DataFrame, changed: list[Changed], n: int
    ) -> None:
        assert kind.write is not None
        with transaction.atomic():
            kind.write(actor=actor, new=new, changed=changed, ctx=ctx)
        self.committed += n


def short_commits(
    *, mode: str, size: int, bulk: contextlib.AbstractContextManager[object], kind_rows: int = 0
) -> ShortCommits | None:
    """Short transactions for this commit, or None for one transaction (see the module doc).
    `bulk` is the kind's bulk-load context for the file (a nullcontext when it keeps indexes);
    `kind_rows` the kind's own rows per commit (Kind.commit_rows), 0 for the setting's."""
    rows = int(settings.INGEST_COMMIT_ROWS)
    contended = int(settings.INGEST_COMMIT_ROWS_CONTENDED)
    if rows > 0 and kind_rows > 0:
        rows, contended = kind_rows, 0
    if connection.vendor != "sqlite" or rows <= 0 or mode != "partial":
        return None
    if size <= int(settings.INGEST_BULK_LOAD_BYTES) or not isinstance(bulk, contextlib.nullcontext):
        return None
    return ShortCommits(
        rows=rows, pause=int(settings.INGEST_COMMIT_PAUSE_MS) / 1000, contended_rows=contended
    )
