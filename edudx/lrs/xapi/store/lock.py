"""The one LRS writer at a time on SQLite, and the WAL checkpoints done off its lock
(docs/decisions/0005-lrs-wal-checkpoint-off-the-writer-lock.md)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.db import connection

from edudx.core.locks import file_lock


def writer_lock_path() -> str:
    """The file LRS writers (and the checkpointer's locked pass) serialise on."""
    return os.path.join(str(settings.VAR_DIR), "lrs-write.lock")


class SqliteWriterLock:
    """SQLite allows one writer; concurrent writers otherwise wait in SQLite's busy handler,
    which sleeps in growing steps. A file lock wakes the next writer the moment the
    previous one commits. No-op on other databases.

    While it is held, the connection does not checkpoint the WAL on commit, so writers queued
    behind the lock do not wait for a write-back; `_checkpointer` does it off the lock.
    See docs/decisions/0005-lrs-wal-checkpoint-off-the-writer-lock.md."""

    def __init__(self) -> None:
        self.held: file_lock | None = None
        self.autocheckpoint: int | None = None

    def __enter__(self) -> None:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return
        self.held = file_lock(writer_lock_path()).acquire()
        if _checkpointer.start():
            with connection.cursor() as cur:
                cur.execute("PRAGMA wal_autocheckpoint")
                self.autocheckpoint = cur.fetchone()[0]
                cur.execute("PRAGMA wal_autocheckpoint=0")

    def __exit__(self, *exc: object) -> None:
        if self.held is not None:
            try:
                if self.autocheckpoint is not None:
                    with connection.cursor() as cur:
                        cur.execute(f"PRAGMA wal_autocheckpoint={int(self.autocheckpoint)}")
                    _checkpointer.wake()
            finally:
                self.held.release()
                self.held = None
                self.autocheckpoint = None


class _Checkpointer:
    """One daemon thread per process that checkpoints the WAL (PASSIVE: it never blocks a
    writer or a reader) about once a second while LRS writes arrive, on its own connection.
    Only for a database file (not an in-memory test database). If the thread cannot run,
    `start` says so and the writers keep SQLite's auto-checkpoint."""

    INTERVAL = 1.0  # seconds: about SQLite's own checkpoint size at a busy write rate (decision 0005)

    def __init__(self) -> None:
        self.pid: int | None = None
        self.path: str | None = None
        self.lock_path = ""
        self.event: Any = None

    def start(self) -> bool:
        import threading

        if self.pid == os.getpid():  # already running in this process (a fork starts afresh)
            return self.path is not None
        self.pid = os.getpid()
        name = str(connection.settings_dict["NAME"])
        if not name or name == ":memory:" or "mode=memory" in name or not os.path.exists(name):
            self.path = None
            return False
        self.path = name
        self.lock_path = writer_lock_path()
        self.event = threading.Event()
        threading.Thread(target=self._run, args=(name,), name="lrs-wal-checkpoint", daemon=True).start()
        return True

    def wake(self) -> None:
        if self.event is not None:
            self.event.set()

    def _run(self, path: str) -> None:
        import logging
        import sqlite3

        log = logging.getLogger(__name__)
        event = self.event
        con = None
        while True:
            event.wait()
            time.sleep(self.INTERVAL)
            event.clear()
            try:
                if con is None:
                    con = sqlite3.connect(path, timeout=1, isolation_level=None, check_same_thread=False)
                    con.execute("PRAGMA synchronous=NORMAL")
                checkpoint_in_two_passes(con, self.lock_path)
            except Exception:  # a failed pass is retried at the next write
                log.exception("LRS WAL checkpoint failed")
                if con is not None:
                    con.close()
                con = None


def checkpoint(con: Any) -> tuple[int, int, int]:
    """One PASSIVE checkpoint on a sqlite3 connection: (busy, frames in the WAL, frames
    written back)."""
    return tuple(con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())


def checkpoint_in_two_passes(con: Any, lock_path: str, min_frames: int = 10_000) -> tuple[int, int, int]:
    """Write the WAL back without holding writers up, and let it restart from the top.

    Writers append while a pass runs, so the WAL would never be wholly written back when
    the next writer starts — the only moment SQLite restarts it — and it would grow without
    bound. The first pass (no lock) writes back the bulk; once the WAL holds `min_frames`, a
    second one under the writer lock writes back only what arrived meanwhile, so the next
    writer starts the WAL afresh. See docs/decisions/0005-lrs-wal-checkpoint-off-the-writer-lock.md."""
    first = checkpoint(con)
    if first[1] < min_frames:
        return first
    with file_lock(lock_path):
        return checkpoint(con)


_checkpointer = _Checkpointer()
