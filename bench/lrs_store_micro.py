"""LRS per-statement cost, in process (issue 6): CPU per statement of each stage of a batch
POST — JSON parse, validation, store_statements — without HTTP, on SQLite.

    .venv/bin/python bench/lrs_store_micro.py --db-dir /tmp/lrs-store-micro --batches 200

Statements are shaped as bench/lrs_throughput.py posts them (batches of 100). The store
starts empty on the first run and grows by --batches x 100 each run. Prints CPU ms per
statement by stage (process time: independent of other jobs on the machine, unlike the
wall clock, which is printed too), and the load average. `--profile OUT` writes a cProfile
of the store stage.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-dir", default="/tmp/lrs-store-micro")
    ap.add_argument("--batches", type=int, default=200)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--agents", type=int, default=50_000)
    ap.add_argument("--activities", type=int, default=2_000)
    ap.add_argument("--profile", default="")
    args = ap.parse_args()
    db_dir = Path(args.db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)

    from lrs_throughput import make_statement, prepare, setup_django

    setup_django(db_dir)
    key, _secret, unit_path, _schools, _school = prepare(db_dir, 1)
    from django.db import connection

    from edudx.lrs.models import Credential, Statement
    from edudx.lrs.xapi import store
    from edudx.lrs.xapi.validate import V2, validate_statement

    cred = Credential.objects.get(key=key)
    # Time held in the writer lock (writers serialise there: it bounds the batch rate
    # whatever the number of cores).
    held = {"cpu": 0.0, "wall": 0.0}
    lock_cls = store.SqliteWriterLock

    class TimedLock(lock_cls):
        def __enter__(self):
            super().__enter__()
            self.t = (time.process_time(), time.perf_counter())

        def __exit__(self, *exc):
            try:
                super().__exit__(*exc)
            finally:
                held["cpu"] += time.process_time() - self.t[0]
                held["wall"] += time.perf_counter() - self.t[1]

    store.SqliteWriterLock = TimedLock
    rng = random.Random(os.getpid())
    bodies = [
        json.dumps([make_statement(rng, args.agents, args.activities) for _ in range(args.batch)]).encode()
        for _ in range(args.batches)
    ]
    before = Statement.objects.count()
    # Warm-up: connection, caches, first definitions.
    store.store_statements(
        [make_statement(rng, args.agents, args.activities) for _ in range(args.batch)],
        version=V2,
        credential=cred,
        unit_path=unit_path,
    )
    held["cpu"] = held["wall"] = 0.0
    parse = validate = write = 0.0
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    wall = time.perf_counter()
    for body in bodies:
        t0 = time.process_time()
        batch = json.loads(body)
        t1 = time.process_time()
        for stmt in batch:
            validate_statement(stmt, V2)
        t2 = time.process_time()
        if profiler:
            profiler.enable()
        store.store_statements(batch, version=V2, credential=cred, unit_path=unit_path)
        if profiler:
            profiler.disable()
        t3 = time.process_time()
        parse += t1 - t0
        validate += t2 - t1
        write += t3 - t2
    wall = time.perf_counter() - wall
    n = args.batches * args.batch
    total = parse + validate + write
    with connection.cursor() as cur:
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        # Frames in the WAL now: it must not grow without bound under sustained writes.
        cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
        wal_frames = cur.fetchone()[1]
    print(
        f"{n:,} statements in batches of {args.batch} into a store of {before:,}"
        f" ({pages * 4096 / 2**20:,.0f} MiB): {total / n * 1000:.3f} ms CPU per statement"
        f" = {n / total:,.0f} statements per CPU-second; wall {wall:.1f} s;"
        f" load average {os.getloadavg()[0]:.1f}; WAL {wal_frames:,} frames at the end"
    )
    for label, secs in (("json parse", parse), ("validate", validate), ("store_statements", write)):
        print(f"  {label:<17} {secs / n * 1000:.3f} ms/statement ({secs / total * 100:4.1f} %)")
    print(
        f"    of which in the writer lock: {held['cpu'] / n * 1000:.3f} ms CPU, {held['wall'] / n * 1000:.3f} ms wall"
        f" per statement (bounds one writer at {n / held['wall']:,.0f} statements/s)"
    )
    if profiler:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
