"""Duplicate pupils across the city: time, peak memory and F1 against injected truth (issue #14).

Runs the same pipeline as `edudx dedupe` (registry read through the selectors, folded frame,
Splink trained by EM on the data, pairs predicted) on a registry copy where
`bench/quality_inject.py` put duplicates, then scores the pairs against the truth file, beside
the naive match the issue quotes (folded full name + birth date). Prints the load average.

    EDUDX_VAR_DIR=/tmp/t5/city .venv/bin/python bench/quality_dedupe.py \
        --truth /tmp/t5/city/quality_truth.csv --threads 2

Staff (`--kind staff`): the same against `bench/quality_inject.py --kind staff`'s truth (a
teacher moved school and re-entered there):

    EDUDX_VAR_DIR=/tmp/u5/dedupe .venv/bin/python bench/quality_dedupe.py --kind staff \
        --truth /tmp/u5/dedupe/quality_truth_staff.csv --threads 2

Bounded: --timeout (default 1200 s) stops the run.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--truth", default="/tmp/t5/city/quality_truth.csv")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--limit", type=int, default=0, help="first N pupils only (a quick look)")
    ap.add_argument("--timeout", type=int, default=1200)
    ap.add_argument("--kind", choices=("students", "staff"), default="students")
    ap.add_argument(
        "--chunk-rows", type=int, default=0, help="records per scoring chunk (default: the app's)"
    )
    args = ap.parse_args()
    signal.alarm(args.timeout)

    import django

    django.setup()
    import polars as pl

    from edudx.core.scope import Scope
    from edudx.quality.dedupe import frames, model, pipeline, source

    chunk_rows = args.chunk_rows or model.CHUNK_ROWS
    print(
        f"scoring in chunks of {chunk_rows:,} records; DuckDB memory_limit {model.MEMORY_LIMIT}", flush=True
    )

    load0 = os.getloadavg()
    t0 = time.perf_counter()
    raw = source.registry_frame(args.kind, scope=Scope.system())
    if args.limit:  # the first N pupils and the copies injected of them
        copies = pl.read_csv(args.truth).filter(pl.col("original_id") <= args.limit)["duplicate_id"]
        raw = raw.filter((pl.col("unique_id") <= args.limit) | pl.col("unique_id").is_in(copies.implode()))
    t_read = time.perf_counter() - t0
    result = pipeline.find_pairs(
        raw, args.kind, threshold=min(args.threshold, 0.5), threads=args.threads, chunk_rows=chunk_rows,
        progress=lambda step, pct: print(f"{time.perf_counter() - t0:6.0f} s  {step}", flush=True),
    )  # fmt: skip
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime

    print(f"{args.kind} {result.records:,}; pairs p>=0.5 {result.pairs.height:,}")
    print(
        f"wall {wall:.0f} s (read {t_read:.0f} s, "
        + ", ".join(f"{k} {v:.0f} s" for k, v in result.seconds.items())
        + ")"
    )
    print(f"CPU {cpu:.0f} s (user+system, all threads); peak RSS {rss:.0f} MB; threads {args.threads}")
    print(f"load average at start {load0}, at end {os.getloadavg()} (a shared machine: CPU is the figure)")
    if not os.path.exists(args.truth):
        print(f"no truth file {args.truth}: time and memory only")
        return
    truth_frame = pl.read_csv(args.truth)
    ids = set(raw["unique_id"].to_list())
    truth = {
        (min(a, b), max(a, b))
        for a, b in truth_frame.select("original_id", "duplicate_id").iter_rows()
        if a in ids and b in ids
    }
    print(f"injected pairs {len(truth):,}")
    pairs = result.pairs
    for th in sorted({0.5, 0.8, 0.9, 0.95, 0.99, args.threshold}):
        found = {
            (min(a, b), max(a, b))
            for a, b in pairs.filter(pl.col("match_probability") >= th)
            .select("unique_id_l", "unique_id_r")
            .iter_rows()
        }
        p, r, f1 = scores(found, truth)
        print(f"splink  p>={th:<5} pairs {len(found):>8,}  precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}")
    naive = frames.naive_key(frames.matching_frame(raw))
    groups = naive.join(naive, on="naive").filter(pl.col("unique_id") < pl.col("unique_id_right"))
    found = {(a, b) for a, b in groups.select("unique_id", "unique_id_right").iter_rows()}
    p, r, f1 = scores(found, truth)
    print(
        f"naive (folded name + birth date) pairs {len(found):>8,}  precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}"
    )
    missed = truth - {
        (min(a, b), max(a, b))
        for a, b in pairs.filter(pl.col("match_probability") >= args.threshold)
        .select("unique_id_l", "unique_id_r")
        .iter_rows()
    }
    damage = {
        (min(a, b), max(a, b)): d
        for a, b, d in truth_frame.select("original_id", "duplicate_id", "damage").iter_rows()
    }
    counts: dict[str, int] = {}
    for pair in missed:
        counts[damage.get(pair) or ""] = counts.get(damage.get(pair) or "", 0) + 1
    print("missed at threshold, by damage:", sorted(counts.items(), key=lambda kv: -kv[1])[:8])


if __name__ == "__main__":
    main()
