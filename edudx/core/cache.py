"""A cache shared by every server process on one machine, with atomic counters, needing no
service: Django's file-based cache whose `add` and `incr` run under one file lock.

Why: request counters (search throttling, django-ratelimit) must be seen by every gunicorn
worker — the local-memory cache gives each worker its own count, so N workers allow N times
the limit. Redis or memcached would be the usual answer, but the platform runs on one
machine with no other service. The database cache would put a write on every search into
the one SQLite writer queue that imports hold for minutes. Django's file cache is shared
but its `add` and `incr` read then write, so two requests at once could both count as one;
here both run under an exclusive lock (flock on a file beside the entries) — a few
microseconds per counted request.
"""

from __future__ import annotations

from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache
from filelock import FileLock


class LockedFileBasedCache(FileBasedCache):
    def __init__(self, dir, params):  # noqa: A002 - Django's signature
        super().__init__(dir, params)
        self._lock_path = str(Path(self._dir) / ".counters.lock")

    def _lock(self) -> FileLock:
        Path(self._dir).mkdir(parents=True, exist_ok=True)
        return FileLock(self._lock_path, timeout=10)

    def add(self, key, value, timeout=None, version=None):
        with self._lock():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._lock():
            return super().incr(key, delta, version)
