"""The stages in order: receive → read → map headers → normalise → validate → preview → commit.

One function, `process`, serves every door (CLI, web, API, background task). With
`write=False` it is the check and the preview; with `write=True` it commits inside one
transaction: strict mode rolls everything back if any row has an error, partial mode writes
the valid rows, and a cancellation between chunks rolls back too — nothing half-written.
Except one case: a big partial file into a populated SQLite database commits in short
transactions so that other writers are not held for minutes (commit.py says when and why).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.functional import Promise

from edudx.core.actor import Actor

from ..kinds import REFUSED, Changed, Context, Kind
from . import scope as S
from . import validate as V
from .commit import ShortCommits, short_commits
from .headers import HeaderMap, map_headers
from .normalise import ERR, Normaliser, normalise_frame
from .problems import ERROR, FileRejected, Problems
from .read import ROW, Table, read
from .receive import Received, receive

STRICT, PARTIAL = "strict", "partial"
MAX_DIFFS = 500


class Cancelled(Exception):
    pass


class _Rollback(Exception):
    pass


@dataclass
class Outcome:
    received: Received | None = None
    problems: Problems = field(default_factory=Problems)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("total", "new", "changed", "unchanged", "rejected"), 0)
    )
    diffs: list[dict[str, Any]] = field(default_factory=list)
    header_of: dict[str, str] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    written: bool = False
    cancelled: bool = False
    rejected_file: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejected_file and not self.problems.file_errors


def validate_chunk(
    kind: Kind, raw: pl.DataFrame, hmap: HeaderMap, problems: Problems, normaliser: Normaliser,
    dups: V.Duplicates, ctx: Context, *, resolve: bool = True,
) -> pl.DataFrame:  # fmt: skip
    frame, sink = normalise_frame(kind, raw, hmap, problems, normaliser)
    frame = V.required_values(frame, sink, kind)
    frame, refused = S.refuse_foreign_targets(frame, sink, kind, ctx)
    if resolve and kind.resolve is not None:
        frame = kind.resolve(frame, sink, ctx)
    for rule in kind.rules:
        frame = rule(frame, sink, ctx)
    frame = V.natural_key(frame, kind)
    frame = V.missing_key(frame, sink, kind)
    frame = dups.check(frame, sink, kind)
    if refused is not None:  # rejected and counted, nothing else: their row numbers only
        frame = pl.concat([frame, refused.select(ROW, ERR)], how="diagonal")
    return frame


def _values_equal(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    return bool(a == b)


def _refuse_unmatchable(
    valid: pl.DataFrame, existing: dict[str, dict[str, Any]], outcome: Outcome
) -> tuple[pl.DataFrame, dict[str, dict[str, Any]]]:
    """Rows the kind could not match without guessing (kinds.REFUSED): refused with its error."""
    refused = {k: r[REFUSED] for k, r in existing.items() if REFUSED in r}
    if not refused:
        return valid, existing
    mask = valid[V.KEY].is_in(list(refused))
    for row, key in valid.filter(mask).select(ROW, V.KEY).iter_rows():
        column, code, message = refused[key]
        outcome.problems.add(row, outcome.header_of.get(column, column), code, ERROR, message)
    return valid.filter(~mask), {k: r for k, r in existing.items() if k not in refused}


def classify(
    kind: Kind, frame: pl.DataFrame, ctx: Context, outcome: Outcome
) -> tuple[pl.DataFrame, list[Changed]]:
    """Split the valid rows of a chunk into new (a frame, for set-based writing) and changed
    (with field diffs); count unchanged. Existing records are fetched in bulk by natural key;
    those outside the actor's scope are dropped here, their rows refused, before anything
    below sees their values."""
    valid = frame.filter(~pl.col(ERR))
    if valid.height == 0:
        outcome.counts["rejected"] += frame.height
        return valid, []
    existing = kind.existing(valid, ctx) if kind.existing else {}
    if existing:
        valid, existing = _refuse_unmatchable(valid, existing, outcome)
    if existing:
        valid, existing = S.refuse_foreign_records(
            kind, valid, existing, ctx, outcome.problems, outcome.header_of
        )
    outcome.counts["rejected"] += frame.height - valid.height
    if valid.height == 0:
        return valid, []
    known = valid[V.KEY].is_in(list(existing)) if existing else pl.Series([False] * valid.height)
    new = valid.filter(~known)
    changed: list[Changed] = []
    compared = kind.compared
    matched = valid.filter(known)
    cols = matched.columns
    for tup in matched.iter_rows():
        row = dict(zip(cols, tup, strict=True))
        current = existing[row[V.KEY]]
        changes = {
            f: [current.get(f), row.get(f)]
            for f in compared
            if row.get(f) is not None and not _values_equal(current.get(f), row.get(f))
        }
        if changes:
            changed.append((current["id"], row, changes))
            if len(outcome.diffs) < MAX_DIFFS:
                outcome.diffs.append({"row": row[ROW], "key": row[V.KEY], "changes": changes})
        else:
            outcome.counts["unchanged"] += 1
    outcome.counts["new"] += new.height
    outcome.counts["changed"] += len(changed)
    return new, changed


def process(
    *,
    kind: Kind,
    path: Path,
    actor: Actor,
    write: bool = False,
    mode: str = STRICT,
    chunk_rows: int = 50_000,
    on_progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> Outcome:
    started = time.monotonic()
    outcome = Outcome()
    try:
        outcome.received = receive(Path(path))
        own = kind.reader(outcome.received.path, outcome.received.format, chunk_rows) if kind.reader else None
        table = own or read(outcome.received, chunk_rows=chunk_rows)
    except FileRejected as exc:
        outcome.problems.file_error(exc.code, exc.message, exc.column)
        outcome.rejected_file = True
        outcome.seconds = time.monotonic() - started
        return outcome
    try:
        _run(
            kind,
            table,
            actor,
            outcome,
            write=write,
            mode=mode,
            on_progress=on_progress,
            should_cancel=should_cancel,
        )
    finally:
        table.close()
        if table.where is not None:
            _by_sheet(outcome, table.where)
        outcome.seconds = time.monotonic() - started
    return outcome


def _by_sheet(outcome: Outcome, where: Callable[[int], tuple[str, int]]) -> None:
    """A several-sheet reader's rows (Table.where): each problem and diff names its sheet and the
    row in that sheet (the column reads "sheet › column"); row 0 stays the whole file."""
    items = []
    for p in outcome.problems.items:
        if p.row:
            sheet, row = where(p.row)
            p = replace(p, row=row, column=f"{sheet} › {p.column}" if p.column else sheet)
        items.append(p)
    outcome.problems.items = items
    for d in outcome.diffs:
        sheet, d["row"] = where(d["row"])
        d["sheet"] = sheet


def _run(
    kind: Kind, table: Table, actor: Actor, outcome: Outcome, *, write: bool, mode: str,
    on_progress: Callable[[int, int], None] | None, should_cancel: Callable[[], bool] | None,
) -> None:  # fmt: skip
    problems = outcome.problems
    outcome.headers = table.headers
    for note in table.notes:
        problems.add(note.row, note.column, note.code, note.severity, note.message)
    try:
        hmap = map_headers(kind, table.headers)
    except FileRejected as exc:
        problems.file_error(exc.code, exc.message, exc.column)
        outcome.rejected_file = True
        return
    outcome.header_of = hmap.header_of
    for note in hmap.notes:
        problems.add(note.row, note.column, note.code, note.severity, note.message)
    if problems.file_errors or any(n.severity == "error" for n in hmap.notes):
        outcome.rejected_file = True
        return
    ctx = Context(actor=actor, kind=kind)
    normaliser = Normaliser()
    dups = V.Duplicates()
    total_estimate = getattr(table, "total_rows", 0)

    def chunks() -> Iterator[pl.DataFrame]:
        try:
            yield from table.chunks
        except FileRejected as exc:
            problems.file_error(exc.code, exc.message, exc.column)
            outcome.rejected_file = True

    def after_chunk(seen: int) -> None:  # the chunk is checked (and written, when writing)
        if on_progress:
            on_progress(seen, total_estimate)
        if should_cancel and should_cancel():
            raise Cancelled()

    def body(short: ShortCommits | None = None) -> None:
        writing = write
        writer = _Writer(kind, actor, ctx, short)
        pending = None  # rows seen up to the chunk the writer is writing
        seen = 0
        try:
            for raw in chunks():
                seen += raw.height
                outcome.counts["total"] += raw.height
                # Checked while the writer thread writes the previous chunk.
                frame = validate_chunk(kind, raw, hmap, problems, normaliser, dups, ctx)
                new, changed = classify(kind, frame, ctx, outcome)
                if writing and mode == STRICT and problems.has_errors:
                    writing = False  # keep checking to report every problem; the rollback comes below
                if pending is not None:
                    writer.wait()
                    after_chunk(pending)
                    pending = None
                if writing and (new.height or changed):
                    writer.start(new, changed)
                    pending = seen
                else:
                    after_chunk(seen)
            if pending is not None:
                writer.wait()
                after_chunk(pending)
        finally:
            # An error or a cancel: the write in flight ends before the rollback, and its own
            # error, the first cause of whatever the caller then ran into, is raised.
            writer.close()
        if outcome.counts["total"] == 0 and not outcome.rejected_file:
            problems.file_error("file_no_rows", _no_rows_message())
        if write and (outcome.rejected_file or (mode == STRICT and problems.has_errors)):
            raise _Rollback()

    short: ShortCommits | None = None
    try:
        size = outcome.received.size if outcome.received is not None else 0
        bulk: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
        if write and size > _bulk_threshold() and kind.bulk_load is not None:
            bulk = kind.bulk_load(size)
        short = short_commits(mode=mode, size=size, bulk=bulk, kind_rows=kind.commit_rows) if write else None
        if short is not None:
            body(short)  # partial mode: what committed before a cancel or an error stays
            outcome.written = True
        elif write:
            with transaction.atomic():
                with bulk:
                    body()
                outcome.written = True
        else:
            body()
    except _Rollback:
        outcome.written = bool(short and short.committed)
    except Cancelled:
        outcome.cancelled = True
        outcome.written = bool(short and short.committed)


class _Writer:
    """Writes one chunk in a thread while the caller checks the next one, so checking and
    writing use two cores. The thread uses the caller's own connection and transaction, so it
    writes what the caller would; one chunk is in flight at most. One thread a file, started
    with the first write and ended by close(): a big file's short commits are written there too.
    See docs/decisions/0006-ingest-writer-thread-and-bulk-threshold.md."""

    def __init__(self, kind: Kind, actor: Actor, ctx: Context, short: ShortCommits | None = None) -> None:
        self.kind, self.actor, self.ctx, self.short = kind, actor, ctx, short
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.conn = connections[DEFAULT_DB_ALIAS]
        self.todo: queue.SimpleQueue[tuple[pl.DataFrame, list[Changed]] | None] = queue.SimpleQueue()
        self.written = threading.Semaphore(0)
        self.in_flight = False

    def start(self, new: pl.DataFrame, changed: list[Changed]) -> None:
        if self.thread is None:
            self.conn.inc_thread_sharing()
            self.thread = threading.Thread(target=self._loop, name="ingest-writer", daemon=True)
            self.thread.start()
        self.in_flight = True
        self.todo.put((new, changed))

    def _loop(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self.conn
        while (job := self.todo.get()) is not None:
            try:
                self._write(*job)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by wait()
                self.error = exc
            finally:
                self.written.release()

    def _write(self, new: pl.DataFrame, changed: list[Changed]) -> None:
        if self.short is not None:
            # Short transactions too, each with its pause before it (commit.py): the caller
            # checks the next chunk meanwhile, without the writer lock — on the 50 M-row city
            # the two ran one after the other, one core idle.
            self.short.write(self.kind, self.actor, self.ctx, new, changed)
            return
        if self.kind.write is None:
            raise ValueError(f"import kind {self.kind.name!r} declares no write")
        self.kind.write(actor=self.actor, new=new, changed=changed, ctx=self.ctx)

    def wait(self) -> None:
        """Until the chunk in flight is written; its error, if any, is raised here."""
        if not self.in_flight:
            return
        self.written.acquire()
        self.in_flight = False
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def close(self) -> None:
        """The chunk in flight written (its error raised), then the thread ended."""
        try:
            self.wait()
        finally:
            if self.thread is not None:
                self.todo.put(None)
                self.thread.join()
                self.thread = None
                self.conn.dec_thread_sharing()


def _bulk_threshold() -> int:
    from django.conf import settings

    # Small on purpose: bulk_load itself keeps the indexes of tables the load is small next to.
    # See docs/decisions/0006-ingest-writer-thread-and-bulk-threshold.md.
    return int(getattr(settings, "INGEST_BULK_LOAD_BYTES", 4 * 1024 * 1024))


def _no_rows_message() -> Promise:
    from django.utils.translation import gettext_lazy as _

    return _("The file has a header row but no data rows.")
