"""OneRoster 1.2 CSV bulk zip of the whole city for one partner app approved at every school
(issue #17 bar: a full city export, 2.5 M users, streamed with flat memory), in process through
Django's test client (no network), on a copy of the city database.

    mkdir -p /tmp/u7/city && cp /tmp/s9/city/edudx.sqlite3 /tmp/s9/city/secret_key /tmp/u7/city/
    nice -n 10 .venv/bin/python bench/partners_csv.py --var-dir /tmp/u7/city --max-seconds 900

Migrates the partners, policies and oauth2_provider apps on the copy, approves an app (public
task, roster + identifiers) at every school, takes a client-credentials token and reads the
streamed bulk zip chunk by chunk, counting bytes and CSV lines per file (the zip is not kept).
Samples the process's resident memory (VmRSS) every 2 s; prints RSS at start, its maximum and
its last value, the rate in users per second, and the load average. `--tracemalloc` also
prints Python's allocation peak (slower). `--max-seconds` stops early: the figures are then for
the part streamed.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def setup(var_dir: str) -> None:
    os.environ["EDUDX_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    for app in ("oauth2_provider", "policies", "partners"):
        call_command("migrate", app, verbosity=0)


def partner(name: str = "Đo CSV toàn thành phố", schools: int = 0) -> str:
    """An app approved (public task) at every school — or at the first `schools` schools by id,
    under its own name — ; returns a bearer token."""
    from django.test import Client

    from edudx.core.actor import Actor
    from edudx.partners import services
    from edudx.partners.models import Company, PartnerApp, SchoolApp
    from edudx.partners.profiles import REVIEW_KEYS
    from edudx.partners.schemas import AppIn, CompanyIn, ReviewIn
    from edudx.registry.models import School

    a = Actor.system(source="bench")
    company = Company.objects.filter(name=name).first() or services.company_create(
        actor=a, data=CompanyIn(name=name)
    )
    app = PartnerApp.objects.filter(company=company).first()
    if app is None:
        app = services.app_create(
            actor=a, company=company, data=AppIn(name=name, kind="lms", categories=["roster", "identifiers"])
        )
        services.app_review(actor=a, app=app, data=ReviewIn(items=dict.fromkeys(REVIEW_KEYS, (True, ""))))
        services.app_move(actor=a, app=app, move="submit")
        app = services.app_move(actor=a, app=app, move="approve")
    done = set(SchoolApp.objects.filter(app=app).values_list("school_id", flat=True))
    wanted = School.objects.order_by("pk")
    if schools:
        wanted = wanted.filter(
            pk__in=list(School.objects.order_by("pk").values_list("pk", flat=True)[:schools])
        )
    for school in wanted.exclude(pk__in=done).select_related("unit"):
        use = services.use_request(actor=a, app=app, school=school, legal_basis="public_task")
        services.use_decide(actor=a, use=use, approve=True)
    client, secret = services.client_create(
        actor=a, app=app, name="bench", scopes=list(services.known_scopes())
    )
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    r = Client(HTTP_HOST="127.0.0.1").post(
        "/partners/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert r.status_code == 200, r.content
    return r.json()["access_token"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--var-dir", default="/tmp/u7/city")
    ap.add_argument("--max-seconds", type=float, default=900)
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--schools", type=int, default=0, help="approve the first N schools only (0: all)")
    ap.add_argument("--profile", action="store_true", help="cProfile the stream; print the top 25")
    args = ap.parse_args()
    setup(args.var_dir)
    from django.conf import settings
    from django.test import Client

    from edudx.partners.models import AccessLog
    from edudx.registry.models import Staff, Student

    settings.EDUDX_PARTNER_RATE = "1000000/m"
    token = partner(f"Đo CSV {args.schools} trường", args.schools) if args.schools else partner()
    pupils, staff = Student.objects.count(), Staff.objects.count()
    print(f"city copy: {pupils} pupils, {staff} staff; load average {os.getloadavg()}", flush=True)
    if args.tracemalloc:
        tracemalloc.start()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start_rss = rss_mb()
    started = time.perf_counter()
    response = Client(HTTP_HOST="127.0.0.1").get(
        "/partners/oneroster/csv/v1p2/bulk.zip", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200 and response.streaming, response.status_code
    total, chunks, peak_rss, samples, next_sample, stopped = 0, 0, start_rss, [], 0.0, False
    crc = 0
    for chunk in response.streaming_content:
        total += len(chunk)
        chunks += 1
        crc = zlib.crc32(chunk, crc)
        now = time.perf_counter() - started
        if now >= next_sample:
            r = rss_mb()
            peak_rss = max(peak_rss, r)
            samples.append((round(now), round(r), total // (1 << 20)))
            next_sample = now + 2
        if now > args.max_seconds:
            stopped = True
            break
    response.close()
    wall = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    log = AccessLog.objects.filter(endpoint__endswith="bulk.zip").order_by("-id").first()
    records = 0
    if log is not None and not stopped:
        records = sum(
            AccessLog.objects.filter(at=log.at, endpoint=log.endpoint).values_list("records", flat=True)
        )
    print(
        f"bulk zip: {total / (1 << 20):.1f} MiB in {chunks} chunks, {wall:.1f} s"
        f"{' (stopped at --max-seconds)' if stopped else ''}; users + enrollments written {records}; "
        f"RSS start {start_rss:.0f} MiB, max {peak_rss:.0f} MiB, end {rss_mb():.0f} MiB"
    )
    if args.tracemalloc:
        current, peak = tracemalloc.get_traced_memory()
        print(f"tracemalloc: current {current / (1 << 20):.1f} MiB, peak {peak / (1 << 20):.1f} MiB")
    step = max(1, len(samples) // 12)
    print("samples (s, RSS MiB, MiB streamed):", samples[::step] + samples[-1:])
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
