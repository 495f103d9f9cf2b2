"""Library search at a million resources, the whole request as the page and the API make it
(issue #20 bar): `/library/?q=…` and `/api/v1/library/resources?q=…` through Django's test
client as a signed-in teacher — results, facets and total — for 25 queries typed without
accents, each without a filter and with a grade, subject, type or licence filter. Prints
p50/p95 wall, CPU and database time per kind of request, and the load average.

`bench/library_search.py` times the same SQL in a standalone file; this one runs the app's
view, selectors, template and API over a real edudx database (its migrations, triggers and
indexes), on SQLite and on PostgreSQL.

    # a corpus in an edudx database (`migrate` + `demo --scale tiny` first): --load N adds N
    # resources through the ORM (~1 h per million on a busy machine); on SQLite --corpus fills
    # the database up to N from bench/library_search.py's corpus file by SQL, ~5 times faster
    EDUDX_VAR_DIR=/tmp/u1/lib .venv/bin/python bench/search_library_request.py --load 1000000 \\
        --corpus /tmp/edudx-bench/library_search.sqlite3
    # the requests, one database after the other ('-' = SQLite)
    .venv/bin/python bench/search_library_request.py --db-dir /tmp/u1/lib --db-dir /tmp/u1/pglib \\
        --database-url - --database-url postgresql://edudx:edudx@127.0.0.1:5432/edudx_u1lib --rounds 3

Bounded by --rounds; read-only except --load (which only adds resources and their grades).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent

# Each filter set the page's facet links and the API take (subject/grade/type/licence).
FILTERS: list[dict[str, str]] = [
    {},
    {"grade": "9"},
    {"subject": "toan"},
    {"subject": "toan", "grade": "9"},
    {"resource_type": "video"},
    {"licence": "CC0-1.0", "grade": "11"},
]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def load(rows: int, batch: int = 5_000) -> None:
    """Add `rows` resources shaped like bench/library_search.py's corpus (curriculum topics,
    resource kinds, 80 % published, a grade each, a Pareto use count) through the ORM's
    bulk_create, so every trigger of the schema (FTS5, facet table, search terms) runs."""
    from django.db import connection, transaction
    from django.utils import timezone
    from library_search import FILLER, LICENCES, PREFIXES, SERIES, STATES, TYPES

    from edudx.library import search
    from edudx.library.curriculum_topics import all_topics
    from edudx.library.models import Resource, ResourceGrade
    from edudx.registry.models import School

    school = School.objects.select_related("unit").order_by("pk").first()
    if school is None:
        raise SystemExit("no school: run `edudx demo --scale tiny` first")
    rng = random.Random(2025 + Resource.objects.count())
    topics = all_topics()
    # Folding is the loader's main cost: the pieces repeat, so each is folded once (the
    # joins are ASCII, which folding leaves alone).
    fold = functools.lru_cache(maxsize=None)(search.fold_title)
    start = Resource.objects.count()
    started = time.monotonic()
    now = timezone.now()
    done = 0
    while done < rows:
        n = min(batch, rows - done)
        objs, grades = [], []
        for _ in range(n):
            subject, grade, topic = rng.choice(topics)
            k = rng.randrange(len(PREFIXES))
            i = start + done + len(objs)
            if i % 3:
                title, key = f"{PREFIXES[k]}: {topic}", f"{fold(PREFIXES[k])}: {fold(topic)}"
            else:
                title = f"{topic} ({PREFIXES[k].lower()}, lớp {grade})"
                key = f"{fold(topic)} ({fold(PREFIXES[k])}, lop {grade})"
            if rng.random() < 0.3:
                tiet = rng.randint(1, 4)
                title, key = f"{title} – tiết {tiet}", f"{key} – tiet {tiet}"
            other = rng.choice(topics)[2]
            filler = rng.choices(FILLER, k=25)
            description = f"{PREFIXES[k]} môn học lớp {grade}, bài {topic}. Liên hệ: {other}. " + " ".join(
                filler
            )
            body = (
                f"{fold(PREFIXES[k])} mon hoc lop {grade}, bai {fold(topic)}. lien he: {fold(other)}. "
                + " ".join(fold(w) for w in filler)
                + f" {fold(topic)}"
            )
            state = rng.choice(STATES)
            objs.append(
                Resource(
                    title=title[:300],
                    description=description,
                    resource_type=TYPES[k],
                    subject=subject,
                    topic=topic[:300],
                    series=rng.choice(SERIES),
                    licence=rng.choice(LICENCES),
                    school_id=school.pk,
                    unit_path=school.unit.path,
                    state=state,
                    published_at=now - dt.timedelta(minutes=rows - i) if state == "published" else None,
                    search_title=key,
                    search_body=body,
                    use_count=int(rng.paretovariate(1.2)),
                )
            )
            grades.append(grade)
        with transaction.atomic():
            made = Resource.objects.bulk_create(objs, batch_size=1_000)
            ResourceGrade.objects.bulk_create(
                [ResourceGrade(resource_id=r.pk, grade=g) for r, g in zip(made, grades, strict=True)],
                batch_size=2_000,
            )
        done += n
        if done % 50_000 == 0 or done == rows:
            print(f"  {done:,} resources ({time.monotonic() - started:.0f}s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"loaded {rows:,} resources in {time.monotonic() - started:.0f}s on {connection.vendor}")


def load_from_corpus(rows: int, corpus: str) -> None:
    """SQLite only: copy resources from bench/library_search.py's corpus file (the same
    generator's titles, bodies and facets) until the database holds `rows` resources — one
    INSERT … SELECT, so only SQLite's own work runs (the triggers: FTS5 indexes, facet table)."""
    from django.db import connection

    from edudx.registry.models import School

    school = School.objects.select_related("unit").order_by("pk").first()
    if school is None:
        raise SystemExit("no school: run `edudx demo --scale tiny` first")
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), coalesce(max(id), 0) FROM library_resource")
        have, base = cur.fetchone()
        need = rows - have
        cur.execute("ATTACH DATABASE %s AS corpus", [corpus])
        for first in range(1, need + 1, 50_000):
            last = min(need, first + 49_999)
            cur.execute(
                "INSERT INTO library_resource (id, title, description, resource_type, subject, topic, outcome, "
                "series, language, licence, authors, url, unit_path, state, review_comment, takedown_reason, "
                "published_at, search_title, search_body, view_count, download_count, use_count, rating_sum, "
                "rating_count, created_at, updated_at, school_id) "
                "SELECT %s + id, title, search_body, resource_type, subject, '', '', series, 'vi', licence, '', '', "
                "%s, state, '', '', CASE WHEN state = 'published' THEN published_at || ' 08:00:00' END, "
                "search_title, search_body, 0, 0, use_count, 0, 0, datetime('now'), datetime('now'), %s "
                "FROM corpus.library_resource WHERE id BETWEEN %s AND %s ORDER BY id",
                [base, school.unit.path, school.pk, first, last],
            )
            cur.execute(
                "INSERT INTO library_resourcegrade (resource_id, grade) SELECT %s + resource_id, grade "
                "FROM corpus.library_resourcegrade WHERE resource_id BETWEEN %s AND %s",
                [base, first, last],
            )
            print(f"  {have + last:,} resources ({time.monotonic() - started:.0f}s)", flush=True)
        cur.execute("DETACH DATABASE corpus")
        cur.execute("ANALYZE")
    print(f"copied {need:,} resources in {time.monotonic() - started:.0f}s")


def child(rounds: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from library_search import QUERIES

    from edudx.library.models import Resource

    settings.ALLOWED_HOSTS = ["*"]
    published = Resource.objects.filter(state="published").count()
    user = get_user_model().objects.filter(memberships__role="teacher").order_by("pk").first()
    if user is None:
        raise SystemExit("no teacher in this database")
    client = Client()
    client.force_login(user)
    print(
        f"-- {connection.vendor} {settings.DATABASES['default']['NAME']}: {published:,} published resources"
    )
    kinds: dict[str, tuple[list[float], list[float], list[float]]] = {}
    totals: dict[str, list[str]] = {}

    def get(kind: str, url: str, params: dict[str, str]) -> None:
        spent = [0.0]

        def timed(execute, sql, p, many, context):
            t0 = time.perf_counter()
            try:
                return execute(sql, p, many, context)
            finally:
                spent[0] += time.perf_counter() - t0

        t, c = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed):
            r = client.get(url, params)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        if r.status_code != 200:
            raise SystemExit(f"{url} {params}: {r.status_code}")
        w, cp, db = kinds.setdefault(kind, ([], [], []))
        w.append(wall)
        cp.append(cpu)
        db.append(spent[0])
        if url.startswith("/api/"):
            body = r.json()
            totals.setdefault(kind, []).append(f"{body['total']}{'+' if body['capped'] else ''}")

    # warm-up: one pass over the queries (the OS page cache is what a running server has)
    for q in QUERIES:
        get("warm-up", "/library/", {"q": q})
    del kinds["warm-up"]
    load0 = os.getloadavg()
    for _ in range(rounds):
        for q in QUERIES:
            for f in FILTERS:
                label = "filtered" if f else "no filter"
                get(f"page, {label}", "/library/", {"q": q, **f})
                get(f"API, {label}", "/api/v1/library/resources", {"q": q, **f})
    load1 = os.getloadavg()
    print(f"   {'request':22} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'CPU p95':>8} {'DB p95':>7}")
    everything: list[float] = []
    for kind, (wall, cpu, db) in kinds.items():
        everything += wall
        print(
            f"   {kind:22} {len(wall):4d} {1000 * statistics.median(wall):7.1f} {1000 * p95(wall):7.1f} "
            f"{1000 * p95(cpu):8.1f} {1000 * p95(db):7.1f}"
        )
    capped = sum(t.endswith("+") for ts in totals.values() for t in ts)
    print(
        f"   all: p50 {1000 * statistics.median(everything):.1f} ms, p95 {1000 * p95(everything):.1f} ms; "
        f"API totals capped ('at least N') in {capped} of {sum(len(t) for t in totals.values())}; "
        f"load average {load0[0]:.2f} → {load1[0]:.2f} on {os.cpu_count()} cores"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--load", type=int, default=0, help="add this many resources to the database and stop")
    ap.add_argument(
        "--corpus",
        help="with --load N on SQLite: fill up to N resources from bench/library_search.py's corpus file",
    )
    ap.add_argument("--db-dir", action="append", default=[], help="EDUDX_VAR_DIR of a database (repeatable)")
    ap.add_argument("--database-url", action="append", default=[], help="per --db-dir, '-' for SQLite")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load:
        setup()
        if args.corpus:
            load_from_corpus(args.load, args.corpus)
        else:
            load(args.load)
        return
    if args.child:
        setup()
        child(args.rounds)
        return
    if not args.db_dir:
        ap.error("give --load N or at least one --db-dir")
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
