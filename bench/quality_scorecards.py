"""Data-quality scorecards at city scale (issue #14): the department page for 3,500 schools, and
how long a changed record takes to show.

On a registry copy (never the shared city: `cp /tmp/s9/city/{edudx.sqlite3,secret_key}` to a
directory of your own and `edudx migrate` it):

    EDUDX_VAR_DIR=/tmp/u5/city .venv/bin/python bench/quality_scorecards.py --requests 20

1. The per-school facts are counted once for schools the copy has none of (or none scored
   under today's rules; `--recount`: every school) (`aggregates.refresh`: what
   `edudx refresh_aggregates` does before the first user) — the time is printed.
2. `--sweeps` times: a pupil's ID is blanked, the sweep recounts its school (and stores its
   score), then the department, a ward, a cluster and a school page are requested — the first
   request after a sweep, timed apart; then each page `--requests` times warm (Django's test
   client in process, a department officer of the copy): first-request max/median, warm p50/p95,
   p95 over all, queries per page, and the selector alone.
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


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=20, help="warm requests per page")
    ap.add_argument("--sweeps", type=int, default=5, help="changes swept, each followed by a first request")
    ap.add_argument("--recount", action="store_true", help="recount every school's facts and score first")
    ap.add_argument("--timeout", type=int, default=1800)
    args = ap.parse_args()
    signal.alarm(args.timeout)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from edudx.accounts.models import Membership
    from edudx.core import aggregates
    from edudx.core.models import Aggregate, AggregateState
    from edudx.core.scope import Scope
    from edudx.orgs.models import Grouping
    from edudx.quality import selectors
    from edudx.quality.aggregates import SCORECARD
    from edudx.quality.scoring import scores
    from edudx.registry import selectors as registry
    from edudx.registry.models import Student

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"load average at start {os.getloadavg()}", flush=True)
    # Facts and scores counted per chunk of schools, each stored at once: an interrupted count
    # resumes. A school stored without a score under today's rules is counted again.
    every = sorted(registry.school_ids_in_scope(scope=Scope.system()))
    sig, today = scores.signature(selectors.rules_effective()), timezone.localdate().isoformat()
    have = {
        k
        for k, part in Aggregate.objects.filter(name=SCORECARD).values_list("key", "data__score")
        if not args.recount and isinstance(part, dict) and part.get("sig") == sig and part.get("day") == today
    }
    missing = [k for k in every if k not in have]
    if missing:
        t, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(missing), 250):
            aggregates.refresh(SCORECARD, missing[i : i + 250])
            print(f"  facts: {min(i + 250, len(missing)):,}/{len(missing):,} schools, "
                  f"{time.perf_counter() - t:.0f} s", flush=True)  # fmt: skip
        print(
            f"count of the facts and scores: {len(missing):,} schools in {time.perf_counter() - t:.0f} s wall, "
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
    client.get("/quality/rules/")  # templates, translations and URLconf loaded once, as in a server
    system = Scope.system()
    city = selectors.board(scope=system)
    ward = next(r.key for r in city.rows if r.level == "ward")
    cluster = Grouping.objects.filter(kind="cluster").values_list("pk", flat=True).first()
    school = every[len(every) // 2]
    pages = {"department": "/quality/scorecards/", "ward": f"/quality/scorecards/wards/{ward}/",
             "school": f"/quality/scorecards/schools/{school}/"}  # fmt: skip
    if cluster is not None:
        pages["cluster"] = f"/quality/scorecards/clusters/{cluster}/"

    def get(url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            r = client.get(url)
            took = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (url, r.status_code)
        return took, len(q.captured_queries)

    # First requests after a sweep: a pupil's ID blanked and put back by plain UPDATEs (as an
    # import writes), the sweep recounts the school (its score stored with its facts), and the
    # figures' version moves — every page's next request reads the changed figures afresh.
    pupils = list(
        Student.objects.exclude(personal_id=None).exclude(school=None).order_by("id")[: args.sweeps]
    )
    first: dict[str, list[float]] = {name: [] for name in pages}
    warm: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for n, pupil in enumerate(pupils):
        Student.objects.filter(pk=pupil.pk).update(personal_id=None, updated_at=timezone.now())
        t = time.perf_counter()
        swept = aggregates.sweep(SCORECARD)
        took = time.perf_counter() - t
        for name, url in pages.items():
            ms, q = get(url)
            first[name].append(ms)
            queries[name] = q
        print(f"  sweep {n + 1}: {swept} school(s) recounted in {took:.2f} s; first requests "
              + ", ".join(f"{k} {v[-1]:.0f} ms" for k, v in first.items()) + f"; load {os.getloadavg()}",
              flush=True)  # fmt: skip
        Student.objects.filter(pk=pupil.pk).update(personal_id=pupil.personal_id, updated_at=timezone.now())
        aggregates.sweep(SCORECARD)
    for _ in range(args.requests):
        for name, url in pages.items():
            warm[name].append(get(url)[0])
    for name in pages:
        both = first[name] + warm[name]
        print(
            f"{name} page {pages[name]} ({schools:,} schools): first request after a sweep "
            f"max {max(first[name]):.0f} ms (median {statistics.median(first[name]):.0f}, {len(first[name])} sweeps); "
            f"warm p50 {statistics.median(warm[name]):.0f} ms, p95 {_p95(warm[name]):.0f} ms; "
            f"p95 over all {len(both)} requests {_p95(both):.0f} ms; {queries[name]} queries; "
            f"load {os.getloadavg()}",
            flush=True,
        )
    sel = []
    for _ in range(5):
        t = time.perf_counter()
        selectors.board(scope=system, rank="overall")
        sel.append((time.perf_counter() - t) * 1000)
    print(
        f"  of which the selector (the city ranked, from the process's index): median {statistics.median(sel):.0f} ms"
    )

    pupil = Student.objects.exclude(personal_id=None).exclude(school=None).order_by("-id").first()
    assert pupil is not None
    before = selectors.board(scope=system).card.rules["completeness.students.required"]
    Student.objects.filter(pk=pupil.pk).update(personal_id=None, updated_at=timezone.now())
    # The figures are a minute old: the next read queues the sweep (here run in process).
    t = time.perf_counter()
    swept = aggregates.sweep(SCORECARD)
    took = time.perf_counter() - t
    after = selectors.board(scope=system).card.rules["completeness.students.required"]
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
