"""OneRoster `users` per page for one partner app approved at a large school (issue #17 bar:
< 200 ms per page for a 2,000-pupil school), in process through Django's test client (no
network), on a copy of the city database.

    cp /tmp/s9/city/edudx.sqlite3 /tmp/s9/city/secret_key /tmp/t7/city/
    .venv/bin/python bench/partners_oneroster.py --var-dir /tmp/t7/city --pages 20

Migrates only the partners, policies and oauth2_provider apps on the copy, approves an app at
the school with the most pupils (public task; and a second run under consent with every pupil
consented), takes a client-credentials token and times pages of `users` (limit 100) at offsets
spread over the school, the last page, one pupil by sourcedId, and a delta page
(dateLastModified filter). Prints wall and CPU ms per page (median, max) and the load average.
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


def partner(basis: str) -> tuple[str, int, int]:
    """An approved app at the largest school under `basis`; returns (token, school id, pupils)."""
    from django.db.models import Count
    from django.test import Client

    from edudx.core.actor import Actor
    from edudx.partners import services
    from edudx.partners.models import Company, Consent, PartnerApp, SchoolApp
    from edudx.partners.profiles import REVIEW_KEYS
    from edudx.partners.schemas import AppIn, CompanyIn, ReviewIn
    from edudx.registry.models import Student

    a = Actor.system(source="bench")
    used = (
        SchoolApp.objects.filter(app__company__name__startswith="Bench ")
        .values_list("school_id", flat=True)
        .first()
    )
    if used is None:  # the largest school: one grouped count over every pupil, once per copy
        top = Student.objects.values("school_id").annotate(n=Count("id")).order_by("-n").first()
        assert top is not None, "the copy holds no pupils"
        used = top["school_id"]
    school_id = used
    pupils = Student.objects.filter(school_id=school_id).count()
    name = f"Bench {basis}"
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
    if not SchoolApp.objects.filter(app=app, school_id=school_id).exists():
        from edudx.core.scope import Scope
        from edudx.registry import selectors as registry

        school = registry.school_get(scope=Scope.system(), pk=school_id)
        use = services.use_request(actor=a, app=app, school=school, legal_basis=basis)
        services.use_decide(actor=a, use=use, approve=True)
    if basis == "consent" and not Consent.objects.filter(app=app).exists():
        from django.utils import timezone

        now = timezone.now()
        ids = list(Student.objects.filter(school_id=school_id).values_list("pk", flat=True))
        Consent.objects.bulk_create(
            [
                Consent(app=app, student_id=i, party=p, given=True, changed_at=now)
                for i in ids
                for p in ("parent", "pupil")
            ]
        )
    client, secret = services.client_create(
        actor=a, app=app, name="bench", scopes=list(services.known_scopes())
    )
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    r = Client(HTTP_HOST="127.0.0.1").post(
        "/partners/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert r.status_code == 200, r.content
    return r.json()["access_token"], school_id, pupils


def timed(client, url: str, token: str) -> tuple[float, float, int]:
    t0, c0 = time.perf_counter(), time.process_time()
    r = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    assert r.status_code == 200, (url, r.status_code, r.content[:300])
    return wall, cpu, len(r.content)


def run(basis: str, pages: int) -> None:
    from django.conf import settings
    from django.test import Client

    settings.EDUDX_PARTNER_RATE = "1000000/m"  # the bench measures pages, not the rate limit
    token, school_id, pupils = partner(basis)
    base = "/partners/ims/oneroster/rostering/v1p2/"
    c = Client(HTTP_HOST="127.0.0.1")
    timed(c, f"{base}users?limit=100", token)  # warm
    total = int(c.get(f"{base}users?limit=1", HTTP_AUTHORIZATION=f"Bearer {token}")["X-Total-Count"])
    step = max(1, total // pages)
    rows = [timed(c, f"{base}users?limit=100&offset={o}", token) for o in range(0, total, step)[:pages]]
    last = timed(c, f"{base}users?limit=100&offset={max(0, total - 100)}", token)
    delta = timed(c, f"{base}users?limit=100&filter=dateLastModified%3E%272026-01-01T00:00:00Z%27", token)
    walls, cpus = [r[0] for r in rows], [r[1] for r in rows]
    # Pages sorted by a name (sort=givenName: the stored Vietnamese key; familyName: the first
    # word in SQL, then that key), five offsets each.
    named = [
        timed(c, f"{base}users?limit=100&offset={o}&sort={key}", token)[0]
        for key in ("givenName", "familyName")
        for o in range(0, total, step)[:5]
    ]
    print(
        f"{basis:12s} school {school_id}: {pupils} pupils, {total} users; "
        f"users page (limit 100) wall median {statistics.median(walls):.1f} ms p95 {p95(walls):.1f} ms "
        f"max {max(walls):.1f} ms, "
        f"CPU median {statistics.median(cpus):.1f} ms over {len(rows)} pages; last page {last[0]:.1f} ms; "
        f"delta page {delta[0]:.1f} ms; sorted by givenName/familyName median "
        f"{statistics.median(named):.1f} ms max {max(named):.1f} ms over {len(named)} pages; "
        f"load average {os.getloadavg()}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--var-dir", default="/tmp/t7/city")
    ap.add_argument("--pages", type=int, default=20)
    args = ap.parse_args()
    setup(args.var_dir)
    started = time.perf_counter()
    for basis in ("public_task", "consent"):
        run(basis, args.pages)
    print(f"total {time.perf_counter() - started:.1f} s; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
