"""Quiz submissions in an exam hour: graded in the request, written by one writer per process.

With `LEARNING_SUBMISSION_QUEUE` on, a request hands its submission's writes (claim the
attempt, count the block, the statements) to the process's writer thread and waits for them;
the writer drains the queue in batches of up to `BATCH`: one transaction — on SQLite one
writer lock, one commit — and one call of the LRS batch path for every statement of the batch
(group commit). A request is answered only after its batch is committed, so nothing is
acknowledged that is not stored. Each submission runs in a savepoint of the batch: a refusal
(already submitted) undoes that submission and its statements alone; a failure of the batch as
a whole (the database, the LRS) is raised in every request of the batch and nothing of it is
kept. On by default: a pupil's answers are never acknowledged before they are durable, and a
crash between acceptance and commit (the process killed, the disk full, the LRS refusing the
batch) rolls the whole batch back — every attempt of it stays open, no statement is kept, and
each waiting request gets an error (or its connection drops), so the pupil's page still holds
the answers and submits again (tests/test_submissions.py). Off, or inside a caller's
transaction, the writes run in the request, in their own transaction, as one batch of one."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections, connections, router, transaction
from django.db.models import Model

from edudx.core.actor import Actor
from edudx.lrs import services as lrs

from .. import statements
from ..models import Attempt, BlockProgress, Progress

T = TypeVar("T")
BATCH = 64
log = logging.getLogger(__name__)
Job = tuple[Callable[[], Any], "Future[Any]"] | None  # None: stop


class Writer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._queue: queue.Queue[Job] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.batches = 0  # counted for the bench: submissions / batches is the mean batch size
        self.lock_wait = 0.0  # seconds waited for the LRS writer lock (another process's batch)

    def run(self, fn: Callable[[], T]) -> T:
        future: Future[T] = Future()
        self._start()
        self._queue.put((fn, future))
        return future.result()

    def _start(self) -> None:
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        with self._lock:  # first use in this process (a forked worker starts its own)
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                self._pid = os.getpid()
                self._queue = queue.Queue()
                self._thread = threading.Thread(target=self._loop, name="learning-submissions", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """End the writer after what is queued (its database connection closed with it)."""
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self._queue.put(None)
            thread.join(timeout=30)
        self._thread = None

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            jobs = [first] if first is not None else []
            stopping = first is None
            while len(jobs) < BATCH and not stopping:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                else:
                    jobs.append(job)
            if jobs:
                close_old_connections()
                self.write(jobs)
        connections.close_all()

    def write(self, jobs: list[tuple[Callable[[], Any], Future[Any]]]) -> None:
        done: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            waited = time.perf_counter()
            with lrs.writer_lock():
                self.lock_wait += time.perf_counter() - waited
                self._batch(jobs, done)
        except Exception as exc:  # noqa: BLE001 — the batch as a whole: every request hears it
            log.exception("a batch of %d submissions failed", len(jobs))
            for _fn, future in jobs:
                future.set_exception(exc)
            return
        self.batches += 1
        for future, value, error in done:
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)

    @staticmethod
    def _batch(
        jobs: list[tuple[Callable[[], Any], Future[Any]]],
        done: list[tuple[Future[Any], Any, BaseException | None]],
    ) -> None:
        """The batch's one transaction (taken under the LRS writer lock: on SQLite the writers of
        every worker process queue on that file lock, not in SQLite's sleeping busy handler)."""
        with transaction.atomic(), statements.batch(actor=Actor.system(source="learning.submissions")):
            for fn, future in jobs:
                mark = statements.mark()
                try:
                    with transaction.atomic():
                        done.append((future, fn(), None))
                except Exception as exc:  # noqa: BLE001 — handed back to the request that sent it
                    statements.drop_since(mark)
                    done.append((future, None, exc))


WRITER = Writer()


def write(fn: Callable[[], T], *, actor: Actor) -> T:
    """Run a submission's writes: through the process's writer when the queue is on, else
    here in a transaction of its own with its statements in one LRS batch. A caller already
    inside a transaction writes here too: the writer's connection would not see what that
    transaction has not committed (and a test case's transaction is such a caller)."""
    if settings.LEARNING_SUBMISSION_QUEUE and not connections["default"].in_atomic_block:
        return WRITER.run(fn)
    with lrs.writer_lock(), transaction.atomic(), statements.batch(actor=actor):
        return fn()


# The two row writes of every submission, as SQL written once per process: Django building and
# compiling an UPDATE and an upsert each time cost more than SQLite running them. Values go
# through each field's own database preparation (JSON, decimals, datetimes), as the ORM does.
_SQL: dict[tuple[str, str], tuple[str, list[Any]]] = {}


def _prepared(
    name: str, model: type[Model], build: Callable[[Any, Any], tuple[str, list[Any]]]
) -> tuple[Any, str, list[Any]]:
    connection = connections[router.db_for_write(model)]
    key = (name, connection.alias)
    if key not in _SQL:
        _SQL[key] = build(connection, connection.ops.quote_name)
    sql, fields = _SQL[key]
    return connection, sql, fields


CLAIMED = ("answers", "item_scores", "submitted_at", "score", "needs_grading", "passed")


def _claim_sql(connection: Any, q: Callable[[str], str]) -> tuple[str, list[Any]]:
    by_name = {f.name: f for f in Attempt._meta.concrete_fields}
    fields = [by_name[n] for n in CLAIMED]
    sets = ", ".join(f"{q(str(f.column))} = %s" for f in fields)
    table, pk, submitted = q(Attempt._meta.db_table), q("id"), q("submitted_at")
    return f"UPDATE {table} SET {sets} WHERE {pk} = %s AND {submitted} IS NULL", fields  # noqa: S608 (names from the model)


def claim(attempt: Attempt) -> bool:
    """Mark the attempt submitted with its answers and grades, if nobody has yet: a conditional
    update, so of two submits of one attempt only the first claims it. Returns whether it did."""
    connection, sql, fields = _prepared("claim", Attempt, _claim_sql)
    values = [f.get_db_prep_save(getattr(attempt, f.attname), connection) for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, [*values, attempt.pk])
        return bool(cur.rowcount)


def _upsert_sql(connection: Any, q: Callable[[str], str]) -> tuple[str, list[Any]]:
    fields = [f for f in BlockProgress._meta.concrete_fields if not f.primary_key]
    names = ", ".join(q(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    updated = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in ("done", "grade", "updated_at"))
    return (
        f"INSERT INTO {q(BlockProgress._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        f" ON CONFLICT ({q('block_id')}, {q('user_id')}) DO UPDATE SET {updated}",
        fields,
    )


def block_done(row: BlockProgress) -> None:
    """The learner's block row done with its grade: inserted, or its done, grade and time
    updated if the learner already has one (the unique block and user) — one statement."""
    connection, sql, fields = _prepared("block_done", BlockProgress, _upsert_sql)
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, values)


COMPLETED = ("completed_at", "score", "passed")


def _complete_sql(connection: Any, q: Callable[[str], str]) -> tuple[str, list[Any]]:
    by_name = {f.name: f for f in Progress._meta.concrete_fields}
    fields = [by_name[n] for n in COMPLETED]
    sets = ", ".join(f"{q(str(f.column))} = %s" for f in fields)
    table, lesson, user, completed = (
        q(Progress._meta.db_table),
        q("lesson_id"),
        q("user_id"),
        q("completed_at"),
    )
    return (
        f"UPDATE {table} SET {sets} WHERE {lesson} = %s AND {user} = %s AND {completed} IS NULL",  # noqa: S608 (names from the model)
        fields,
    )


def lesson_completed(progress: Progress) -> bool:
    """The learner's lesson row completed with its score and pass, if it exists and nobody
    completed it yet: a conditional update. Returns whether this call completed it."""
    connection, sql, fields = _prepared("complete", Progress, _complete_sql)
    values = [f.get_db_prep_save(getattr(progress, f.attname), connection) for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, [*values, progress.lesson_id, progress.user_id])
        return bool(cur.rowcount)
