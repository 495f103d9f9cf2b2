"""The registry's name search at city scale (issue #20 item 4): the pupil list page as the
department officer (`chuyenvien`, 2.5 M pupils in scope) and a ward officer (`phuong`, one
ward) request it — common family + middle names, a full name, a typo, a MOET code — through
Django's test client in one process per database (the whole view: scope, page of 50 in the
stored name order, total, masking). Prints p50/p95 wall, CPU and the time spent in the
database's queries (wall, from Django's execute wrapper) per query and role, and the load
average before and after.

    # SQLite city (EDUDX_VAR_DIR of a `demo --scale city`) and a PostgreSQL city, one after the other
    .venv/bin/python bench/search_names.py --db-dir /tmp/t4/city \\
        --db-dir /tmp/t4/pgcity --database-url - --database-url postgresql://edudx:edudx@127.0.0.1:5432/edudx_t4

Read-only; bounded by --rounds (each query × role is timed that many times after one warm-up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("tran thi", "nguyen van", "nguyen", "nguyen thi lan", "le thi ngoc anh", "ngyuen van", "CODE")
ROLES = ("chuyenvien", "phuong")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def child(rounds: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from edudx.registry.models import Student

    settings.ALLOWED_HOSTS = ["*"]
    load0 = os.getloadavg()
    pupils = Student.objects.count() if connection.vendor == "postgresql" else None
    code = Student.objects.order_by("-id").values_list("moet_code", flat=True).first() or "0"
    print(
        f"-- {connection.vendor} {settings.DATABASES['default']['NAME']}"
        + (f", {pupils:,} pupils" if pupils else "")
    )
    print(
        f"   {'role':11} {'query':18} {'p50 ms':>7} {'p95 ms':>7} {'CPU p95':>8} {'DB p95':>7} {'total':>12}"
    )
    allw: list[float] = []
    for username in ROLES:
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        for q in QUERIES:
            text = code if q == "CODE" else q
            url = f"/registry/students/?q={text.replace(' ', '+')}"
            r = client.get(url)  # warm-up
            if r.status_code != 200:
                raise SystemExit(f"{username} {url}: {r.status_code}")
            body = r.content.decode()
            total = _total(body)
            wall, cpu, dbw = [], [], []
            for _ in range(rounds):
                spent = [0.0]

                def timed(execute, sql, params, many, context, spent=spent):
                    t0 = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        spent[0] += time.perf_counter() - t0

                t, c = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(timed):
                    r = client.get(url)
                wall.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                dbw.append(spent[0])
            allw.extend(wall)
            print(
                f"   {username:11} {q:18} {1000 * statistics.median(wall):7.1f} {1000 * p95(wall):7.1f} "
                f"{1000 * p95(cpu):8.1f} {1000 * p95(dbw):7.1f} {total:>12}"
            )
    load1 = os.getloadavg()
    print(
        f"   all: p50 {1000 * statistics.median(allw):.1f} ms, p95 {1000 * p95(allw):.1f} ms; "
        f"load average {load0[0]:.2f} → {load1[0]:.2f} on {os.cpu_count()} cores"
    )


def _total(body: str) -> str:
    import re

    m = re.search(r'data-testid="total">(.*?)</span>', body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", m.group(1)).strip()[:12] if m else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db-dir", action="append", default=[], help="EDUDX_VAR_DIR of a city demo (repeatable)")
    ap.add_argument("--database-url", action="append", default=[], help="per --db-dir, '-' for SQLite")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.rounds)
        return
    if not args.db_dir:
        ap.error("give at least one --db-dir")
    urls = args.database_url + ["-"] * (len(args.db_dir) - len(args.database_url))
    for db_dir, url in zip(args.db_dir, urls, strict=True):
        env = dict(os.environ, EDUDX_VAR_DIR=db_dir, EDUDX_SEARCH_RATES="100000/m")
        env.pop("DATABASE_URL", None)
        if url != "-":
            env["DATABASE_URL"] = url
        subprocess.run(
            [sys.executable, __file__, "--child", "--rounds", str(args.rounds)], env=env, check=True, cwd=ROOT
        )


if __name__ == "__main__":
    main()
