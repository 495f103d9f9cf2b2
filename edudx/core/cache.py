"""A cache shared by every server process on one machine, with atomic counters, needing no
service: Django's file-based cache whose `add` and `incr` run under one file lock.

Why: request counters must be shared by every worker of a one-machine platform, and the file
cache alone loses counts when two requests update one at once.
See docs/decisions/0002-shared-cache-counters-flock.md.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

from .locks import file_lock


class LockedFileBasedCache(FileBasedCache):
    def __init__(self, dir, params):  # noqa: A002 - Django's signature
        super().__init__(dir, params)
        self._lock_path = str(Path(self._dir) / ".counters.lock")

    @contextlib.contextmanager
    def _lock(self):
        # core.locks: a descriptor of our own, so threads and processes exclude each other
        # alike, and cheaper than filelock (docs/decisions/0002-shared-cache-counters-flock.md).
        Path(self._dir).mkdir(parents=True, exist_ok=True)
        with file_lock(self._lock_path):
            yield

    def add(self, key, value, timeout=None, version=None):
        with self._lock():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._lock():
            return super().incr(key, delta, version)
