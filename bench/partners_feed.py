"""The change feed after 100,000 changes (issue #17 bar: < 1 s per page), in process through
Django's test client (no network), on a copy of the city database.

    mkdir -p /tmp/u7/city && cp /tmp/s9/city/edudx.sqlite3 /tmp/s9/city/secret_key /tmp/u7/city/
    nice -n 10 .venv/bin/python bench/partners_feed.py --var-dir /tmp/u7/city --changes 100000

Approves an app (public task) at the largest schools until they hold `--changes` pupils, then
changes that many pupils with one UPDATE (the triggers of partners.changes append one change row
each; the copy only, never the original), moves 1,000 of them to a school that did not approve
the app (deletions for the app), and times feed pages of `users` (limit 100 and the maximum) from
the start, the middle and the end of those changes. Prints wall and CPU ms per page (median,
max) and the load average.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of the pages' times."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]


sys.path.insert(0, str(ROOT))


def setup(var_dir: str) -> None:
    os.environ["EDUDX_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    for app in ("oauth2_provider", "policies", "partners"):
        call_command("migrate", app, verbosity=0)


def partner(wanted: int, name: str = "Đo luồng thay đổi") -> tuple[str, list[int]]:
    from django.db.models import Count
    from django.test import Client

    from edudx.core.actor import Actor
    from edudx.partners import services
    from edudx.partners.models import Company, PartnerApp, SchoolApp
    from edudx.partners.profiles import REVIEW_KEYS
    from edudx.partners.schemas import AppIn, CompanyIn, ReviewIn
    from edudx.registry.models import School, Student

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
    schools: list[int] = list(SchoolApp.objects.filter(app=app).values_list("school_id", flat=True))
    if not schools:
        held = 0
        for row in Student.objects.values("school_id").annotate(n=Count("id")).order_by("-n"):
            if held >= wanted + 2000:
                break
            school = School.objects.select_related("unit").get(pk=row["school_id"])
            use = services.use_request(actor=a, app=app, school=school, legal_basis="public_task")
            services.use_decide(actor=a, use=use, approve=True)
            schools.append(school.pk)
            held += row["n"]
    client, secret = services.client_create(
        actor=a, app=app, name="bench", scopes=list(services.known_scopes())
    )
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    r = Client(HTTP_HOST="127.0.0.1").post(
        "/partners/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert r.status_code == 200, r.content
    return r.json()["access_token"], schools


def timed(client, url: str, token: str) -> tuple[float, float, dict]:
    t0, c0 = time.perf_counter(), time.process_time()
    r = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    assert r.status_code == 200, (url, r.status_code, r.content[:300])
    return wall, cpu, r.json()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--var-dir", default="/tmp/u7/city")
    ap.add_argument("--changes", type=int, default=100_000)
    ap.add_argument("--pages", type=int, default=10)
    args = ap.parse_args()
    setup(args.var_dir)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from edudx.partners.models import Change
    from edudx.partners.oneroster.feed import latest_version
    from edudx.registry.models import School, Student

    settings.EDUDX_PARTNER_RATE = "1000000/m"
    token, schools = partner(args.changes)
    start = latest_version()
    ids = list(
        Student.objects.filter(school_id__in=schools)
        .order_by("pk")
        .values_list("pk", flat=True)[: args.changes]
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for i in range(0, len(ids), 5000):
            part = ids[i : i + 5000]
            cur.execute(
                f"UPDATE registry_student SET updated_at = %s WHERE id IN ({','.join(['%s'] * len(part))})",  # noqa: S608
                [time.strftime("%Y-%m-%d %H:%M:%S"), *part],
            )
        outside = School.objects.exclude(pk__in=schools).values_list("pk", flat=True).first()
        moved = ids[::100][:1000]
        cur.execute(
            f"UPDATE registry_student SET school_id = %s WHERE id IN ({','.join(['%s'] * len(moved))})",  # noqa: S608
            [outside, *moved],
        )
    made = Change.objects.filter(id__gt=start).count()
    print(
        f"{len(schools)} schools approved; {made} change rows written in {time.perf_counter() - t0:.1f} s "
        f"({len(ids)} pupils changed, {len(moved)} moved out); load average {os.getloadavg()}",
        flush=True,
    )
    c = Client(HTTP_HOST="127.0.0.1")
    end = latest_version()
    for limit in (100, settings.EDUDX_PARTNER_MAX_LIMIT):
        timed(c, f"/partners/feed/v1/users?after={start}&limit={limit}", token)  # warm
        walls, cpus, deleted = [], [], 0
        for k in range(args.pages):
            after = start + (end - start) * k // args.pages
            wall, cpu, body = timed(c, f"/partners/feed/v1/users?after={after}&limit={limit}", token)
            walls.append(wall)
            cpus.append(cpu)
            deleted += sum(1 for ch in body["changes"] if ch["status"] == "tobedeleted")
        print(
            f"feed users limit {limit}: wall median {statistics.median(walls):.1f} ms p95 {p95(walls):.1f} ms "
            f"max {max(walls):.1f} ms, "
            f"CPU median {statistics.median(cpus):.1f} ms over {len(walls)} pages from the start to the end "
            f"of {made} changes ({deleted} deletions seen); load average {os.getloadavg()}",
            flush=True,
        )
    wall, _cpu, body = timed(c, f"/partners/feed/v1/users?after={end}", token)
    print(f"empty page at the end: {wall:.1f} ms ({len(body['changes'])} changes)")


if __name__ == "__main__":
    main()
