"""Open data: small-cell suppression of a city-sized table (issue #18 item 8).

    .venv/bin/python bench/opendata_suppression.py --wards 168 --seed 1

A table of pupils by ward (Ho Chi Minh City has 168 wards and communes since July 2025) and
grade 0-12, with totals: most wards count hundreds per grade, a few (islands, new urban areas,
wards without an upper-secondary school) count a handful or none. Prints the time to suppress
and audit, the cells hidden (primary / complementary), the narrowest range a reader can derive
for a hidden small count, and the load average. CPU-bound, no database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def table(wards: int, rng: random.Random):
    from edudx.opendata.suppression import CountTable

    grades = [str(g) for g in range(13)]
    counts = []
    for _ in range(wards):
        kind = rng.random()
        row = []
        for g in range(13):
            if kind < 0.04:  # a small commune or island: a handful per grade
                row.append(rng.choice([0, 1, 2, 3, 5, 8, 12]))
            elif kind < 0.15 and g >= 10:  # no upper-secondary school: the odd pupil registered there
                row.append(rng.choice([0, 0, 1, 2, 4]))
            else:
                row.append(rng.randint(250, 1400))
        counts.append(row)
    return CountTable([f"P{w:03d}" for w in range(wards)], grades, counts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wards", type=int, default=168)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threshold", type=int, default=10)
    ap.add_argument("--protection", type=int, default=0, help="default: the dataset's (threshold // 2)")
    args = ap.parse_args()
    from edudx.opendata.suppression import audit, suppress

    t = table(args.wards, random.Random(args.seed))
    started, cpu = time.perf_counter(), time.process_time()
    protection = args.protection or max(1, args.threshold // 2)
    s = suppress(t, args.threshold, protection)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    bounds = audit(s)
    widths = [hi - lo for cell, (lo, hi) in bounds.items() if cell in s.primary]
    cells = sum(1 for _ in t.cells())
    print(
        f"table: {args.wards} wards x 13 grades + totals = {cells} cells, "
        f"threshold {args.threshold}, protection {protection}"
    )
    print(f"hidden: {len(s.primary)} small counts, {len(s.complementary)} complementary")
    print(f"narrowest range a reader can derive for a small count: {min(widths) if widths else '-'}")
    print(f"suppress + audit: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
