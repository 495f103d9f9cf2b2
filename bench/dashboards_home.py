"""Role home dashboards at city scale (issue #18 bars: the department's dashboard < 500 ms, a
principal's < 200 ms): the full HTTP render of home for a department officer and for a
principal, on a copy of the city database.

    cp /tmp/s9/city/edudx.sqlite3 /tmp/s9/city/secret_key /tmp/u4/city/
    EDUDX_VAR_DIR=/tmp/u4/city .venv/bin/edudx migrate
    .venv/bin/python bench/dashboards_home.py --var-dir /tmp/u4/city [--runs 10]

Never point it at a database someone else measures: it adds two users (a department officer
and a principal) if the copy has none. The first render of each fills the maintained figures
(core.aggregates: a full count once, as after a deploy); the timed renders read them. Prints
median and worst per role, which panels had data, and the load average. Loopback only (Django's
test client), bounded by --runs.
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
    p = argparse.ArgumentParser()
    p.add_argument("--var-dir", default="/tmp/u4/city")
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    os.environ["EDUDX_VAR_DIR"] = args.var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("EDUDX_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from edudx.accounts import services as accounts
    from edudx.accounts.models import Membership, User
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.orgs.models import OrgUnit
    from edudx.registry.models import School
    from edudx.web import dashboards

    setup_test_environment()
    system = Actor.system(source="bench")

    def user_for(role: str, unit: OrgUnit, name: str) -> User:
        m = Membership.objects.filter(role=role, unit=unit).select_related("user").first()
        if m is not None:
            return m.user
        u = accounts.user_create(
            actor=system, username=name, full_name=name, password="Bench-dashboards-2026!"
        )
        accounts.membership_grant(actor=system, user=u, role=role, unit=unit)
        return u

    dept = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    school = School.objects.filter(level="THCS").select_related("unit").order_by("id").first()
    assert dept is not None and school is not None, "the copy holds no city"
    who = {
        "department officer": user_for(Role.DEPT_OFFICER, dept, "bench_dept_officer"),
        "principal": user_for(Role.SCHOOL_ADMIN, school.unit, "bench_principal"),
    }
    print(f"schools: {School.objects.count():,}  load average before: {os.getloadavg()}")
    for role, user in who.items():
        c = Client()
        c.force_login(user)
        t0 = time.perf_counter()
        r = c.get("/")
        first = time.perf_counter() - t0
        assert r.status_code == 200, r.status_code
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            r = c.get("/")
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200
        from edudx.accounts.services import scope_for_user

        board = dashboards.build(scope_for_user(user))
        keys = ("dx", "readiness", "results", "equity", "learning", "comparison", "school")
        panels = sorted(k for k in keys if board.get(k))
        print(
            f"{role:20s} home: first {first * 1000:8.0f} ms (fills figures) · median "
            f"{statistics.median(times) * 1000:6.0f} ms · worst {max(times) * 1000:6.0f} ms over {args.runs}"
            f" · panels with data: {', '.join(panels) or 'none'}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
