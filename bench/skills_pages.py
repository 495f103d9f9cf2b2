"""Skills bar: the department's coverage and heatmap pages < 500 ms at city scale.

    .venv/bin/python bench/skills_pages.py [--db-dir /tmp/t6/city] [--runs 7]

Needs a migrated city database in --db-dir (3,500 schools, 100,000 staff, 2.5 M pupils). The
first run puts the skills demo data in it (certificates of 20,000 staff and 60,000 pupils, a
self-assessment campaign of 20,000 staff) and computes the maintained figures (timed: that is
the background refresh, not a page). Then, as a department officer (the whole city), renders
through Django's test client: coverage (city → wards), coverage of one ward (its schools), the
CSV export, the heatmap (city, one ward), the training plan's gaps (city, one ward) and the
pupils' level counts. Prints median and worst; no assertion.
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
    ap.add_argument("--db-dir", default="/tmp/t6/city")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-refresh", action="store_true", help="keep the stored figures (a second run)")
    args = ap.parse_args()
    os.environ["EDUDX_VAR_DIR"] = args.db_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    from edudx.accounts import services as accounts
    from edudx.accounts.models import User
    from edudx.core import aggregates
    from edudx.core.actor import Actor
    from edudx.core.demo import DemoContext
    from edudx.orgs import selectors as org_selectors
    from edudx.skills import demo
    from edudx.skills.models import Campaign
    from edudx.skills.services.common import COVERAGE, HEATMAP

    a = Actor.system(source="bench")
    if not Campaign.objects.exists():
        t0 = time.perf_counter()
        demo.build(DemoContext(scale="city", seed=16))
        print(f"skills demo data: {time.perf_counter() - t0:.1f} s")
    for name in () if args.no_refresh else (COVERAGE, HEATMAP):
        t0 = time.perf_counter()
        n = aggregates.refresh(name)
        print(f"refresh {name}: {n:,} schools in {time.perf_counter() - t0:.1f} s (background job)")
    user = User.objects.filter(username="bench_skills").first()
    if user is None:
        user = accounts.user_create(actor=a, username="bench_skills", full_name="Bench Skills", password=None)
        root = org_selectors.root_units().order_by("path").first()
        accounts.membership_grant(actor=a, user=user, role="dept_officer", unit=root)
    ward = org_selectors.root_units().order_by("path").first().children.order_by("pk").first()
    campaign = Campaign.objects.order_by("-id").first()
    client = Client()
    client.force_login(user)
    pages = {
        "coverage city (staff, basic standard)": "/skills/?measure=std:basic&group=staff",
        "coverage city (pupils, IC3 GS6)": "/skills/?measure=IC3_GS6&group=pupils",
        "coverage one ward (schools)": f"/skills/?measure=std:basic&group=staff&area={ward.pk}",
        "coverage export CSV": "/skills/?measure=std:basic&format=csv",
        "heatmap city (wards)": f"/skills/heatmap/?campaign={campaign.pk}",
        "heatmap city, teachers": f"/skills/heatmap/?campaign={campaign.pk}&position=giao_vien",
        "heatmap one ward (schools)": f"/skills/heatmap/?campaign={campaign.pk}&area={ward.pk}",
        "training plan city (wards)": f"/skills/training/?campaign={campaign.pk}",
        "training plan one ward (schools)": f"/skills/training/?campaign={campaign.pk}&area={ward.pk}",
        "pupils' levels city (counts)": "/skills/pupils/",
    }
    for label, url in pages.items():
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            r = client.get(url)
            if r.streaming:
                b"".join(r.streaming_content)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        print(
            f"{label:42s} median {statistics.median(times):6.0f} ms  worst {max(times):6.0f} ms  "
            f"CPU median {statistics.median(cpu):5.0f} ms"
        )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
