"""Export every pupil of the city (2.5 M) as a department officer: the list's CSV as the browser
gets it (streamed by the view, memory flat) and the Excel file as the background job the worker
runs (xlsxwriter in constant memory). Prints rows/s, wall time, RSS as it goes and at its peak
(resource.getrusage), and the load average.

The database is the city demo (registry only), built once into --var and reused:

    EDUDX_VAR_DIR=/tmp/s4/city-var .venv/bin/edudx migrate --skip-checks
    EDUDX_VAR_DIR=/tmp/s4/city-var .venv/bin/edudx demo --scale city --registry-only
    .venv/bin/python bench/export_pupils.py --var /tmp/s4/city-var [--build] [--max-seconds 900]

`--build` runs those two commands when the directory holds no database. Each part stops at
--max-seconds (rows done so far are printed): the run is bounded. Files go to --var/exports.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TimeUp(Exception):
    """Past --max-seconds (an alarm): the export in hand stops there."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def build(var: Path) -> None:
    env = {**os.environ, "EDUDX_VAR_DIR": str(var)}
    edudx = str(ROOT / ".venv/bin/edudx")
    started = time.perf_counter()
    subprocess.run([edudx, "migrate", "--skip-checks"], env=env, check=True)
    subprocess.run([edudx, "demo", "--scale", "city", "--registry-only"], env=env, check=True)
    print(f"built the city demo in {time.perf_counter() - started:.0f} s (not timed below)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--var", type=Path, default=Path("/tmp/s4/city-var"))
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=900)
    ap.add_argument("--skip-csv", action="store_true")
    ap.add_argument("--skip-xlsx", action="store_true")
    args = ap.parse_args()
    if not (args.var / "edudx.sqlite3").exists() and "DATABASE_URL" not in os.environ:
        if not args.build:
            print(
                f"no database in {args.var}: pass --build (about ten minutes) or build it as the docstring says"
            )
            return 2
        build(args.var)
    os.environ["EDUDX_VAR_DIR"] = str(args.var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test import RequestFactory

    from edudx.accounts import services as accounts
    from edudx.accounts.models import Membership
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.exports import services
    from edudx.exports.models import ExportJob
    from edudx.orgs.models import OrgUnit
    from edudx.registry.models import Student
    from edudx.registry.views.students import student_export

    print(
        f"database: {connection.vendor}; pupils: {Student.objects.count():,}; RSS at start {rss_mb():,.0f} MB"
    )
    user = get_user_model().objects.filter(username="bench_export").first()
    if user is None:
        root = OrgUnit.objects.filter(parent__isnull=True).order_by("id").first()
        system = Actor.system(source="bench")
        user = accounts.user_create(
            actor=system, username="bench_export", full_name="Bench", password="Tr4m-xuat-du-lieu-9"
        )
        accounts.membership_grant(actor=system, user=user, role=Role.DEPT_OFFICER, unit=root)
    assert Membership.objects.filter(user=user).exists()
    scope = accounts.scope_for_user(user)

    if not args.skip_csv:
        request = RequestFactory().get("/registry/students/export/")
        request.user, request.scope = user, scope
        started = time.perf_counter()
        response = student_export(request)
        n = size = 0
        high = rss_mb()
        try:
            for chunk in response.streaming_content:
                n += 1
                size += len(chunk)
                if n % 250_000 == 0:
                    high = max(high, rss_mb())
                    elapsed = time.perf_counter() - started
                    print(f"  csv … {n - 1:,} rows, {elapsed:.0f} s, RSS {rss_mb():,.0f} MB", flush=True)
                    if elapsed > args.max_seconds:
                        raise TimeUp
        except TimeUp:
            print(f"  csv stopped at --max-seconds {args.max_seconds:.0f}")
        elapsed = time.perf_counter() - started
        rows = n - 1
        print(
            f"CSV (streamed by the view): {rows:,} rows, {size / 1e6:,.0f} MB in {elapsed:.1f} s "
            f"({rows / elapsed:,.0f} rows/s); RSS at most {high:,.0f} MB while streaming; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )

    if not args.skip_xlsx:
        ExportJob.objects.filter(owner=user).delete()
        job = ExportJob.objects.create(owner=user, exporter="registry.students", format="xlsx")
        started = time.perf_counter()
        high = [rss_mb()]
        stop = threading.Event()

        def watch() -> None:  # RSS of this process and the job's progress row, every 15 s
            while not stop.wait(15):
                high[0] = max(high[0], rss_mb())
                done = ExportJob.objects.values_list("done", flat=True).get(pk=job.pk)
                print(
                    f"  xlsx … {done:,} rows, {time.perf_counter() - started:.0f} s, RSS {rss_mb():,.0f} MB"
                )
            connections.close_all()

        def time_up(*_: object) -> None:
            raise TimeUp(f"stopped at --max-seconds {args.max_seconds:.0f}")

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        signal.signal(signal.SIGALRM, time_up)
        signal.setitimer(signal.ITIMER_REAL, args.max_seconds)
        try:
            job = services.job_run(job_id=job.pk)  # what the worker runs (exports.tasks.run_export)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            stop.set()
            watcher.join()
        elapsed = time.perf_counter() - started
        job.refresh_from_db()
        high[0] = max(high[0], rss_mb())
        print(
            f"XLSX (background job, state {job.state}{' ' + job.failure if job.failure else ''}): {job.done:,} rows, "
            f"{job.size / 1e6:,.0f} MB in {elapsed:.1f} s ({job.done / elapsed:,.0f} rows/s); RSS at most "
            f"{high[0]:,.0f} MB while writing; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    print(f"peak RSS of the process (getrusage): {peak_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
