"""Who waits for SQLite's writer lock, told across processes (issue #21 item 4).

SQLite lets one writer in at a time; the others sleep in its busy handler and retry (1, 2, 5 …
then every 100 ms), unseen by the writer that holds the lock. A big import that commits in
short transactions cannot tell whether anybody waits between two of them: it paused after
every commit (110 ms), which slowed it when alone and still let a waiting autosave in only if
its retry fell inside the pause.

So every write that may wait for the lock says so while it waits: from just before its
`BEGIN IMMEDIATE` (or a write statement outside a transaction, which takes the lock by
itself) until the database answers, each such connection holds a *shared* `flock` on a file
beside the database (`<database>-writers`). `writers_waiting()` asks for an *exclusive* lock
on that file without blocking: refused exactly while some writer of any process is in that
window. Its cost is two system calls per write transaction; nothing is written to the file.
PostgreSQL (no writer lock between rows) and in-memory databases are left alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable
from typing import Any

from django.db.backends.signals import connection_created

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
_local = threading.local()  # a file descriptor per thread and database: flock is per open file


class _Fds(dict[str, int]):
    """A thread's open marker files. Closed when the thread ends and its thread-local state
    goes: an import's writer thread (one a file) must not leave its descriptor behind in a
    long-running worker."""

    def __del__(self, _close: Callable[[int], None] = os.close) -> None:
        for fd in self.values():
            with contextlib.suppress(OSError):
                _close(fd)


def lock_path(connection: Any) -> str | None:
    """The marker file of this SQLite database, None where nobody can wait for its lock."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    return f"{connection.settings_dict['NAME']}-writers"


def _fd(path: str) -> int:
    fds: _Fds | None = getattr(_local, "fds", None)
    if fds is None:
        fds = _local.fds = _Fds()
    fd = fds.get(path)
    if fd is None:
        fd = fds[path] = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return fd


def _may_wait(connection: Any, sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if head == "BEGIN ":
        return True
    return head in _WRITES and not connection.in_atomic_block


class _Waiting:
    """An execute wrapper (installed for good on each SQLite connection): the shared lock
    around a statement that may wait for the writer lock."""

    def __init__(self, connection: Any, path: str) -> None:
        self.connection, self.path = connection, path

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not isinstance(sql, str) or not _may_wait(self.connection, sql):
            return execute(sql, params, many, context)
        try:
            fd = _fd(self.path)
            fcntl.flock(fd, fcntl.LOCK_SH)
        except OSError:  # a read-only directory, say: the write goes on unannounced
            return execute(sql, params, many, context)
        try:
            return execute(sql, params, many, context)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _install(sender: Any, connection: Any, **_kwargs: Any) -> None:
    path = lock_path(connection)
    if path is not None and not any(isinstance(w, _Waiting) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Waiting(connection, path))


def connect_signals() -> None:
    connection_created.connect(_install, dispatch_uid="edudx.core.db.writers")


def writers_waiting(connection: Any) -> bool:
    """Whether a writer of another connection (any process) is waiting for SQLite's writer lock
    now — or is about to ask for it. False on PostgreSQL. Call it outside a transaction."""
    path = lock_path(connection)
    if path is None:
        return False
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases the lock when it was granted
    return False
