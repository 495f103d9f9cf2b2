"""The one file lock: an exclusive `flock`, blocking or not, on a path or an open file.

    with file_lock(path):                     # waits
    with file_lock(path, blocking=False):     # raises LockBusy if another holder has it

A lock on a path opens a descriptor of its own (created 0600 if missing) and closing it
releases the lock, so threads and processes exclude each other alike and the operating system
releases it when a process dies. A lock on a descriptor or file object is released, not closed.

Why `flock` rather than the `filelock` package: a waiting `flock` wakes the moment the holder
releases, where `FileLock` polls (`poll_interval`), and it costs several times less per
acquisition (docs/decisions/0009-one-file-lock-helper.md, 0002).
"""

from __future__ import annotations

import fcntl
import os
from typing import IO, Any


class LockBusy(BlockingIOError):
    """A non-blocking lock is held by another descriptor."""


class file_lock:  # noqa: N801 - used like a function: `with file_lock(path):`
    __slots__ = ("_close", "_fd", "_flags", "_target")

    def __init__(self, target: str | os.PathLike[str] | int | IO[Any], *, blocking: bool = True) -> None:
        self._target = target
        self._flags = fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB
        self._fd = -1
        self._close = False

    def acquire(self) -> file_lock:
        """Take the lock (raises LockBusy if non-blocking and held elsewhere); `release` it."""
        target = self._target
        if isinstance(target, int):
            fd, close = target, False
        elif isinstance(target, str | os.PathLike):
            fd, close = os.open(target, os.O_CREAT | os.O_RDWR, 0o600), True
        else:
            fd, close = target.fileno(), False
        try:
            fcntl.flock(fd, self._flags)
        except BlockingIOError as exc:
            if close:
                os.close(fd)
            raise LockBusy(*exc.args) from exc
        except BaseException:
            if close:
                os.close(fd)
            raise
        self._fd, self._close = fd, close
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, -1
        if fd < 0:
            return
        if self._close:
            os.close(fd)  # closing our own descriptor releases its lock
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
