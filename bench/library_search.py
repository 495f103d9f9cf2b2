"""Library search at 1,000,000 resources on SQLite FTS5.

Generates a corpus in a separate SQLite file (default /tmp/edudx-bench/library_search.sqlite3,
reused when present, upgraded in place to the current index layout) with the library's own
table layout for the searched and faceted columns and the FTS5 index DDL from
edudx.library.search, then runs what selectors.resource_search runs on SQLite, through the
same functions of edudx.library.search: the first page (search.window: tiered windows of the
newest matches, title-only index first), the facet counts over the newest
search.FACET_CAP matches (search.sample_sql), the suggestions (title-only index), and with
--exact the exact bm25 fallback and the uncapped facets — for a mix of realistic queries typed
without accents. Prints p50/p95 latency, CPU time and the load average, and the
accent-insensitive ranking check ("phuong trinh bac hai" → "Phương trình bậc hai…" first).

    .venv/bin/python bench/library_search.py [--rows 1000000] [--db PATH] [--rebuild] [--rounds 8] [--exact]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edudx.core.search.query import fts5, parse  # noqa: E402
from edudx.core.text import fold  # noqa: E402
from edudx.library import search, search_facets  # noqa: E402
from edudx.library.curriculum_topics import all_topics  # noqa: E402
from edudx.library.filters import ResourceFilter  # noqa: E402

PREFIXES = [
    "Kế hoạch bài dạy",
    "Bài giảng",
    "Phiếu học tập",
    "Đề kiểm tra 15 phút",
    "Bài trình chiếu",
    "Video bài giảng",
    "Tư liệu tham khảo",
    "Trò chơi tương tác",
    "Đề kiểm tra giữa kì",
    "Chuyên đề",
]
TYPES = [
    "lesson_plan",
    "document",
    "worksheet",
    "worksheet",
    "presentation",
    "video",
    "link",
    "interactive",
    "worksheet",
    "document",
]
STATES = ["published"] * 8 + ["draft", "submitted"]
LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-SA-4.0", "CC0-1.0", "edu-sector", ""]
SERIES = ["kntt", "ctst", "canh_dieu", "national", "other"]
FILLER = [
    "học",
    "sinh",
    "thảo",
    "luận",
    "nhóm",
    "trình",
    "bày",
    "kết",
    "quả",
    "giáo",
    "viên",
    "nhận",
    "xét",
    "đánh",
    "giá",
    "vận",
    "dụng",
    "thực",
    "tiễn",
    "năng",
    "lực",
    "tự",
    "học",
    "phẩm",
    "chất",
    "trách",
    "nhiệm",
    "hoạt",
    "động",
    "khởi",
    "động",
    "luyện",
    "tập",
    "mở",
    "rộng",
    "câu",
    "hỏi",
    "bài",
    "tập",
    "ví",
    "dụ",
    "minh",
    "hoạ",
    "sơ",
    "đồ",
    "tư",
    "duy",
    "phiếu",
    "đánh",
    "giá",
    "tiêu",
    "chí",
    "rubric",
]

QUERIES = [
    "phuong trinh bac hai",
    "quang hop",
    "truyen kieu",
    "dinh li pythagore",
    "ham so bac nhat",
    "cach mang thang tam",
    "dao dong dieu hoa",
    "dong bang song cuu long",
    "lap trinh python",
    "nguyen tu",
    "dinh luat ohm",
    "vo chong a phu",
    "cap so cong",
    "tam giac bang nhau",
    "phan ung oxi hoa",
    "ke hoach bai day dat nuoc",
    "bang tuan hoan",
    "di truyen mendel",
    "unit 2 city",
    "phieu hoc tap so huu ti",
    "tich phan",
    "hinh tru",
    "dia dao cu chi",
    "chi pheo",
    "vecto",
]

RANKED_SQL = (
    f"SELECT r.id, r.title, instr(' ' || r.search_title || ' ', ?) > 0 AS phrase, "
    f"-bm25({search.FTS}, {search.TITLE_WEIGHT}, {search.BODY_WEIGHT}) AS rank "
    f"FROM library_resource r, {search.FTS} "
    f"WHERE r.state = 'published' AND {search.FTS}.rowid = r.id AND {search.FTS} MATCH ? "
    f"ORDER BY phrase DESC, rank DESC, r.id DESC LIMIT 21"
)


def run_on(con):
    """search.window's `run`: Django's %s placeholders → sqlite3's ?."""

    def run(sql: str, params: list) -> list[tuple]:
        return con.execute(sql.replace("%s", "?"), params).fetchall()

    return run


def search_page(con, q: str, limit: int = 20) -> list[tuple[int, str]]:
    """The path selectors.resource_search takes on SQLite for the first page: search.window
    (tiered windows of the newest matches: in-order in the title, every word in the title,
    anywhere), the viewer's published filter on the candidates (the SQL the ORM emits for
    base.filter(pk__in=ids).values_list("pk", "search_title")), then the page's rows."""

    def visible(ids: list[int]) -> dict[int, search.Candidate]:
        marks = ",".join("?" * len(ids))
        rows = con.execute(
            f"SELECT id, search_title, use_count FROM library_resource "
            f"WHERE (state = 'published' AND id IN ({marks}))",
            ids,
        )
        return {pk: search.Candidate(title, usage=uses) for pk, title, uses in rows}

    ordered, _full = search.window(q, run=run_on(con), visible=visible, need=limit + 1, vendor="sqlite")
    page = ordered[: limit + 1]
    marks = ",".join("?" * len(page))
    names = dict(con.execute(f"SELECT id, title FROM library_resource WHERE id IN ({marks})", page))
    return [(pk, names[pk]) for pk in page]


def facets(con, q: str | None, cap: int = search.FACET_CAP) -> tuple[int, bool]:
    """As selectors.resource_search (search.newest_matching): the ids of the newest `cap`
    matches read once, then one GROUP BY over the four facet columns and one over grades,
    both over those ids (the SQL the ORM emits, placeholders aside). Returns (total counted,
    capped)."""
    sql, params = search.sample_sql(q, cap, vendor="sqlite")
    ids = [r[0] for r in run_on(con)(sql, params)]
    inner, inner_params = search.ids_sql(ids, vendor="sqlite")
    inner = inner.replace("%s", "?")
    total = sum(
        r[-1]
        for r in con.execute(
            f"SELECT subject, resource_type, licence, series, COUNT(id) FROM library_resource "
            f"WHERE (state = 'published' AND id IN ({inner})) GROUP BY 1, 2, 3, 4",
            inner_params,
        )
    )
    con.execute(
        f"SELECT grade, COUNT(id) FROM library_resourcegrade WHERE resource_id IN "
        f"(SELECT U0.id FROM library_resource U0 WHERE (U0.state = 'published' AND U0.id IN ({inner}))) "
        f"GROUP BY 1 ORDER BY 1",
        inner_params,
    ).fetchall()
    return total, len(ids) >= cap


def suggest(con, typed: str, limit: int = 8) -> list[tuple]:
    """As selectors.suggestions (search.title_prefix): among the newest
    search.SUGGEST_CANDIDATES published resources whose title matches what was typed, the
    most used first."""
    expr = fts5(parse(typed, typing=True))
    return con.execute(
        f"SELECT id, title, subject FROM library_resource WHERE (state = 'published' AND id IN "
        f"(SELECT rowid FROM {search.TITLE_FTS} WHERE {search.TITLE_FTS} MATCH ? ORDER BY rowid DESC LIMIT ?)) "
        f"ORDER BY use_count DESC, id DESC LIMIT ?",
        (expr, search.SUGGEST_CANDIDATES, limit),
    ).fetchall()


FILTERS = [
    {},
    {"grade": 9},
    {"subject": "toan"},
    {"subject": "toan", "grade": 9},
    {"resource_type": "video"},
    {"licence": "CC0-1.0", "grade": 11},
]


def whole_request(con, q: str, filters: dict, offset: int = 0, limit: int = 20) -> tuple[int, int]:
    """What selectors.resource_search runs on SQLite for a viewer (and so what the page and the
    API make): the three windows walked with the filters tested on the facet row
    (search_facets.Walk), the librarian's order, the page's rows, then the facets and total
    from the third window's pass (search_facets.Walk.count). Past the windows (deep pages), the exact ranking with
    the same filters. Returns (rows on the page, total counted)."""
    f = ResourceFilter(q=q, **filters)
    query = parse(q)
    need = offset + limit + 1

    def visible(ids):
        marks = ",".join("?" * len(ids))
        rows = con.execute(
            f"SELECT id, search_title, use_count, 0 FROM library_resource WHERE id IN ({marks})", ids
        )
        return {pk: search.Candidate(title, usage=uses) for pk, title, uses, _r in rows}

    page_ids: list[int] = []
    walker = search_facets.Walk(query, f, search.FACET_CAP, run_on(con))
    if query is not None:
        ordered, full = search.window(
            query,
            run=run_on(con),
            visible=visible,
            need=need,
            vendor="sqlite",
            tiers=walker.tiers(),
            walks=search_facets.WALKS,
        )
        if full and len(ordered) < need:  # deep page: exact ranking over every match that passes
            where, params = search_facets.conditions(f)
            ordered = [
                r[0]
                for r in con.execute(
                    (
                        f"SELECT r.id FROM {search.FTS} CROSS JOIN {search_facets.FACET_TABLE} x ON x.id = {search.FTS}.rowid "
                        f"JOIN library_resource r ON r.id = x.id WHERE {search.FTS} MATCH %s AND {where} "
                        f"ORDER BY instr(' ' || r.search_title || ' ', %s) > 0 DESC, bm25({search.FTS}, 10.0, 1.0), r.id DESC "
                        f"LIMIT %s OFFSET %s"
                    ).replace("%s", "?"),
                    [search.fts5_expression(query), *params, f" {query.text} ", limit + 1, offset],
                )
            ]
            offset = 0
        page_ids = ordered[offset : offset + limit + 1]
    else:
        sql, params = search_facets.walk_sql(None, 2, f, 4000)
        page_ids = [r[0] for r in run_on(con)(sql, params) if r[1]][offset : offset + limit + 1]
    marks = ",".join("?" * len(page_ids))
    con.execute(f"SELECT id, title, subject FROM library_resource WHERE id IN ({marks})", page_ids).fetchall()
    total = walker.count(("subject", "resource_type", "licence", "series"))[0]
    return len(page_ids), total


def upgrade(con) -> None:
    """Bring a corpus built by an earlier version of this bench to the app's current layout
    in place (a new build takes ~20 min; this takes ~30 s once)."""
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    if search.TITLE_FTS not in have:
        started = time.monotonic()
        con.execute(search.title_sqlite_sql()[0])  # the same title FTS5 table as migration 0003
        con.execute(f"INSERT INTO {search.TITLE_FTS}({search.TITLE_FTS}) VALUES('rebuild')")
        con.execute(f"INSERT INTO {search.TITLE_FTS}({search.TITLE_FTS}) VALUES('optimize')")
        print(f"upgrade: title index built in {time.monotonic() - started:.0f}s")
    if "library_grade_unique" not in have:  # the model's UniqueConstraint(resource, grade)
        con.execute("CREATE UNIQUE INDEX library_grade_unique ON library_resourcegrade(resource_id, grade)")
        print("upgrade: library_grade_unique added")
    if search_facets.FACET_TABLE not in have:  # migration 0006: the facet table and its triggers
        started = time.monotonic()
        cols = {r[1] for r in con.execute("PRAGMA table_info(library_resource)")}
        if "language" not in cols:
            con.execute("ALTER TABLE library_resource ADD COLUMN language TEXT NOT NULL DEFAULT 'vi'")
        if "school_id" not in cols:
            con.execute("ALTER TABLE library_resource ADD COLUMN school_id INTEGER NOT NULL DEFAULT 1")
        for sql in search_facets.facet_sqlite_sql():
            con.execute(sql)
        print(f"upgrade: facet table built in {time.monotonic() - started:.0f}s")
    con.commit()
    if (
        search.TITLE_FTS not in have
        or "library_grade_unique" not in have
        or search_facets.FACET_TABLE not in have
    ):
        con.execute("ANALYZE")


def generate(db: Path, rows: int) -> None:
    rng = random.Random(2025)
    topics = all_topics()
    con = sqlite3.connect(db)
    con.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"
        "CREATE TABLE library_resource (id INTEGER PRIMARY KEY, title TEXT, state TEXT, subject TEXT,"
        " resource_type TEXT, licence TEXT, series TEXT, use_count INTEGER, published_at TEXT,"
        " search_title TEXT NOT NULL DEFAULT '', search_body TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE library_resourcegrade (id INTEGER PRIMARY KEY, resource_id INTEGER, grade INTEGER);"
    )
    started = time.monotonic()
    batch, grades = [], []
    for i in range(1, rows + 1):
        subject, grade, topic = rng.choice(topics)
        k = rng.randrange(len(PREFIXES))
        title = f"{PREFIXES[k]}: {topic}" if i % 3 else f"{topic} ({PREFIXES[k].lower()}, lớp {grade})"
        if rng.random() < 0.3:
            title += f" – tiết {rng.randint(1, 4)}"
        other = rng.choice(topics)[2]
        body = f"{PREFIXES[k]} môn học lớp {grade}, bài {topic}. Liên hệ: {other}. " + " ".join(
            rng.choices(FILLER, k=25)
        )
        batch.append(
            (
                i,
                title,
                rng.choice(STATES),
                subject,
                TYPES[k],
                rng.choice(LICENCES),
                rng.choice(SERIES),
                int(rng.paretovariate(1.2)),
                f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                fold(title),
                fold(body),
            )
        )
        grades.append((i, grade))
        if len(batch) == 50_000:
            con.executemany("INSERT INTO library_resource VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
            con.executemany("INSERT INTO library_resourcegrade(resource_id, grade) VALUES (?,?)", grades)
            batch, grades = [], []
            print(f"  {i:,} rows ({time.monotonic() - started:.0f}s)", flush=True)
    if batch:
        con.executemany("INSERT INTO library_resource VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
        con.executemany("INSERT INTO library_resourcegrade(resource_id, grade) VALUES (?,?)", grades)
    con.execute("CREATE INDEX library_res_state_subj ON library_resource(state, subject)")
    con.execute("CREATE INDEX library_grade_res ON library_resourcegrade(grade, resource_id)")
    con.execute(search.sqlite_sql()[0])  # the same FTS5 table as the migration
    con.execute(f"INSERT INTO {search.FTS}({search.FTS}) VALUES('rebuild')")
    con.execute(f"INSERT INTO {search.FTS}({search.FTS}) VALUES('optimize')")
    # The ranking example: one resource titled exactly like the example.
    con.execute(
        "INSERT INTO library_resource(id, title, state, subject, resource_type, licence, series, use_count,"
        " published_at, search_title, search_body) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            rows + 1,
            "Phương trình bậc hai",
            "published",
            "toan",
            "document",
            "CC-BY-4.0",
            "kntt",
            1,
            "2026-03-01",
            fold("Phương trình bậc hai"),
            fold("Bài giảng Toán 9"),
        ),
    )
    con.execute(
        f"INSERT INTO {search.FTS}(rowid, search_title, search_body) VALUES (?,?,?)",
        (rows + 1, fold("Phương trình bậc hai"), fold("Bài giảng Toán 9")),
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    print(f"corpus: {rows:,} resources generated and indexed in {time.monotonic() - started:.0f}s")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", default="/tmp/edudx-bench/library_search.sqlite3")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument(
        "--exact",
        action="store_true",
        help="also time the exact ranking and the uncapped facets of every match",
    )
    args = ap.parse_args()
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild and db.exists():
        db.unlink()
    if not db.exists():
        generate(db, args.rows)
    con = sqlite3.connect(db)
    upgrade(con)
    # The app's connection settings (config/settings/base.py init_command).
    con.execute("PRAGMA mmap_size=268435456")
    con.execute("PRAGMA cache_size=-65536")
    total = con.execute("SELECT count(*) FROM library_resource").fetchone()[0]
    print(f"corpus: {total:,} resources in {db} ({os.path.getsize(db) / 1e6:,.0f} MB)")

    # warm-up: one pass (the OS page cache is what a running server has)
    for q in QUERIES:
        search_page(con, q)
        facets(con, q)
    typed = [q[: max(2, len(q) * 2 // 3)] for q in QUERIES]  # "phuong trinh b", "quang "…
    load = os.getloadavg()[0]
    page, cpu, exact, facet_ms, facet_cpu, sugg, sugg_cpu = [], [], [], [], [], [], []
    counts, capped, exact_facets = [], 0, []
    for _ in range(args.rounds):
        for q, t_q in zip(QUERIES, typed, strict=True):
            t, c = time.perf_counter(), time.process_time()
            search_page(con, q)
            page.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            if args.exact:
                t = time.perf_counter()
                con.execute(RANKED_SQL, (f" {search.phrase(q)} ", search.fts5_expression(q))).fetchall()
                exact.append((time.perf_counter() - t) * 1000)
            t, c = time.perf_counter(), time.process_time()
            n, full = facets(con, q)
            facet_ms.append((time.perf_counter() - t) * 1000)
            facet_cpu.append((time.process_time() - c) * 1000)
            counts.append(n)
            capped += full
            if args.exact:
                t = time.perf_counter()
                facets(con, q, cap=10_000_000)
                exact_facets.append((time.perf_counter() - t) * 1000)
            t, c = time.perf_counter(), time.process_time()
            suggest(con, t_q)
            sugg.append((time.perf_counter() - t) * 1000)
            sugg_cpu.append((time.process_time() - c) * 1000)
    t, c = time.perf_counter(), time.process_time()
    facets(con, None)
    browse, browse_cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
    load = max(load, os.getloadavg()[0])
    print(
        f"queries: {len(QUERIES)} distinct × {args.rounds} rounds; published matches counted per query "
        f"(capped at the newest {search.FACET_CAP:,} matches): median {statistics.median(counts):,.0f}, "
        f"max {max(counts):,}; {capped // args.rounds} of {len(QUERIES)} queries capped"
    )
    print(
        f"first page (tiered windows, 20 rows): p50 {pct(page, 50):.1f} ms  p95 {pct(page, 95):.1f} ms  "
        f"max {max(page):.1f} ms   target p95 < 50 ms: {'OK' if pct(page, 95) < 50 else 'MISSED'}"
    )
    print(
        f"  same, CPU time of this process:   p50 {pct(cpu, 50):.1f} ms  p95 {pct(cpu, 95):.1f} ms  max {max(cpu):.1f} ms"
    )
    if exact:
        print(
            f"exact ranking of every match (fallback): p50 {pct(exact, 50):.1f} ms  p95 {pct(exact, 95):.1f} ms"
        )
    print(
        f"count + 5 facets (4 columns + grade, newest {search.FACET_CAP:,} matches): p50 {pct(facet_ms, 50):.1f} ms  "
        f"p95 {pct(facet_ms, 95):.1f} ms  max {max(facet_ms):.1f} ms; CPU p95 {pct(facet_cpu, 95):.1f} ms"
    )
    if exact_facets:
        print(
            f"  same over every match (uncapped):  p50 {pct(exact_facets, 50):.1f} ms  p95 {pct(exact_facets, 95):.1f} ms"
        )
    print(f"  no query (the library's landing page): {browse:.1f} ms (CPU {browse_cpu:.1f} ms)")
    print(
        f"suggestions (title prefix, 8 most used; typed {typed[0]!r}…): p50 {pct(sugg, 50):.1f} ms  "
        f"p95 {pct(sugg, 95):.1f} ms  max {max(sugg):.1f} ms; CPU p95 {pct(sugg_cpu, 95):.1f} ms"
    )
    print(
        f"load average during the run: up to {load:.1f} on {os.cpu_count()} cores (wall time includes waiting for a core)"
    )

    # The whole request (results + facets + total), with and without filters, first and deep pages.
    def request_round(connection, rounds: int) -> tuple[list[float], list[float], list[float], list[float]]:
        plain, filtered, deep, cpu = [], [], [], []
        for _ in range(rounds):
            for k, q in enumerate(QUERIES):
                for filters in FILTERS:
                    t, c = time.perf_counter(), time.process_time()
                    whole_request(connection, q, filters)
                    (filtered if filters else plain).append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                if k % 5 == 0:  # a deep page: offset 200 and 1,000
                    for offset in (200, 1000):
                        t = time.perf_counter()
                        whole_request(connection, q, FILTERS[k % len(FILTERS)], offset=offset)
                        deep.append((time.perf_counter() - t) * 1000)
        return plain, filtered, deep, cpu

    cold = sqlite3.connect(db)  # a new connection: SQLite's page cache empty (the OS's is not)
    cold.execute("PRAGMA mmap_size=268435456")
    cold.execute("PRAGMA cache_size=-65536")
    load0 = os.getloadavg()[0]
    t = time.perf_counter()
    c_plain, c_filtered, c_deep, _c = request_round(cold, 1)
    cold_s = time.perf_counter() - t
    plain, filtered, deep, rcpu = request_round(con, args.rounds)
    load1 = max(load0, os.getloadavg()[0])
    print(
        f"whole request (window + page rows + facets and total in one walk), {len(QUERIES)} queries × "
        f"{len(FILTERS)} filter sets; load average {load0:.1f}–{load1:.1f} on {os.cpu_count()} cores:"
    )
    print(
        f"  warm, no filter:   p50 {pct(plain, 50):.1f} ms  p95 {pct(plain, 95):.1f} ms  max {max(plain):.1f} ms"
    )
    print(
        f"  warm, filtered:    p50 {pct(filtered, 50):.1f} ms  p95 {pct(filtered, 95):.1f} ms  max {max(filtered):.1f} ms"
    )
    print(f"  warm, deep pages (offset 200 / 1,000): p50 {pct(deep, 50):.1f} ms  p95 {pct(deep, 95):.1f} ms")
    print(
        f"  CPU time of this process, all warm requests: p50 {pct(rcpu, 50):.1f} ms  p95 {pct(rcpu, 95):.1f} ms"
    )
    print(
        f"  cold connection (first round): no filter p95 {pct(c_plain, 95):.1f} ms, filtered p95 "
        f"{pct(c_filtered, 95):.1f} ms, deep p95 {pct(c_deep, 95):.1f} ms ({cold_s:.1f} s for the round)"
    )
    top = search_page(con, "phuong trinh bac hai")
    ok = bool(top) and all("phuong trinh bac hai" in fold(t) for _i, t, *_r in top[:20])
    print(
        f"ranking: 'phuong trinh bac hai' → first: {top[0][1]!r}; all of the first page have it in "
        f"the title: {'OK' if ok else 'WRONG'}"
    )
    print("  next:", "; ".join(t for _i, t, *_r in top[1:4]))


if __name__ == "__main__":
    main()
