"""Learning dashboard at city scale: DuckDB over the warehouse's Parquet snapshot of the LRS.

1. Builds a warehouse of --rows statements (default 10,000,000) shaped like a city year:
   3,500 schools under 168 wards, 400,000 learners, 2,000 activities in 120 courses, 40
   weeks, 1 % voided — written as Parquet parts with the LRS dataset's schema, through
   core.warehouse's manifest (generated in polars; the database holds no statements, so
   the dashboard finds the warehouse up to date and reads it as it is).
2. Times `lrs.selectors.statement_summary` — the dashboard's whole computation: totals, by
   unit, by week, by course — for the department (every school) and for one ward, and the
   monitoring indicator (distinct learners of every school, 30 days).
3. With --export-from DB.sqlite3 (an LRS database, e.g. the one bench/lrs_throughput.py
   fills), times the export itself: `warehouse.refresh` of up to --export-rows statements.

    .venv/bin/python bench/lrs_dashboard.py [--rows 10000000] [--runs 5]
        [--export-from /tmp/lrs-bench/edudx.sqlite3 --export-rows 2000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class PathScope:
    """What statement_summary asks of a Scope: the unit paths where a permission holds."""

    def __init__(self, paths):
        self.paths = paths

    def paths_for(self, permission):
        return self.paths


def generate(rows: int, out_dir: Path, part_rows: int = 2_000_000):
    """Deterministic pseudo-random columns from hashes of the row number (polars only)."""
    import polars as pl

    from edudx.core import warehouse
    from edudx.lrs import warehouse as lrs_wh

    wards = [f"0000001{w + 2:07d}" for w in range(168)]
    schools = [f"{wards[s % 168]}{s + 1000:07d}" for s in range(3500)]
    verbs = [
        "http://adlnet.gov/expapi/verbs/launched",
        "http://adlnet.gov/expapi/verbs/experienced",
        "http://adlnet.gov/expapi/verbs/attempted",
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
        "http://adlnet.gov/expapi/verbs/failed",
    ]
    start = dt.datetime(2025, 9, 8)
    span_us = 40 * 7 * 86400 * 1_000_000
    first, previous, rollup_seconds = 1, None, 0.0
    manifest = {"parts": [], "rollups": {}, "high_water": 0, "refreshed_at": None}
    out_dir.mkdir(parents=True, exist_ok=True)

    def rnd(seed: int, m: int) -> pl.Expr:  # per session: its statements share learner, lesson, time
        return (pl.col("session").hash(seed) % m).cast(pl.Int64)

    sessions = max(rows // 4, 1)
    while first <= rows:
        n = min(part_rows, rows - first + 1)
        base = pl.DataFrame({"id": pl.int_range(first, first + n, eager=True, dtype=pl.Int64)})
        frame = (
            base.with_columns(session=(pl.col("id") - 1) // 4, step=(pl.col("id") - 1) % 4)
            .with_columns(
                learner=rnd(1, 400_000),
                act=rnd(2, 2_000),
                outcome=rnd(3, 10),  # 0–4 completed, 5–7 passed, 8 failed, 9 left at attempted
                score=(rnd(4, 1000) / 1000.0),
                # a session a few minutes long; sessions spread over the 40 weeks in id order
                us=pl.col("session") * (span_us // sessions) + pl.col("step") * 300_000_000,
            )
            .with_columns(
                v=pl.when(pl.col("step") < 3)
                .then(pl.col("step"))
                .when(pl.col("outcome") < 5)
                .then(3)
                .when(pl.col("outcome") < 8)
                .then(4)
                .when(pl.col("outcome") < 9)
                .then(5)
                .otherwise(2),
            )
            .with_columns(
                statement_id=pl.col("id").cast(pl.String).str.pad_start(32, "0"),
                voids=pl.lit(None, dtype=pl.String),
                stored=pl.lit(start) + pl.duration(microseconds=pl.col("us")),
                unit_path=(pl.col("learner") % 3500).replace_strict(
                    dict(enumerate(schools)), return_dtype=pl.String
                ),
                actor_key=pl.concat_str(
                    pl.lit("account:https://lms.example|hs"), pl.col("learner").cast(pl.String)
                ),
                verb_iri=pl.col("v").replace_strict(dict(enumerate(verbs)), return_dtype=pl.String),
                object_iri=pl.concat_str(pl.lit("https://lms.example/a/"), pl.col("act").cast(pl.String)),
                course_iri=pl.concat_str(
                    pl.lit("https://lms.example/c/"), (pl.col("act") % 120).cast(pl.String)
                ),
            )
            .with_columns(
                timestamp=pl.col("stored"),
                completion=pl.when(pl.col("v") >= 3).then(pl.col("v") != 5),
                success=pl.when(pl.col("v") >= 3).then(pl.col("v") != 5),
                score_scaled=pl.when(pl.col("v") >= 3).then(pl.col("score")),
            )
        )
        # 1 % of each part are voiding statements; they void statements of the part before
        # (the rollup then subtracts them) or, in the first part, of the same part
        k = n // 100
        source = previous if previous is not None else frame
        targets = source["statement_id"].gather(
            pl.Series(range(source.height - 1, source.height - 1 - 2 * k, -2))
        )
        frame = frame.with_columns(
            verb_iri=pl.when(pl.int_range(pl.len()) < k)
            .then(pl.lit("http://adlnet.gov/expapi/verbs/voided"))
            .otherwise(pl.col("verb_iri")),
            voids=pl.when(pl.int_range(pl.len()) < k)
            .then(pl.concat([targets, pl.Series([None] * (n - k), dtype=pl.String)]))
            .otherwise(None),
        ).select([pl.col(c).cast(t) for c, t in lrs_wh.SCHEMA.items()])
        # through the warehouse's own writer: the part, then its rollups (the real SQL)
        part = warehouse._write_part(lrs_wh.NAME, frame)
        manifest["parts"].append(part)
        t0 = time.perf_counter()
        warehouse._append_rollups(lrs_wh.DATASET, manifest, part)
        rollup_seconds += time.perf_counter() - t0
        manifest["high_water"] = part["last"]
        previous = frame
        first += n
    manifest["refreshed_at"] = time.time()
    warehouse._write_manifest(lrs_wh.NAME, manifest)
    rolled = {name: sum(p["rows"] for p in parts) for name, parts in manifest["rollups"].items()}
    print(
        "rollups: "
        + ", ".join(f"{name} {n:,} rows" for name, n in rolled.items())
        + f"; built in {rollup_seconds:.1f} s"
    )
    return wards, schools


def timed(fn, runs: int):
    """Each run computes afresh: the summary cache is cleared first (a cached view costs ~1 ms)."""
    from django.core.cache import cache

    walls, cpus = [], []
    result = None
    for _ in range(runs):
        cache.clear()
        c0, t0 = cpu(), time.perf_counter()
        result = fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((cpu() - c0) * 1000)
    return result, statistics.median(walls), max(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--export-from", type=Path)
    ap.add_argument("--export-rows", type=int, default=2_000_000)
    args = ap.parse_args()

    var = Path(tempfile.mkdtemp(prefix="edudx-lrs-dash-"))
    os.environ["EDUDX_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'dash.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.WAREHOUSE_DIR = var / "warehouse"
    from edudx.core import warehouse
    from edudx.lrs import selectors
    from edudx.lrs import warehouse as lrs_wh

    t0 = time.perf_counter()
    wards, schools = generate(args.rows, warehouse.directory(lrs_wh.NAME))
    size = sum(p.stat().st_size for p in warehouse.directory(lrs_wh.NAME).glob("*.parquet"))
    print(
        f"warehouse: {args.rows:,} statements, 3,500 schools, 168 wards, 400,000 learners, 120 courses; "
        f"Parquet {size / 1e6:,.0f} MB, generated in {time.perf_counter() - t0:.0f} s"
    )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.runs} runs each; ms")

    def show(label, res):
        out, med, worst, cpu_ms = res
        print(f"  {label}: median {med:,.0f}  max {worst:,.0f}  (CPU median {cpu_ms:,.0f})")
        return out

    out = show("dashboard, department (all schools)", timed(
        lambda: selectors.statement_summary(scope=PathScope(None)), args.runs))  # fmt: skip
    t = out["totals"]
    print(
        f"    totals: {t['statements']:,} statements, {t['learners']:,} learners, {t['completions']:,} completions,"
        f" {t['courses']} courses; {len(out['by_unit']):,} units, {len(out['by_week'])} weeks"
    )
    show("dashboard, one ward", timed(
        lambda: selectors.statement_summary(scope=PathScope((wards[7],))), args.runs))  # fmt: skip
    paths = dict(enumerate(schools))
    since = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    got = show("indicator: distinct learners of each of 3,500 schools", timed(
        lambda: selectors.learner_counts_by_school(paths, since=since), args.runs))  # fmt: skip
    print(f"    schools with learners: {sum(1 for v in got.values() if v):,}")

    if args.export_from:
        src = var / "export.sqlite3"
        shutil.copyfile(args.export_from, src)
        from django.db import connections

        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = str(src)
        settings.WAREHOUSE_DIR = var / "warehouse-export"
        c0, t0 = cpu(), time.perf_counter()
        n = warehouse.refresh(lrs_wh.NAME, max_rows=args.export_rows)
        wall = time.perf_counter() - t0
        print(
            f"export: {n:,} statements from {args.export_from} in {wall:.1f} s = {n / wall:,.0f}/s "
            f"(CPU {cpu() - c0:.1f} s); peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
        )
    shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
