"""Foundation benchmark (issue 2, "Bar"): demo load times and registry response times at city scale.

    .venv/bin/python bench/foundation.py --db-dir /tmp/city-var            # city already loaded there
    .venv/bin/python bench/foundation.py --db-dir /tmp/city-var --load-city  # load it first (≈ minutes)
    DATABASE_URL=postgresql://… .venv/bin/python bench/foundation.py --db-dir /tmp/pg-var --load-city

Prints:
1. the time to load the small demo (a fresh SQLite database in a temporary directory, timed
   here) and the city (timed here with --load-city, else read from DB_DIR/demo-load.json that
   `edudx demo` writes);
2. with the city loaded, median and p95 over --runs runs, as the department administrator
   ("admin") and as a ward officer ("phuong"), of: the student list's first page, a page deep
   in the cursor (next_cursor followed 50 times, then the next one timed), a name search typed
   without diacritics ("nguyen van an") and a student's detail page — through the selectors
   with cursor pagination and, when the registry pages exist, through Django's test Client
   (HTML page and API). Target: < 300 ms each;
3. peak RSS of this process and of the loads it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDUDX = [str(ROOT / ".venv" / "bin" / "edudx")]
TARGET_MS = 300
DEEP_PAGES = 50
SEARCH = "nguyen van an"
API = "/api/v1/registry/students"


def run_load(var_dir: Path, scale: str) -> float:
    env = {**os.environ, "EDUDX_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    subprocess.run([*EDUDX, "migrate", "--noinput", "-v0", "--skip-checks"], env=env, check=True, cwd=ROOT)
    started = time.monotonic()
    subprocess.run([*EDUDX, "demo", "--scale", scale, "--registry-only"], env=env, check=True, cwd=ROOT)
    return time.monotonic() - started


def recorded_load(var_dir: Path) -> dict | None:
    path = var_dir / "demo-load.json"
    return json.loads(path.read_text()) if path.exists() else None


def timed(fn, runs: int) -> tuple[float, float, float]:
    """Median and p95 wall milliseconds, and median CPU milliseconds of this process (on a
    shared machine the wall time includes waiting for a core; with SQLite the database work
    runs in this process, so CPU time is the request's own cost)."""
    fn()  # warm caches once; the figures are for a warm server
    samples, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, statistics.median(cpu)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--db-dir", type=Path, required=True, help="EDUDX_VAR_DIR holding the city-scale database"
    )
    ap.add_argument(
        "--load-city", action="store_true", help="load the city into --db-dir first (must be empty)"
    )
    ap.add_argument("--skip-small", action="store_true", help="do not time the small demo load")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    loads: list[tuple[str, str]] = []
    if not args.skip_small:
        with tempfile.TemporaryDirectory(prefix="edudx-bench-small-") as tmp:
            env_db = os.environ.pop("DATABASE_URL", None)  # the small load always goes to SQLite
            seconds = run_load(Path(tmp), "small")
            if env_db:
                os.environ["DATABASE_URL"] = env_db
            rec = recorded_load(Path(tmp)) or {}
            loads.append(
                (
                    "small demo (SQLite, 30 schools)",
                    f"{seconds:.1f} s wall incl. start-up ({rec.get('registry_seconds', '?')} s in command, "
                    f"CPU {rec.get('cpu_seconds', '?')} s, load average {rec.get('load_average', '?')})",
                )
            )
    if args.load_city:
        args.db_dir.mkdir(parents=True, exist_ok=True)
        seconds = run_load(args.db_dir, "city")
        loads.append(("city (3,500 schools, 2.5 M pupils)", f"{seconds:.1f} s wall, timed here"))
    rec = recorded_load(args.db_dir)
    if rec and not args.load_city:
        loads.append(
            (
                f"{rec['size']} ({rec['vendor']}), recorded by `edudx demo`",
                f"{rec['registry_seconds']} s wall, CPU {rec.get('cpu_seconds', '?')} s, "
                f"peak RSS {rec.get('peak_rss_mb', '?')} MB, load average {rec.get('load_average', '?')}",
            )
        )
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    os.environ["EDUDX_VAR_DIR"] = str(args.db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import NoReverseMatch, reverse

    from edudx.accounts.selectors import user_list
    from edudx.accounts.services import scope_for_user
    from edudx.core.history import entries_for
    from edudx.core.pagination import paginate
    from edudx.core.scope import Scope
    from edudx.registry import selectors
    from edudx.registry.filters import StudentFilter

    setup_test_environment()
    counts = selectors.headline_figures(scope=Scope.system())
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(
        f"loaded: {counts.get('schools', 0):,} schools, {counts.get('students', 0):,} students, "
        f"{counts.get('staff', 0):,} staff, {counts.get('classes', 0):,} classes this year"
    )
    print()
    print("LOAD TIMES")
    for name, value in loads:
        print(f"  {name:<48} {value}")
    print()

    users = {u.username: u for u in user_list(scope=Scope.system()).filter(username__in=["admin", "phuong"])}
    try:
        list_url = reverse("registry:student_list")
        reverse("registry:student_detail", kwargs={"student_id": 1})
        have_views = True
    except NoReverseMatch:
        have_views = False

    rows: list[tuple[str, str, str, float, float, float]] = []
    for username, label in (("admin", "department admin"), ("phuong", "ward officer")):
        user = users[username]
        scope = scope_for_user(user)
        qs, order = selectors.student_list(scope=scope, filters=StudentFilter())
        first = paginate(qs, order=order, cursor=None, limit=50)
        cursor = first.next_cursor
        for _ in range(DEEP_PAGES):
            cursor = paginate(qs, order=order, cursor=cursor, limit=50).next_cursor
        sample = first.items[len(first.items) // 2]

        def sel_first(scope=scope):
            qs, order = selectors.student_list(scope=scope, filters=StudentFilter())
            return [s.school.unit.name for s in paginate(qs, order=order, cursor=None, limit=50).items]

        def sel_deep(scope=scope, cursor=cursor):
            qs, order = selectors.student_list(scope=scope, filters=StudentFilter())
            return [s.school.unit.name for s in paginate(qs, order=order, cursor=cursor, limit=50).items]

        def sel_search(scope=scope):
            qs, order = selectors.student_list(scope=scope, filters=StudentFilter(q=SEARCH))
            page = paginate(qs, order=order, cursor=None, limit=50)
            assert page.items, "the search found nothing"
            return page

        def sel_detail(scope=scope, pk=sample.pk):
            s = selectors.student_get(scope=scope, pk=pk)
            return list(selectors.student_enrolments(scope=scope, student=s)), entries_for(s)

        for what, fn in (
            ("list, first page", sel_first),
            (f"list, page {DEEP_PAGES + 2} (cursor)", sel_deep),
            (f'search "{SEARCH}"', sel_search),
            ("student detail", sel_detail),
        ):
            rows.append(("selectors", label, what, *timed(fn, args.runs)))

        if have_views:
            client = Client()
            client.force_login(user)
            detail_url = reverse("registry:student_detail", kwargs={"student_id": sample.pk})

            def get(url, params=None, client=client):
                r = client.get(url, params or {})
                assert r.status_code == 200, (url, r.status_code)
                return r

            for what, fn in (
                ("list, first page", lambda get=get: get(list_url)),
                (
                    f"list, page {DEEP_PAGES + 2} (cursor)",
                    lambda get=get, c=cursor: get(list_url, {"cursor": c}),
                ),
                (f'search "{SEARCH}"', lambda get=get: get(list_url, {"q": SEARCH})),
                ("student detail", lambda get=get, u=detail_url: get(u)),
            ):
                rows.append(("HTML page", label, what, *timed(fn, args.runs)))
            if client.get(API).status_code == 200:
                for what, fn in (
                    ("list, first page", lambda get=get: get(API)),
                    (
                        f"list, page {DEEP_PAGES + 2} (cursor)",
                        lambda get=get, c=cursor: get(API, {"cursor": c}),
                    ),
                    (f'search "{SEARCH}"', lambda get=get: get(API, {"q": SEARCH})),
                    ("student detail", lambda get=get, pk=sample.pk: get(f"{API}/{pk}")),
                ):
                    rows.append(("API", label, what, *timed(fn, args.runs)))

    print(f"RESPONSE TIMES (ms over {args.runs} runs; target < {TARGET_MS} ms)")
    print(f"  {'through':<10} {'as':<17} {'what':<30} {'median':>8} {'p95':>8} {'CPU med':>8}  p95 ok")
    for through, label, what, med, p95, cpu in rows:
        ok = "yes" if p95 < TARGET_MS else "NO"
        print(f"  {through:<10} {label:<17} {what:<30} {med:>8.1f} {p95:>8.1f} {cpu:>8.1f}  {ok}")
    print(f"  load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (cores: {os.cpu_count()})")
    if not have_views:
        print("  (registry HTML pages not installed yet: selectors only)")
    print()
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PEAK RSS: this process {own_rss:.0f} MB; loads run from here {children_rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
