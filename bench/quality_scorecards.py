"""Data-quality scorecards at city scale (issue #14): the department page for 3,500 schools, and
how long a changed record takes to show.

On a registry copy (never the shared city: `cp /tmp/s9/city/{edudx.sqlite3,secret_key}` to a
directory of your own and `edudx migrate` it):

    EDUDX_VAR_DIR=/tmp/u5/city .venv/bin/python bench/quality_scorecards.py --requests 20

1. The per-school facts are counted once if the copy has none (`aggregates.refresh`: what
   `edudx refresh_aggregates` does before the first user) — the time is printed.
2. The department page `/quality/scorecards/` is requested `--requests` times in process
   (Django's test client, a department officer of the copy): p50, p95, max in ms, and the
   selector alone.
3. Live: one pupil's personal ID is blanked by a plain UPDATE (as a bulk import writes); the
   trigger notes the school; the sweep a read queues once the figures are a minute old
   recounts that school only — its time is printed and the department's figure is checked to
   have moved. The pupil is put back.

Prints the load average (a shared 2-core machine: figures above load ~4 are not the bar's).
Bounded by --timeout (default 1800 s).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--timeout", type=int, default=1800)
    args = ap.parse_args()
    signal.alarm(args.timeout)

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from edudx.accounts.models import Membership
    from edudx.core import aggregates
    from edudx.core.models import Aggregate, AggregateState
    from edudx.core.scope import Scope
    from edudx.quality import selectors
    from edudx.quality.aggregates import SCORECARD
    from edudx.registry.models import Student

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"load average at start {os.getloadavg()}", flush=True)
    # Facts counted per chunk of schools, each stored at once: an interrupted count resumes.
    from edudx.registry import selectors as registry

    every = sorted(registry.school_ids_in_scope(scope=Scope.system()))
    have = set(Aggregate.objects.filter(name=SCORECARD).values_list("key", flat=True))
    missing = [k for k in every if k not in have]
    if missing:
        t, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(missing), 250):
            aggregates.refresh(SCORECARD, missing[i : i + 250])
            print(f"  facts: {min(i + 250, len(missing)):,}/{len(missing):,} schools, "
                  f"{time.perf_counter() - t:.0f} s", flush=True)  # fmt: skip
        print(
            f"count of the facts: {len(missing):,} schools in {time.perf_counter() - t:.0f} s wall, "
            f"{time.process_time() - cpu:.0f} s CPU of this process (load {os.getloadavg()})",
            flush=True,
        )
    schools = Aggregate.objects.filter(name=SCORECARD).count()
    AggregateState.objects.update_or_create(
        name=SCORECARD, defaults={"swept_at": timezone.now(), "full_on": timezone.localdate()}
    )
    print(f"schools with facts: {schools:,}; pupils {Student.objects.count():,}")

    member = Membership.objects.filter(role__in=["dept_admin", "dept_officer"]).select_related("user").first()
    if member is None:
        sys.exit("no department user in this copy")
    client = Client()
    client.force_login(member.user)
    t = time.perf_counter()
    client.get("/quality/scorecards/")  # cold: scores 3,500 schools, then kept until the next sweep
    cold = (time.perf_counter() - t) * 1000
    print(f"department page, first request after a sweep (scores every school): {cold:.0f} ms", flush=True)
    times = []
    for _ in range(args.requests):
        t = time.perf_counter()
        r = client.get("/quality/scorecards/")
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(
        f"department page /quality/scorecards/ ({schools:,} schools, {args.requests} requests): "
        f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms; "
        f"load {os.getloadavg()}"
    )
    sel = []
    for _ in range(5):
        t = time.perf_counter()
        selectors.board(scope=Scope.system(), rank="overall")
        sel.append((time.perf_counter() - t) * 1000)
    print(
        f"  of which the selector (3,500 schools' facts read and scored): median {statistics.median(sel):.0f} ms"
    )

    pupil = Student.objects.exclude(personal_id=None).exclude(school=None).order_by("id").first()
    assert pupil is not None
    before = selectors.board(scope=Scope.system()).card.rules["completeness.students.required"]
    Student.objects.filter(pk=pupil.pk).update(personal_id=None, updated_at=timezone.now())
    # The figures are a minute old: the next read queues the sweep (here run in process).
    t = time.perf_counter()
    swept = aggregates.sweep(SCORECARD)
    took = time.perf_counter() - t
    after = selectors.board(scope=Scope.system()).card.rules["completeness.students.required"]
    print(
        f"live: a blanked personal ID at school {pupil.school_id}: the sweep recounted {swept} school(s) in "
        f"{took:.2f} s; required-field blanks {before[1]:,} -> {after[1]:,} "
        f"({'visible' if after[1] == before[1] + 1 else 'NOT visible'}); a change shows within "
        f"EDUDX_AGGREGATE_MAX_AGE_SECONDS ({settings.EDUDX_AGGREGATE_MAX_AGE_SECONDS} s) + {took:.1f} s"
    )
    Student.objects.filter(pk=pupil.pk).update(personal_id=pupil.personal_id, updated_at=timezone.now())
    aggregates.sweep(SCORECARD)
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
