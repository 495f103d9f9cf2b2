"""What the search throttle's shared counters cost: add/incr on edudx.core.cache's locked file
cache (the `shared` cache) against Django's unlocked file cache, one thread and four threads
at once (a gunicorn worker's threads). Prints µs per counted request and the load average.

    .venv/bin/python bench/shared_cache_counters.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.cache.backends.filebased import FileBasedCache  # noqa: E402

from edudx.core.cache import LockedFileBasedCache  # noqa: E402


def count(cache, n: int) -> None:
    for _ in range(n):
        if not cache.add("rl:k", 1, 120):
            cache.incr("rl:k")


def run(backend, n: int, threads: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="edudx-bench-cache-") as d:
        cache = backend(d, {"OPTIONS": {"MAX_ENTRIES": 100_000}})
        workers = [threading.Thread(target=count, args=(cache, n // threads)) for _ in range(threads)]
        t0 = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - t0
        return elapsed / n * 1e6, cache.get("rl:k")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    deadline = time.monotonic() + 120
    print(f"load average before: {os.getloadavg()}")
    for backend in (FileBasedCache, LockedFileBasedCache):
        for threads in (1, 4):
            if time.monotonic() > deadline:
                print("stopped: over 120 s")
                return
            us, final = run(backend, n, threads)
            print(f"{backend.__name__:22} threads={threads}: {us:7.1f} µs per counted request; "
                  f"count {final} of {n} ({n - final} lost)")  # fmt: skip
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
