# gunicorn reads this file from the directory it starts in (`./run` starts there; bench/load.py
# too). Sizing: docs/deployment-sizing.md.
import os

# Access-log lines print the request line with its query string, where searches carry what was
# typed: personal IDs and phone numbers are masked (edudx/core/logmask.py).
logger_class = "edudx.core.logmask.GunicornLogger"

# One worker process per core: a request is CPU work in Python (templates, ORM) and the GIL lets
# one thread of a process run at a time, so more processes than cores only add memory (≈ 120 MB
# each) and context switches. Four threads per worker overlap the waits (database, file reads,
# the SQLite writer lock) without adding memory; 2 cores → 2 × 4 = 8 requests in flight.
workers = int(os.environ.get("EDUDX_WEB_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("EDUDX_WEB_THREADS") or 4)
# An import commits in the worker (db_worker), not in a request; a request longer than this is
# a bug, and the worker is recycled rather than held.
timeout = int(os.environ.get("EDUDX_WEB_TIMEOUT") or 120)
loglevel = os.environ.get("EDUDX_WEB_LOG_LEVEL") or "warning"
# A browser keeps its connection for the next page; gunicorn's default closes one idle for 2 s,
# shorter than a person reads a page, and a request sent as it closes fails ("server
# disconnected"; browsers send it again). An idle kept-alive connection waits in the workers'
# poller, not in a thread: 5 s costs a socket, no thread.
keepalive = int(os.environ.get("EDUDX_WEB_KEEPALIVE") or 5)


def post_worker_init(worker):
    """Import every page's code before the worker takes its first request: Django reads the
    URLconf (every app's views and API schemas, SciPy for open data, Splink for quality) at a
    process's first request, which took ~3 s of CPU — the first user after every start or
    worker restart waited for it (issue #21's "cold" requests)."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    # What is loaded now (modules, URLconf, schemas: ~230,000 objects) lives as long as the
    # worker: frozen, the collector stops walking it. A full collection of a warm city worker
    # went from ~90 ms to ~4 ms (single process, bench note in docs/deployment-sizing.md).
    gc.freeze()


# bench/load.py only: with EDUDX_BENCH_CPU_LOG=DIR each worker appends "kind<TAB>CPU ms" per
# request (the kind from the bench's X-Bench-Kind header; the CPU of the request's own thread,
# from the first byte read to the last byte sent) to DIR/<pid>, so the bench prints the server's
# CPU per page kind. Unset (./run), no hook is installed.
if os.environ.get("EDUDX_BENCH_CPU_LOG"):
    import time

    _cpu_dir = os.environ["EDUDX_BENCH_CPU_LOG"]

    def pre_request(worker, req):
        req.edudx_cpu = time.thread_time()

    def post_request(worker, req, environ, resp):
        kind = environ.get("HTTP_X_BENCH_KIND", "-").replace("\t", " ")[:40]
        ms = 1000 * (time.thread_time() - getattr(req, "edudx_cpu", time.thread_time()))
        fd = os.open(os.path.join(_cpu_dir, str(os.getpid())), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{kind}\t{ms:.2f}\n".encode())
        finally:
            os.close(fd)
