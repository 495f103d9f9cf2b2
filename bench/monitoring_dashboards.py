"""Monitoring bar: dashboards over 3,500 schools render in < 500 ms.

    .venv/bin/python bench/monitoring_dashboards.py [--db-dir /tmp/bench-monitoring] [--schools 3500]

Builds (once) a synthetic city in its own SQLite database: 168 wards, 16 clusters, 3,500
schools (bulk SQL), last year's published campaign and this year's campaign in progress
(assessments, one entry per criterion, group results — bulk, through the demo builder).
Then, as a department officer (whole city) and a ward officer, times the full HTTP render of
the campaign dashboard (three breakdowns), the campaign page, trends, and the XLSX export.
Prints median and worst of several runs; no assertion.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_dir: Path) -> None:
    os.environ["EDUDX_VAR_DIR"] = str(db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def build_city(n_schools: int) -> None:
    from django.db import connection, transaction

    from edudx.core.actor import Actor
    from edudx.orgs import services as orgs

    a = Actor.system(source="bench")
    now = "2026-01-01 00:00:00"
    with transaction.atomic():
        dept = orgs.unit_create(actor=a, code="SGD", name="Sở GD-ĐT", kind="department", parent=None)
        wards = [
            orgs.unit_create(actor=a, code=f"W{w:03d}", name=f"Phường {w + 1}", kind="ward", parent=dept)
            for w in range(168)
        ]
        cur = connection.cursor()
        cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orgs_orgunit")
        next_id = cur.fetchone()[0]
        levels = ["MN"] * 12 + ["TH"] * 9 + ["THCS"] * 6 + ["THPT"] * 3
        owners = ["cong_lap"] * 8 + ["tu_thuc"] * 2
        units, schools = [], []
        for s in range(n_schools):
            ward = wards[s % len(wards)]
            uid = next_id + s
            units.append(
                (
                    uid,
                    f"S{s:05d}",
                    f"Trường {s}",
                    "school",
                    ward.pk,
                    ward.path + str(uid).zfill(7),
                    ward.depth + 1,
                    1,
                    now,
                    now,
                )
            )
            schools.append(
                (
                    s + 1,
                    uid,
                    f"79{s:06d}",
                    levels[s % len(levels)],
                    owners[s % len(owners)],
                    "",
                    "",
                    "",
                    f"truong {s}",
                    now,
                    now,
                )
            )
        cur.executemany(
            "INSERT INTO orgs_orgunit (id, code, name, kind, parent_id, path, depth, is_active, created_at,"
            " updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            units,
        )
        cur.executemany(
            "INSERT INTO registry_school (id, unit_id, moet_code, level, ownership, address, phone, email,"
            " name_key, created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            schools,
        )
        for k in range(16):
            g = orgs.grouping_create(
                actor=a, code=f"CUM{k + 1}", name=f"Cụm {k + 1}", kind="cluster", owner=dept
            )
            cur.executemany(
                "INSERT INTO orgs_groupingmember (grouping_id, unit_id, added_at) VALUES (%s,%s,%s)",
                [(g.pk, next_id + s, now) for s in range(k, n_schools, 16)],
            )


def build_monitoring() -> None:
    from django.db import transaction

    from edudx.core.actor import Actor
    from edudx.monitoring import demo, services
    from edudx.monitoring.models import Assessment, Campaign, Framework
    from edudx.orgs.models import OrgUnit

    a = Actor.system(source="bench")
    rng = random.Random(11)
    rows = demo.school_rows(a)
    dept = OrgUnit.objects.get(code="SGD")
    fw = Framework.objects.get(code="4725", year=2025)
    skill = {r.pk: demo.maturity(rng, r) for r in rows}
    at = dt.datetime(2025, 6, 18, 3, 0, tzinfo=dt.UTC)
    with transaction.atomic():
        last = services.campaign_create(
            actor=a, framework=fw, owner=dept, name="CĐS 2024-2025", school_year="2024-2025"
        )
        Campaign.objects.filter(pk=last.pk).update(state="published")
        demo.bulk_build(
            campaign=last,
            rows=rows,
            skill=skill,
            rng=rng,
            status_of=lambda r: Assessment.Status.PUBLISHED,
            at=at,
        )
        fw2 = services.framework_clone(actor=a, framework=fw, year=2026)
        cur = services.campaign_create(
            actor=a, framework=fw2, owner=dept, name="CĐS 2025-2026", school_year="2025-2026"
        )
        Campaign.objects.filter(pk=cur.pk).update(state="open")
        skill = {k: min(0.99, v + rng.uniform(-0.02, 0.09)) for k, v in skill.items()}
        demo.bulk_build(
            campaign=cur,
            rows=rows,
            skill=skill,
            rng=rng,
            status_of=lambda r: demo._pick(rng, demo.IN_PROGRESS_MIX),
            at=at + dt.timedelta(days=270),
        )


def users():
    from edudx.accounts import services as accounts
    from edudx.accounts.models import User
    from edudx.core.actor import Actor
    from edudx.orgs.models import OrgUnit

    a = Actor.system(source="bench")
    out = {}
    for name, role, unit in (
        ("bench_officer", "dept_officer", "SGD"),
        ("bench_ward", "ward_officer", "W000"),
    ):
        u = User.objects.filter(username=name).first()
        if u is None:
            u = accounts.user_create(actor=a, username=name, full_name=name, password="Bench-2025-xyz!")
            accounts.membership_grant(actor=a, user=u, role=role, unit=OrgUnit.objects.get(code=unit))
        out[role] = u
    return out


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm caches (templates, translations)
    times = []
    status = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        if getattr(r, "streaming", False):
            b"".join(r.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
        status = r.status_code
    return statistics.median(times), max(times), status


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-dir", default="/tmp/bench-monitoring")
    ap.add_argument("--schools", type=int, default=3500)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    db_dir = Path(args.db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)
    setup_django(db_dir)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from edudx.monitoring.models import Assessment, Campaign, Entry
    from edudx.registry.models import School

    if School.objects.count() < args.schools:
        t0 = time.perf_counter()
        build_city(args.schools)
        print(f"city built: {School.objects.count():,} schools in {time.perf_counter() - t0:.1f}s")
    if not Campaign.objects.exists():
        t0 = time.perf_counter()
        build_monitoring()
        print(
            f"assessments built: {Assessment.objects.count():,} assessments, {Entry.objects.count():,} entries "
            f"in {time.perf_counter() - t0:.1f}s"
        )
    people = users()
    current = Campaign.objects.get(school_year="2025-2026")
    last = Campaign.objects.get(school_year="2024-2025")
    print(
        f"database: {connection.vendor}; schools {School.objects.count():,}; "
        f"assessments {Assessment.objects.count():,}; entries {Entry.objects.count():,}"
    )
    print(f"{'who':<13} {'page':<42} {'median ms':>10} {'worst ms':>9} {'status':>6}")
    for role, user in people.items():
        c = Client()
        c.force_login(user)
        pages = [
            ("dashboard (by unit)", f"/monitoring/campaigns/{current.pk}/dashboard/"),
            ("dashboard (by school level)", f"/monitoring/campaigns/{current.pk}/dashboard/?by=level"),
            ("dashboard (by ownership)", f"/monitoring/campaigns/{current.pk}/dashboard/?by=ownership"),
            ("dashboard, published campaign", f"/monitoring/campaigns/{last.pk}/dashboard/"),
            ("campaign page (progress + first 50)", f"/monitoring/campaigns/{current.pk}/"),
            ("year-over-year trends", "/monitoring/trends/"),
            ("campaigns list", "/monitoring/"),
            ("XLSX summary export", f"/monitoring/campaigns/{current.pk}/export.xlsx"),
        ]
        for label, url in pages:
            med, worst, status = timed(c, url, args.runs if "XLSX" not in label else 3)
            print(f"{role:<13} {label:<42} {med:>10.0f} {worst:>9.0f} {status:>6}")


if __name__ == "__main__":
    main()
