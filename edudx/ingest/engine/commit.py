"""Short commit transactions for a big partial import on SQLite (issue #21 item 4).

SQLite has one writer at a time: an import committed in one transaction holds the writer lock
from its first row to its last — minutes for a city file — and every other write of the city
(a principal's autosave, a teacher's device report, a school's small import) waits behind it,
then fails. So a big file committed in **partial** mode into a database that already holds the
city is written in short transactions of `INGEST_COMMIT_ROWS` rows, each followed by a pause of
`INGEST_COMMIT_PAUSE_MS` in which a waiting writer takes the lock (SQLite's busy handler polls
every few milliseconds at first); readers never wait (WAL). The pause is the least time between
two commits, not a sleep after each: the next chunk's checks, done without the lock, count
towards it, and the last commit of a file is followed by none.

What stays in one transaction, as before:

* strict mode — its promise is "all rows or none";
* a file at or under `INGEST_BULK_LOAD_BYTES` — it commits in well under a second;
* a load big next to its tables (the first load of a city, when the kind's bulk-load context
  drops and rebuilds indexes): between short commits other readers would see the tables
  without their indexes;
* PostgreSQL — its writers do not wait on each other's rows (MVCC), one transaction is free.

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

from ..kinds import Changed, Context, Kind


@dataclass
class ShortCommits:
    rows: int
    pause: float
    committed: int = 0  # rows written in transactions that committed
    free_since: float | None = None  # when the last commit left the writer lock (monotonic)

    def write(
        self, kind: Kind, actor: Actor, ctx: Context, new: pl.DataFrame, changed: Sequence[Changed]
    ) -> None:
        if kind.write is None:
            raise ValueError(f"import kind {kind.name!r} declares no write")
        empty = new.clear()
        for i in range(0, new.height, self.rows):
            part = new.slice(i, self.rows)
            self._commit(kind, actor, ctx, part, [], part.height)
        for i in range(0, len(changed), self.rows):
            part_changed = list(changed[i : i + self.rows])
            self._commit(kind, actor, ctx, empty, part_changed, len(part_changed))

    def _commit(
        self, kind: Kind, actor: Actor, ctx: Context, new: pl.DataFrame, changed: list[Changed], n: int
    ) -> None:
        assert kind.write is not None
        if self.free_since is not None:
            # The lock has been free since the last commit: a waiting writer's turn. Only what
            # is left of the pause is slept — the checks of the next chunk, run between two
            # commits without the lock, count towards it (a 50,000-row kind paid the whole
            # pause on top of them, 1,000 times in a 50 M-row city semester).
            time.sleep(max(0.0, self.free_since + self.pause - time.monotonic()))
        with transaction.atomic():
            kind.write(actor=actor, new=new, changed=changed, ctx=ctx)
        self.committed += n
        self.free_since = time.monotonic()


def short_commits(
    *, mode: str, size: int, bulk: contextlib.AbstractContextManager[object], kind_rows: int = 0
) -> ShortCommits | None:
    """Short transactions for this commit, or None for one transaction (see the module doc).
    `bulk` is the kind's bulk-load context for the file (a nullcontext when it keeps indexes);
    `kind_rows` the kind's own rows per commit (Kind.commit_rows), 0 for the setting's."""
    rows = int(settings.INGEST_COMMIT_ROWS)
    if rows > 0 and kind_rows > 0:
        rows = kind_rows
    if connection.vendor != "sqlite" or rows <= 0 or mode != "partial":
        return None
    if size <= int(settings.INGEST_BULK_LOAD_BYTES) or not isinstance(bulk, contextlib.nullcontext):
        return None
    return ShortCommits(rows=rows, pause=int(settings.INGEST_COMMIT_PAUSE_MS) / 1000)
