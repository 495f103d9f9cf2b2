"""Results bar, item 4 of issue #18's last note: the outcome figures fresh after a city
semester's import. The figures are kept per class (`ClassTerm.figures`, counted by each import
write from the rows it has in memory); the full count sums the classes' figures.

    nice -n 10 .venv/bin/python bench/results_count.py --dir /tmp/u3/city50m [--sample 60] [--runs 3]

On a city built by bench/results_import.py (results kept):
1. migrate; every class's figures are recounted once from its rows (the city's classes were
   written before the figures existed)
   (`services.recount_class_figures`, 500 classes a batch: a one-off, timed and printed apart);
2. the full count (`aggregates.refresh`, what the background sweep does after a city's import),
   --runs times;
3. what counting the figures adds to an import write: for --sample classes (one 50,000-row
   chunk holds ~60 classes of 40 pupils × 20 subjects), the rows read first (untimed), then the
   per-class counting timed (`class_slots` + the pupils' registry facts + the JSON parameters),
   and that cost × the chunks of 50 M rows printed as an estimate, labelled as such.
Prints the figures and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/u3/city50m"))
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-backfill", action="store_true", help="count without recounting old classes first")
    args = ap.parse_args()
    os.environ["EDUDX_VAR_DIR"] = str(args.dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{args.dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    print(f"load average at start {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate {time.perf_counter() - t:.1f} s", flush=True)

    from edudx.core import aggregates
    from edudx.core.db import bulk
    from edudx.results import classfigures, services
    from edudx.results.aggregates import OUTCOMES, class_slots
    from edudx.results.models import ClassTerm, SubjectResult

    if not args.no_backfill:
        todo = sorted({r[0] for r in bulk.select_in(
            "SELECT school_class_id FROM results_classterm WHERE semester IN ({}) AND figures IN ('{}', '')", [1, 2]
        )})  # fmt: skip
        t, done = time.perf_counter(), 0
        for i in range(0, len(todo), 500):
            done += services.recount_class_figures(todo[i : i + 500])
            if i // 500 % 20 == 0:
                print(f"  backfill {done:,} of {len(todo):,} class notes, {time.perf_counter() - t:.0f} s "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
        print(
            f"backfill (one-off, not an import cost): {done:,} class notes in {time.perf_counter() - t:.1f} s"
        )

    rows_total = SubjectResult.objects.count() if args.sample else 0
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        n = aggregates.refresh(OUTCOMES)
        times.append(time.perf_counter() - t)
        print(f"outcome figures full count: {n:,} schools in {times[-1]:.1f} s (load {os.getloadavg()[0]:.1f})",
              flush=True)  # fmt: skip
    print(f"full count median {statistics.median(times):.1f} s over {len(times)} runs")

    if args.sample:
        ids = sorted(
            ClassTerm.objects.filter(semester=1).values_list("school_class_id", flat=True)[: args.sample]
        )
        rows = services._subject_rows(ids, 1)
        terms = classfigures.period_terms(ids, 1)
        per = []
        for _ in range(5):
            t = time.perf_counter()
            people = classfigures.people(terms["student_id"].unique().to_list())
            slots = class_slots(rows, "average", terms, people)
            [classfigures.json(s) for s in slots.values()]
            per.append(time.perf_counter() - t)
        chunk = statistics.median(per)
        chunks = rows_total / max(rows.height, 1)
        print(f"counting a chunk's class figures: {rows.height:,} rows, {len(ids)} classes, {terms.height:,} pupils: "
              f"median {chunk * 1000:.1f} ms of 5")  # fmt: skip
        print(f"ESTIMATE (not measured as an import): × {chunks:,.0f} chunks of this size in {rows_total:,} rows "
              f"≈ {chunk * chunks:.1f} s added to the import")  # fmt: skip
    print(f"load average at end {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
