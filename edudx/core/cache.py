"""A cache shared by every server process on one machine, with atomic counters, needing no
service: Django's file-based cache whose `add` and `incr` run under one file lock.

Why: request counters must be shared by every worker of a one-machine platform, and the file
cache alone loses counts when two requests update one at once.
See docs/decisions/0002-shared-cache-counters-flock.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

from .locks import file_lock


class LockedFileBasedCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:  # noqa: A002 - Django's signature
        super().__init__(dir, params)
        # FileBasedCache keeps its directory as _dir (absolute); the stubs do not declare it.
        self._root = Path(str(getattr(self, "_dir", dir)))
        self._lock_path = str(self._root / ".counters.lock")

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        # core.locks: a descriptor of our own, so threads and processes exclude each other
        # alike, and cheaper than filelock (docs/decisions/0002-shared-cache-counters-flock.md).
        self._root.mkdir(parents=True, exist_ok=True)
        with file_lock(self._lock_path):
            yield

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        with self._lock():
            return super().add(key, value, timeout, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        with self._lock():
            return super().incr(key, delta, version)
