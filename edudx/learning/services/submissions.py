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
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from edudx.core.actor import Actor

from .. import statements

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
            with transaction.atomic(), statements.batch(actor=Actor.system(source="learning.submissions")):
                for fn, future in jobs:
                    mark = statements.mark()
                    try:
                        with transaction.atomic():
                            done.append((future, fn(), None))
                    except Exception as exc:  # noqa: BLE001 — handed back to the request that sent it
                        statements.drop_since(mark)
                        done.append((future, None, exc))
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


WRITER = Writer()


def write(fn: Callable[[], T], *, actor: Actor) -> T:
    """Run a submission's writes: through the process's writer when the queue is on, else
    here in a transaction of its own with its statements in one LRS batch. A caller already
    inside a transaction writes here too: the writer's connection would not see what that
    transaction has not committed (and a test case's transaction is such a caller)."""
    if settings.LEARNING_SUBMISSION_QUEUE and not connections["default"].in_atomic_block:
        return WRITER.run(fn)
    with transaction.atomic(), statements.batch(actor=actor):
        return fn()
