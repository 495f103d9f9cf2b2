"""LRS benchmark (issue 6, "Bar"): xAPI write throughput and filtered-read latency on SQLite,
through the real HTTP stack (gunicorn on 127.0.0.1, a bounded client loop).

    .venv/bin/python bench/lrs_throughput.py --db-dir /tmp/lrs-bench --seconds 20 --stored 1000000

Prints:
1. statements/s posting batches of 100 (target >= 5,000/s) and posting one at a time
   (target >= 500/s), each for --seconds with --clients concurrent client threads;
2. with --stored statements in the store (topped up by a direct bulk loader that writes the
   same rows and index keys the LRS writes, spread over --schools schools under the
   department), the median and p95 of GET /statements filtered by agent and by activity,
   and of the unfiltered feed (first page, and a deep page: a `more` continuation from a
   random point in the older half of the store) for a department-wide key and for a
   school's key (target p95 < 50 ms), over --queries requests each, with the load average.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_dir: Path) -> None:
    os.environ["EDUDX_VAR_DIR"] = str(db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def prepare(db_dir: Path, schools: int) -> tuple[str, str, str, list[str], tuple[str, str, str]]:
    """Migrate, create the department and `schools` schools under it (once), a department
    key and a key of the first school; returns (key, secret, department path, the schools'
    paths, (school key, secret, school path))."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from edudx.core.actor import Actor
    from edudx.lrs import services
    from edudx.lrs.models import Credential
    from edudx.orgs import services as orgs
    from edudx.orgs.models import OrgUnit

    actor = Actor.system(source="bench")
    unit = OrgUnit.objects.filter(code="BENCH").first() or orgs.unit_create(
        actor=actor, code="BENCH", name="Sở GD-ĐT (bench)", kind="department", parent=None
    )
    have = {u.code: u for u in OrgUnit.objects.filter(parent=unit)}
    school_units = []
    for i in range(schools):
        code = f"BENCH-S{i:04d}"
        school_units.append(
            have.get(code)
            or orgs.unit_create(
                actor=actor, code=code, name=f"Trường {i} (bench)", kind="school", parent=unit
            )
        )
    Credential.objects.filter(name__in=("bench", "bench-school")).delete()
    cred, secret = services.credential_issue(actor=actor, unit=unit, name="bench")
    school = school_units[0] if school_units else unit
    scred, ssecret = services.credential_issue(actor=actor, unit=school, name="bench-school")
    return cred.key, secret, unit.path, [u.path for u in school_units], (scred.key, ssecret, school.path)


def make_statement(rng: random.Random, n_agents: int, n_acts: int) -> dict:
    a = rng.randrange(n_agents)
    act = rng.randrange(n_acts)
    return {
        "actor": {
            "objectType": "Agent",
            "name": f"Học sinh {a}",
            "account": {"homePage": "https://lms.example.vn", "name": f"hs{a}"},
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"vi": "đã hoàn thành"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://lms.example.vn/bai-hoc/{act}",
            "definition": {"name": {"vi": f"Bài học số {act}"}},
        },
        "result": {"score": {"scaled": round(rng.random(), 2)}, "completion": True, "success": True},
        "context": {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "platform": "bench"},
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
    }


class Server:
    def __init__(self, db_dir: Path, port: int, workers: int, persistent: bool = True, threads: int = 4):
        env = dict(
            os.environ,
            EDUDX_VAR_DIR=str(db_dir),
            DJANGO_SETTINGS_MODULE="config.settings.base",
            EDUDX_LOG_LEVEL="WARNING",
        )
        if not persistent:
            env["EDUDX_DB_CONN_MAX_AGE"] = "0"
        # Engineers share the machine: a server of another run on the port would answer this
        # run's requests (with another store and credential) while this one fails to bind.
        import socket

        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise SystemExit(
                    f"port {port} is in use (another bench run?); choose one with --port"
                ) from None
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                # As ./run serves: gthread workers (keep-alive; the sync worker closes the
                # connection after every response).
                "--threads",
                str(threads),
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
        )
        self.base = f"http://127.0.0.1:{port}"

    def wait(self) -> None:
        import httpx

        for _ in range(100):
            if self.proc.poll() is not None:
                raise SystemExit("the server exited while starting")
            try:
                httpx.get(self.base + "/lrs/xapi/about", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit("server did not start")

    def settle(self) -> None:
        """Wait until the workers have finished starting (imports, first connections): the
        timed runs count the server's CPU, and one worker may still be booting when another
        answers."""
        last = self.cpu_seconds()
        for _ in range(240):
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - last < 0.03:
                return
            last = now

    def cpu_seconds(self) -> float:
        """User+system CPU of the gunicorn master and its workers (from /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        pids = [self.proc.pid]
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / tick

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def make_bodies(n_statements: int, batch: int, seed: int) -> list[bytes]:
    """Request bodies for a write run, built before it: distinct statements, json-encoded, so
    the timed loop spends the client's share of the two cores on sending, not on building."""
    rng = random.Random(seed)
    if batch == 1:
        return [json.dumps(make_statement(rng, 50_000, 2_000)).encode() for _ in range(n_statements)]
    return [
        json.dumps([make_statement(rng, 50_000, 2_000) for _ in range(batch)]).encode()
        for _ in range(max(1, n_statements // batch))
    ]


def post_loop(
    base: str, headers: dict, seconds: float, clients: int, bodies: list[bytes], batch: int
) -> tuple[int, float, int, bool]:
    """POST the prepared bodies from `clients` threads for `seconds` (each thread its own
    keep-alive connection, http.client: the load generator shares the server's two cores,
    and httpx costs several times its CPU per request). Returns (statements stored,
    seconds, errors, whether the bodies ran out before the time did)."""
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(base)
    stop_at = time.monotonic() + seconds
    counts = [0] * clients
    errors = [0] * clients
    ran_out = [False] * clients
    mine = [bodies[i::clients] for i in range(clients)]

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        try:
            for body in mine[i]:
                if time.monotonic() >= stop_at:
                    break
                conn.request("POST", "/lrs/xapi/statements", body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                if r.status == 200:
                    counts[i] += batch
                else:
                    errors[i] += 1
            else:
                ran_out[i] = True
        finally:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts), time.monotonic() - started, sum(errors), any(ran_out)


def bulk_load(
    db_path: Path, unit_paths: list[str], target: int, n_agents: int, n_acts: int, seed: int = 0
) -> int:
    """Top the store up to `target` statements with the same rows and keys the LRS writes
    (statement JSON, denormalised columns, hashed keys), straight into SQLite; each
    statement belongs to one of `unit_paths`, drawn at random. With `seed`, only the first
    `seed` statements are built here; the rest are copies of them (`_replicate`)."""
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    have = con.execute("SELECT count(*) FROM lrs_statement").fetchone()[0]
    rng = random.Random(have)
    next_id = (con.execute("SELECT max(id) FROM lrs_statement").fetchone()[0] or 0) + 1
    start_time = dt.datetime(2025, 9, 5, tzinfo=dt.UTC)
    authority = {
        "objectType": "Agent",
        "name": "bench",
        "account": {"homePage": "https://edudx", "name": "bench"},
    }
    t0 = time.monotonic()
    chunk = 20_000
    # The key index is ordered by a random hash: inserting into it row by row is what makes
    # a large top-up slow once it outgrows the cache. For a top-up larger than the store,
    # drop it and rebuild it once at the end (a sort), whatever the migrations made it.
    rebuild = []
    if target - have > have:
        rebuild = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lrs_statementkey'"
            " AND sql LIKE '%(\"key\"%'"
        ).fetchall()
        for name, _sql in rebuild:
            con.execute(f'DROP INDEX "{name}"')
    before = have
    try:
        built = min(target, seed) if seed else target
        if have < built:
            have = _load_chunks(
                con, rng, have, built, chunk, next_id, start_time, authority, unit_paths, n_agents, n_acts, t0
            )
        if have < target:
            have = _replicate(con, have, target, seed, t0)
    finally:
        for name, sql in rebuild:
            print(f"  rebuilding index {name} ({time.monotonic() - t0:.0f} s)", flush=True)
            con.execute(sql)
    if have > before:  # statistics for the planner; minutes over a 10 M store, so only after a load
        con.execute("ANALYZE")
    con.close()
    return have


def _load_chunks(
    con, rng, have, target, chunk, next_id, start_time, authority, unit_paths, n_agents, n_acts, t0
):
    from edudx.lrs.xapi.keys import statement_keys
    from edudx.lrs.xapi.store import dumps, iso

    while have < target:
        n = min(chunk, target - have)
        srows, krows = [], []
        for _ in range(n):
            s = make_statement(rng, n_agents, n_acts)
            stored = start_time + dt.timedelta(milliseconds=next_id * 3)
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            s.update(id=sid, stored=iso(stored), authority=authority, version="2.0.0")
            stored_db = stored.strftime("%Y-%m-%d %H:%M:%S.%f")
            srows.append(
                (
                    next_id,
                    sid.replace("-", ""),
                    stored_db,
                    dumps(s),
                    0,
                    None,
                    rng.choice(unit_paths),
                    None,
                    s["verb"]["id"],
                    "account:" + s["actor"]["account"]["homePage"] + "|" + s["actor"]["account"]["name"],
                    s["object"]["id"],
                    stored_db,
                    1,
                    1,
                    s["result"]["score"]["scaled"],
                    0,
                )
            )
            for key, direct in statement_keys(s).items():
                krows.append((next_id, key, int(direct), stored_db))
            next_id += 1
        with con:
            con.executemany(
                "INSERT INTO lrs_statement (id, statement_id, stored, data, voided, voids, unit_path, credential_id,"
                " verb_iri, actor_key, object_iri, timestamp, success, completion, score_scaled, has_attachments)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                srows,
            )
            con.executemany(
                "INSERT INTO lrs_statementkey (statement_id, key, direct, stored) VALUES (?,?,?,?)", krows
            )
        have += n
        if have % 500_000 < chunk:
            print(f"  loaded {have:,} statements ({time.monotonic() - t0:.0f} s)", flush=True)
    return have


def _replicate(con, have: int, target: int, seed: int, t0: float) -> int:
    """Top up to `target` with copies of the first `seed` statements, made by SQLite itself
    (no Python per row: on a shared machine the builder's CPU is what makes a 10 M load
    take hours): each copy gets a new row id and a new random statement id, its `stored` (and
    its keys' `stored`) moved on as the loader spaces them (3 ms per row id), the same unit,
    JSON, columns and keys. The served JSON still names the original's id: the figures are
    of reads, whose cost does not depend on it."""
    chunk = 50_000
    while have < target:
        next_id = con.execute("SELECT max(id) FROM lrs_statement").fetchone()[0] + 1
        lo = (next_id - 1) % seed + 1
        n = min(chunk, target - have, seed - lo + 1)
        shift = next_id - lo
        move = f"+{shift * 0.003:.3f} seconds"
        with con:
            con.execute(
                "INSERT INTO lrs_statement (id, statement_id, stored, data, voided, voids, unit_path,"
                " credential_id, verb_iri, actor_key, object_iri, timestamp, success, completion,"
                " score_scaled, has_attachments)"
                " SELECT id + ?, lower(hex(randomblob(16))), strftime('%Y-%m-%d %H:%M:%f', stored, ?) || '000',"
                " data, voided, voids, unit_path, credential_id, verb_iri, actor_key, object_iri, timestamp,"
                " success, completion, score_scaled, has_attachments"
                " FROM lrs_statement WHERE id >= ? AND id < ?",
                (shift, move, lo, lo + n),
            )
            con.execute(
                "INSERT INTO lrs_statementkey (statement_id, key, direct, stored)"
                " SELECT statement_id + ?, key, direct, strftime('%Y-%m-%d %H:%M:%f', stored, ?) || '000'"
                " FROM lrs_statementkey WHERE statement_id >= ? AND statement_id < ?",
                (shift, move, lo, lo + n),
            )
        have += n
        if have % 500_000 < n:
            print(f"  {have:,} statements (copies; {time.monotonic() - t0:.0f} s)", flush=True)
    return have


def query_latency(base: str, headers: dict, params_list: list[dict]) -> tuple[float, float, int]:
    import httpx

    times = []
    n_rows = 0
    with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
        for p in params_list[:5]:  # warm-up
            c.get("/lrs/xapi/statements" + ("?" + urlencode(p) if p else ""))
        for p in params_list:
            t = time.perf_counter()
            r = c.get("/lrs/xapi/statements" + ("?" + urlencode(p) if p else ""))
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
            n_rows += len(r.json()["statements"])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], n_rows


def deep_pages(db_path: Path, unit_path: str, only_path: str | None, n: int, limit: int = 50) -> list[dict]:
    """`more` continuations of the unfiltered feed of a key bound to `unit_path`, each from a
    random statement (of `only_path`, if given) in the older half of the store (a page deep in
    the feed, as a client paging back through it reaches it), signed as the LRS signs them."""
    from edudx.lrs.xapi.query import StatementQuery, make_more

    con = sqlite3.connect(db_path)
    top = con.execute("SELECT max(id) FROM lrs_statement").fetchone()[0] or 0
    rng = random.Random(11)
    out = []
    for _ in range(n):
        row = con.execute(
            "SELECT id, stored FROM lrs_statement WHERE id <= ? AND (? IS NULL OR unit_path = ?)"
            " ORDER BY id DESC LIMIT 1",
            [rng.randrange(1, max(2, top // 2)), only_path, only_path],
        ).fetchone()
        if row is None:
            continue
        stored = dt.datetime.fromisoformat(row[1]).replace(tzinfo=dt.UTC)
        out.append({"more": make_more(StatementQuery(unit_path=unit_path, limit=limit), stored, row[0])})
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-dir", default="/tmp/lrs-bench")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (./run uses 4)")
    ap.add_argument("--port", type=int, default=18765)
    ap.add_argument("--stored", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument(
        "--schools",
        type=int,
        default=300,
        help="schools under the department the stored statements belong to",
    )
    ap.add_argument(
        "--seed",
        type=int,
        default=0,
        help="build only this many statements in Python; the top-up copies them in SQLite (0: build all)",
    )
    ap.add_argument("--skip-writes", action="store_true")
    ap.add_argument("--skip-batches", action="store_true", help="no POST run in batches of 100")
    ap.add_argument("--skip-singles", action="store_true", help="no POST run one statement at a time")
    ap.add_argument("--skip-reads", action="store_true", help="stop after the writes (no top-up, no GETs)")
    ap.add_argument(
        "--per-request-connections",
        action="store_true",
        help="the base settings' SQLite connection per request",
    )
    args = ap.parse_args()
    db_dir = Path(args.db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)
    setup_django(db_dir)
    key, secret, unit_path, school_paths, (skey, ssecret, school_path) = prepare(db_dir, args.schools)
    headers = {
        "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
        "X-Experience-API-Version": "2.0.0",
        "Content-Type": "application/json",
    }
    school_headers = dict(
        headers, Authorization="Basic " + base64.b64encode(f"{skey}:{ssecret}".encode()).decode()
    )
    print(
        f"SQLite at {db_dir}, gunicorn {args.workers} workers x {args.threads} threads, {args.clients} client threads, {os.cpu_count()} cores"
    )
    server = Server(db_dir, args.port, args.workers, not args.per_request_connections, args.threads)
    try:
        server.wait()
        runs = (("batches of 100", 100, "5,000", 15_000), ("one at a time", 1, "500", 2_000))
        for label, batch, target, most_per_second in runs:
            if args.skip_writes or (batch > 1 and args.skip_batches) or (batch == 1 and args.skip_singles):
                continue
            # Enough distinct statements for several times the target rate.
            bodies = make_bodies(int(most_per_second * args.seconds), batch, seed=batch)
            server.settle()
            load = os.getloadavg()[0]
            cpu0, ccpu0 = server.cpu_seconds(), time.process_time()
            n, secs, errs, ran_out = post_loop(
                server.base, headers, args.seconds, args.clients, bodies, batch
            )
            cpu, ccpu = server.cpu_seconds() - cpu0, time.process_time() - ccpu0
            print(
                f"POST {label}: {n:,} statements in {secs:.1f} s = {n / secs:,.0f} statements/s "
                f"(errors {errs}; target >= {target}/s); server CPU {cpu:.1f} s = {n / max(cpu, 0.01):,.0f} "
                f"statements per server CPU-second; client CPU {ccpu:.1f} s; load average {load:.1f}"
                + (" (the prepared statements ran out before the time did)" if ran_out else "")
            )
        server.stop()
        if args.skip_reads:
            return
        n_agents, n_acts = max(1000, args.stored // 200), max(100, args.stored // 2000)
        t = time.monotonic()
        total = bulk_load(
            db_dir / "edudx.sqlite3", school_paths or [unit_path], args.stored, n_agents, n_acts, args.seed
        )
        print(
            f"store holds {total:,} statements (bulk top-up {time.monotonic() - t:.0f} s); {n_agents:,} agents, {n_acts:,} activities"
        )
        server = Server(db_dir, args.port, args.workers, not args.per_request_connections, args.threads)
        server.wait()
        rng = random.Random(7)
        agents = [
            {
                "agent": json.dumps(
                    {
                        "objectType": "Agent",
                        "account": {
                            "homePage": "https://lms.example.vn",
                            "name": f"hs{rng.randrange(n_agents)}",
                        },
                    }
                ),
                "limit": 50,
            }
            for _ in range(args.queries)
        ]
        acts = [
            {"activity": f"https://lms.example.vn/bai-hoc/{rng.randrange(n_acts)}", "limit": 50}
            for _ in range(args.queries)
        ]
        db_path = db_dir / "edudx.sqlite3"
        runs = [
            ("GET /statements?agent=… (limit 50)", headers, agents),
            ("GET /statements?activity=… (limit 50)", headers, acts),
            (
                "GET /statements, department key, first page (limit 50)",
                headers,
                [{"limit": 50}] * args.queries,
            ),
            (
                "GET /statements, department key, deep page (more)",
                headers,
                deep_pages(db_path, unit_path, None, args.queries),
            ),
            (
                "GET /statements, school key, first page (limit 50)",
                school_headers,
                [{"limit": 50}] * args.queries,
            ),
            (
                "GET /statements, school key, deep page (more)",
                school_headers,
                deep_pages(db_path, school_path, school_path, args.queries),
            ),
        ]
        for label, hdrs, plist in runs:
            load = os.getloadavg()[0]
            med, p95, rows = query_latency(server.base, hdrs, plist)
            print(
                f"{label}: median {med:.1f} ms, p95 {p95:.1f} ms over {len(plist)} requests, "
                f"{rows / max(1, len(plist)):.0f} statements/page (target p95 < 50 ms); load average {load:.1f}"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
