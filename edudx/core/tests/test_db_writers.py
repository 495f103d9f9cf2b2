"""A write waiting for SQLite's writer lock is seen from another connection (core.db.writers),
so that a big import's short commits let it go first (issue #21 item 4)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db.utils import ConnectionHandler

from edudx.core.db.writers import _fd, _may_wait, writers_waiting

# Databases of their own (files under tmp_path); the mark only lets the test open connections.
pytestmark = pytest.mark.django_db


def _sqlite(path):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 10},
            }
        }
    )
    return handler["default"]


def test_a_writer_waiting_for_the_lock_is_seen_until_it_gets_it(tmp_path):
    db = tmp_path / "w.sqlite3"
    holder = _sqlite(db)
    holder.cursor().execute("CREATE TABLE t (x integer)")
    assert not writers_waiting(holder)  # nobody waits
    holder.connection.execute("BEGIN IMMEDIATE")  # the writer lock, as a big import's commit
    wrote = threading.Event()

    def autosave() -> None:
        waiter = _sqlite(db)
        try:
            waiter.cursor().execute("INSERT INTO t VALUES (1)")  # waits for the lock
            wrote.set()
        finally:
            waiter.close()

    thread = threading.Thread(target=autosave)
    thread.start()
    deadline = time.monotonic() + 5
    while not writers_waiting(holder) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writers_waiting(holder) and not wrote.is_set()  # waiting, seen from the holder
    holder.connection.execute("COMMIT")
    thread.join(5)
    assert wrote.is_set() and not writers_waiting(holder)  # through: no longer announced
    assert holder.cursor().execute("SELECT count(*) FROM t").fetchone()[0] == 1
    holder.close()


def test_what_may_wait_for_the_lock(tmp_path):
    """A transaction's start (Django's sqlite backend: BEGIN IMMEDIATE) and a write outside a
    transaction wait for the lock; reads and the writes inside a transaction (it holds the
    lock already) do not."""
    db = _sqlite(tmp_path / "m.sqlite3")
    assert _may_wait(db, "BEGIN IMMEDIATE") and _may_wait(db, ' INSERT INTO "t" VALUES (1)')
    assert not _may_wait(db, "SELECT 1") and not _may_wait(db, "PRAGMA foreign_keys")
    db.in_atomic_block = True
    assert not _may_wait(db, "UPDATE t SET x = 1")


def test_reads_and_in_memory_databases_announce_nothing(tmp_path):
    db = _sqlite(tmp_path / "r.sqlite3")
    db.cursor().execute("SELECT 1")
    memory = _sqlite(":memory:")
    memory.cursor().execute("CREATE TABLE t (x integer)")
    assert not writers_waiting(memory)
    assert [type(w).__name__ for w in memory.execute_wrappers] == []
    assert [type(w).__name__ for w in db.execute_wrappers] == ["_Waiting"]
    db.close()
    memory.close()


def test_a_thread_that_ends_closes_its_marker_file(tmp_path):
    """An import's writer thread (one a file) announces its writes through its own descriptor;
    when the thread ends, the descriptor is closed — a worker importing file after file keeps
    none of them open."""
    import gc
    import os

    path = str(tmp_path / "t.sqlite3-writers")
    opened = []
    worker = threading.Thread(target=lambda: opened.append(_fd(path)))
    worker.start()
    worker.join()
    gc.collect()
    assert len(opened) == 1
    link = f"/proc/self/fd/{opened[0]}"  # closed, or its number reused by another file
    assert not os.path.exists(link) or os.readlink(link) != path
