"""Load bench (issue #21): logged-in users in a realistic role mix walk the pages people use, 20
at a time, against gunicorn started as `./run` starts it; prints requests/s, p50/p95 per page
kind, errors and the server's CPU per request.

Each virtual user is a closed loop (no think time): it logs in with its demo login, then picks a
page kind at random by its role's weights and requests it. A closed loop of 20 users measures
throughput (the bar's city/small ratio); its latencies are users ÷ throughput by construction
(Little's law), so `--think-seconds S` adds a second run of the same users who wait an
exponential think time (`--think`, mean 2 s) after each answer: p50/p95 per page kind under 20
people working rather than 20 requests always queued. The pages are found once, before the
clock starts, by walking the site as that role (lists → their detail links, "next" → deep page),
so the bench needs no ids and follows whatever the demo holds. The writes are the pages' own:
the assessment form's htmx autosave (with the version the last save returned) and a device's
two-tap condition report (in use ↔ needs repair). Principals are `bench_ht_1..5`, each at a
school of their own whose self-assessment is open (bench/load_setup.py creates them, and an
open campaign when the demo has none). `--small-import FILE` commits a school's small file again
and again during the run (timed as the kind small_import); with `--during-import BIG` that is
the issue's item 4: writes while a city file commits; `--writers N` adds N principals who only
autosave (each its own criterion, a save every `--think` seconds on average) to that run, so that
the autosave's p95 rests on hundreds of saves rather than a handful.

    # the 30-school demo and the city, one after the other, in one run (throughput ratio printed)
    .venv/bin/python bench/load.py --db-dir /tmp/small-var --db-dir /tmp/city-var --seconds 60
    # each page alone first (--single N), then the load, while a big file commits
    .venv/bin/python bench/load.py --db-dir /tmp/city-var --during-import big.csv --small-import small.csv \
        --think-main --writers 10
    # PostgreSQL: give a database URL per --db-dir, in the same order ("-" = SQLite in that dir)
    .venv/bin/python bench/load.py --db-dir /tmp/pg-var --database-url postgresql://…/edudx_demo_city

A --db-dir that holds no database is migrated and loaded with the small demo first (`--scale city`
loads the city: ten minutes or more). Loopback only; each run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Edudx-demo-2025"  # the published demo password (edudx/registry/demo/logins.py)

# username → how many of the 20 virtual users log in with it (scaled to --users)
MIX = {
    "admin": 2,
    "chuyenvien": 3,
    "phuong": 4,
    "cumtruong": 1,
    "hieutruong": 5,
    "giaovien": 4,
    "hocsinh": 1,
}

# page kind → (weight, how to find its URL). A URL starting with "/" is used as it is; "link:"
# follows the first matching href on the page found for the named kind; "deep:" follows rel=next
# that many times from the named kind's page.
KINDS: dict[str, tuple[int, str]] = {
    "home": (10, "/"),
    "skills_coverage": (2, "/skills/"),
    "skills_heatmap": (2, "/skills/heatmap/"),
    "learning_courses": (2, "/learning/"),
    "learning_activity": (2, "/learning/activity/"),
    "my_lessons": (2, "/learning/me/"),
    "quality_queue": (1, "/quality/"),
    "partners_catalogue": (1, "/partners/"),
    "partners_usage": (1, "/partners/usage/"),
    "opendata_catalogue": (1, "/opendata/"),
    "monitoring_trends": (1, "/monitoring/trends/"),
    "review_queue": (1, "/monitoring/review/"),
    "student_list": (8, "/registry/students/"),
    "student_deep": (3, "deep:student_list:20"),
    "student_search": (8, "/registry/students/?q=nguyen+van"),
    "student_search_common": (4, "/registry/students/?q=tran+thi"),
    "student_detail": (6, r"link:student_list:/registry/students/\d+/"),
    "staff_list": (4, "/registry/staff/"),
    "class_list": (3, "/registry/classes/"),
    "school_list": (3, "/registry/schools/"),
    "school_detail": (3, r"link:school_list:/registry/schools/\d+/"),
    "library_list": (5, "/library/"),
    "library_search": (6, "/library/search/?q=phan+so"),
    "library_search_filtered": (4, "/library/search/?q=quang+hop&grade=7"),
    "resource_detail": (4, r"link:library_search:/library/\d+/"),
    "monitoring_index": (4, "/monitoring/"),
    "campaign_dashboard": (3, r"link:monitoring_index:/monitoring/campaigns/\d+/dashboard/"),
    "assessment_detail": (4, r"link:monitoring_index:/monitoring/assessments/\d+/"),
    "autosave": (6, "autosave"),
    "infrastructure_dashboard": (4, "/infrastructure/"),
    "device_list": (3, "/infrastructure/devices/"),
    "device_detail": (3, r"link:device_list:/infrastructure/devices/\d+/"),
    "device_condition": (3, "condition"),
    "infrastructure_gaps": (2, "/infrastructure/gaps/"),
    "lrs_dashboard": (3, "/lrs/dashboard/"),
    "identity_dashboard": (2, "/identity/"),
    "import_list": (2, "/ingest/"),
    "import_upload": (1, "/ingest/upload/"),
}

HREF = re.compile(r'href="([^"]+)"')
NEXT = re.compile(r'rel="next" href="([^"]+)"|href="([^"]+)"[^>]*rel="next"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAVE_FORM = re.compile(
    r'<form method="post" action="(/monitoring/assessments/\d+/criteria/\d+/save/)"(.*?)</form>', re.S
)
VERSION = re.compile(r'name="version" id="version-\d+" value="(\d+)"')
CONDITION_FORM = re.compile(r'action="(/infrastructure/devices/\d+/condition/)"')
# The principals: one user per school (bench/load_setup.py), so that autosaves and condition
# reports of different principals never touch the same row.
PRINCIPALS = [f"bench_ht_{i + 1}" for i in range(MIX["hieutruong"])]
# The imports a run starts: ended with the run, or when the bench is stopped (SIGTERM, e.g.
# `timeout`), so that no import goes on writing after the bench.
CHILDREN: list[subprocess.Popen] = []
SERVERS: list[subprocess.Popen] = []  # gunicorn and the worker, each in a session of its own


@dataclass
class User:
    username: str
    client: httpx.AsyncClient
    pages: dict[str, str] = field(default_factory=dict)
    save_url: str = ""
    condition_url: str = ""
    condition: str = "needs_repair"
    save_fields: dict[str, str] = field(default_factory=dict)
    version: str = "0"
    csrf: str = ""
    weights: list[tuple[str, int]] = field(default_factory=list)
    cold: dict[str, float] = field(default_factory=dict)  # kind → seconds of its first request
    think: float = 0.0  # a writer (--writers) waits this mean after each save, whatever the run's


def _href(page: str, pattern: str) -> str | None:
    rx = re.compile(pattern)
    for href in HREF.findall(page):
        href = html.unescape(href)
        if rx.fullmatch(href.split("?")[0].split("#")[0]):
            return href
    return None


async def login(base: str, username: str) -> User:
    client = httpx.AsyncClient(base_url=base, timeout=60.0, follow_redirects=False)
    r = await client.get("/accounts/login/")
    token = CSRF_INPUT.search(r.text)
    if not token:
        raise SystemExit(f"login page without a CSRF token ({r.status_code})")
    r = await client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": base + "/accounts/login/"},
    )
    if r.status_code != 302:
        raise SystemExit(f"{username}: login failed ({r.status_code}); is this a demo database?")
    return User(username=username, client=client, csrf=client.cookies.get("edudx_csrf", ""))


async def discover(user: User) -> None:
    """Find each kind's URL as this role sees it; kinds the role cannot open are left out."""
    bodies: dict[str, str] = {}
    for kind, (weight, how) in KINDS.items():
        url: str | None
        if how in ("autosave", "condition"):
            continue
        if how.startswith("link:"):
            _, source, pattern = how.split(":", 2)
            url = _href(bodies.get(source, ""), pattern)
        elif how.startswith("deep:"):
            _, source, hops = how.split(":")
            url, body = user.pages.get(source), bodies.get(source, "")
            for _ in range(int(hops)):
                m = NEXT.search(body)
                if not m:
                    break
                nxt = html.unescape(m.group(1) or m.group(2))
                url = (url or "").split("?")[0] + nxt if nxt.startswith("?") else nxt
                body = (await user.client.get(url)).text
            else:
                pass
            if url == user.pages.get(source):
                url = None
        else:
            url = how
        if not url:
            continue
        t = time.perf_counter()
        r = await user.client.get(url, headers={"X-Bench-Kind": f"cold:{kind}"})
        if r.status_code == 200:
            user.cold[kind] = time.perf_counter() - t
            user.pages[kind] = url
            bodies[kind] = r.text
            user.weights.append((kind, weight))
    # The token of the logged-in session, as the pages' forms carry it.
    token = next((t.group(1) for b in bodies.values() if (t := CSRF_INPUT.search(b))), None)
    user.csrf = token or user.client.cookies.get("edudx_csrf", user.csrf)
    page = bodies.get("assessment_detail", "")
    m = SAVE_FORM.search(page)
    if m and 'name="comment"' in m.group(2):
        user.save_url = m.group(1)
        version = re.search(r'name="version"[^>]*value="(\d+)"', m.group(2))
        user.version = version.group(1) if version else "0"
        user.weights.append(("autosave", KINDS["autosave"][0]))
    m = CONDITION_FORM.search(bodies.get("device_detail", ""))
    if m:
        user.condition_url = m.group(1)
        user.weights.append(("device_condition", KINDS["device_condition"][0]))


async def hit(user: User, kind: str) -> tuple[int, bool]:
    """One request of this kind; returns (status, refused) — refused = a 200 that said no."""
    if kind == "autosave":
        r = await user.client.post(
            user.save_url,
            data={
                "version": user.version,
                "comment": f"Ghi chú tự lưu {random.randint(1, 10**6)}",
                "value": "",
                "csrfmiddlewaretoken": user.csrf,
            },
            headers={
                "HX-Request": "true",
                "X-CSRFToken": user.csrf,
                "Referer": str(user.client.base_url),
                "X-Bench-Kind": kind,
            },
        )
        m = VERSION.search(r.text)
        if m:
            user.version = m.group(1)
        return r.status_code, 'data-testid="entry-error"' in r.text
    if kind == "device_condition":
        # The two taps of a phone: the new condition, then back to the device (302). Toggled,
        # so that every report writes.
        user.condition = "in_use" if user.condition == "needs_repair" else "needs_repair"
        r = await user.client.post(
            user.condition_url,
            data={"condition": user.condition, "note": "", "csrfmiddlewaretoken": user.csrf},
            headers={"Referer": str(user.client.base_url), "X-Bench-Kind": kind},
        )
        return r.status_code, r.status_code != 302
    r = await user.client.get(user.pages[kind], headers={"X-Bench-Kind": kind})
    return r.status_code, False


def server_cpu(pid: int) -> float:
    """CPU seconds of gunicorn's master and workers (children of the master)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(entry.name))
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def cpu_marks(db_dir: Path | None) -> dict[Path, int]:
    """Where each worker's per-request CPU log (gunicorn.conf.py, EDUDX_BENCH_CPU_LOG) ends now."""
    logs = db_dir / "bench-cpu" if db_dir else None
    return {f: f.stat().st_size for f in logs.iterdir()} if logs and logs.is_dir() else {}


def cpu_by_kind(db_dir: Path | None, marks: dict[Path, int]) -> dict[str, list[float]]:
    """The server's CPU ms per request of each page kind logged since `marks`."""
    out: dict[str, list[float]] = defaultdict(list)
    logs = db_dir / "bench-cpu" if db_dir else None
    if not logs or not logs.is_dir():
        return out
    for f in logs.iterdir():
        with f.open("rb") as fh:
            fh.seek(marks.get(f, 0))
            for line in fh.read().decode(errors="replace").splitlines():
                kind, _, ms = line.partition("\t")
                try:
                    out[kind].append(float(ms))
                except ValueError:
                    continue
    return out


def start_server(
    db_dir: Path, database_url: str | None, port: int, workers: int | None, threads: int | None,
    prepare: bool = True,
) -> tuple[subprocess.Popen, subprocess.Popen]:  # fmt: skip
    env = dict(os.environ, EDUDX_VAR_DIR=str(db_dir), DJANGO_SETTINGS_MODULE="config.settings.base")
    # 20 virtual users share 7 demo logins: the per-user search throttle (60/min) would refuse
    # what 20 distinct people may do; the bench measures speed, not the throttle.
    env.setdefault("EDUDX_SEARCH_RATES", "100000/m")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    # Each request's server CPU by page kind (gunicorn.conf.py's bench hook), fresh per server.
    cpu_log = db_dir / "bench-cpu"
    cpu_log.mkdir(exist_ok=True)
    for old in cpu_log.iterdir():
        old.unlink()
    env["EDUDX_BENCH_CPU_LOG"] = str(cpu_log)
    # `python -m` from ROOT imports this checkout's code (not whichever the venv was installed from).
    edudx = [sys.executable, "-m", "edudx"]
    if prepare:
        _prepare(edudx, env)
    log = open(db_dir / "bench-load-gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    worker = subprocess.Popen(
        [*edudx, "db_worker", "--queue-name", "*"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    SERVERS.append(worker)
    # The same command line as ./run's: workers/threads from gunicorn.conf.py unless overridden.
    sizing = [
        *(["--workers", str(workers)] if workers else []),
        *(["--threads", str(threads)] if threads else []),
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", *sizing],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    SERVERS.append(proc)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status_code == 200:
                return proc, worker
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    worker.kill()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {db_dir}/bench-load-gunicorn.log")


def _prepare(edudx: list[str], env: dict[str, str]) -> None:
    """As ./run: migrate, the demo when empty, hashed static files (scripts/setup.sh), the
    dashboards' maintained figures; then the bench's principals (bench/load_setup.py)."""
    subprocess.run([*edudx, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*edudx, "demo", "--if-empty"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*edudx, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*edudx, "refresh_aggregates", "-v0"], env=env, check=True, cwd=ROOT)
    setup = [sys.executable, str(ROOT / "bench" / "load_setup.py"), "principals", str(len(PRINCIPALS))]
    subprocess.run(setup, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


async def run_single(base: str, repeat: int, db_dir: Path | None = None) -> dict:
    """Each page kind alone: one request at a time, `repeat` times per role that opens it. The
    first request of a kind by each role (finding the page, before the rounds) is its cold
    time, reported apart: the first view after a server starts or the figures change."""
    lat: dict[str, list[float]] = defaultdict(list)
    cold: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    t0, load0, marks = time.monotonic(), os.getloadavg(), cpu_marks(db_dir)
    for name in MIX:
        vu = await login(base, PRINCIPALS[0] if name == "hieutruong" else name)
        await discover(vu)
        for kind, seconds in vu.cold.items():
            cold[kind].append(seconds)
        for kind, _w in vu.weights:
            for _ in range(repeat):
                t = time.perf_counter()
                status, _no = await hit(vu, kind)
                lat[kind].append(time.perf_counter() - t)
                errors[kind] += status >= 400
        await vu.client.aclose()
    n = sum(len(v) for v in lat.values())
    return {"lat": lat, "errors": errors, "refused": {}, "n": n, "wall": time.monotonic() - t0, "cpu": 0.0,
            "load": (load0, os.getloadavg()), "roles": sorted(MIX), "cold": cold,
            "cpu_kind": cpu_by_kind(db_dir, marks)}  # fmt: skip


def _wal_growth(db_dir: Path | None, limit: float) -> str:
    """Wait until the big import writes — its history rows appear (SQLite; the users are not
    working yet, and sweeps write no history) — at most `limit` seconds; PostgreSQL: 15 s."""
    import sqlite3

    db = db_dir / "edudx.sqlite3" if db_dir else None
    if db is None or not db.exists() or os.environ.get("DATABASE_URL", "").startswith("postgres"):
        time.sleep(min(limit, 15))
        return "waited 15 s"

    def last() -> int:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COALESCE(MAX(id), 0) FROM core_historyentry").fetchone()[0]
        finally:
            con.close()

    first, t0 = last(), time.monotonic()
    while time.monotonic() - t0 < limit:
        if last() > first + 500:
            return f"writing after {time.monotonic() - t0:.0f} s"
        time.sleep(0.5)
    return f"no write seen in {limit:.0f} s"


def _small_imports(out: bytes) -> tuple[list[float], int]:
    import json

    try:
        rows = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return [], 1
    return [r["seconds"] for r in rows], sum(not r["ok"] for r in rows)


async def add_writers(base: str, vus: list[User], writers: int, think: float) -> list[User]:
    """`writers` more principals at work on their self-assessment (--writers): each signs in as
    one of the bench principals and autosaves its own criterion of that principal's form (the
    principal's own user saves the first; entries are versioned per criterion, so none of them
    refuses another's save), waiting an exponential `think` after each save as a person typing.
    The during-import run's autosaves then number in the hundreds, not the handful five
    principals among twenty users give (two in the 15:29 window)."""
    out: list[User] = []
    for i in range(writers):
        name = PRINCIPALS[i % len(PRINCIPALS)]
        src = next((v for v in vus if v.username == name and v.pages.get("assessment_detail")), None)
        if src is None:
            continue
        vu = await login(base, name)
        page = (await vu.client.get(src.pages["assessment_detail"])).text
        forms = [m for m in SAVE_FORM.finditer(page) if 'name="comment"' in m.group(2)]
        criterion = 1 + i // len(PRINCIPALS)  # the principal's own user saves form 0
        token = CSRF_INPUT.search(page)
        if criterion >= len(forms) or token is None:
            await vu.client.aclose()
            continue
        version = re.search(r'name="version"[^>]*value="(\d+)"', forms[criterion].group(2))
        vu.save_url, vu.version = forms[criterion].group(1), version.group(1) if version else "0"
        vu.csrf, vu.weights, vu.think = token.group(1), [("autosave", 1)], think
        out.append(vu)
    return out


async def sign_in(base: str, users: int) -> tuple[list[User], list[str]]:
    """The virtual users, logged in, each with its role's pages found (once per login name; the
    others of that name share its URLs). Done once per database: the warm-up, the measured run
    and the think-time run reuse them (at city scale, finding the pages — cold first views, a
    deep page 20 "next" links down — took minutes when each run did it again)."""
    # Interleaved by weight, so that any --users keeps the mix (10 users = half of each role).
    order = [n for _, n in sorted((j / k, n) for n, k in MIX.items() for j in range(k))]
    names = [order[i % len(order)] for i in range(users)]
    # Each principal at a school of their own.
    names = [PRINCIPALS[names[:i].count("hieutruong") % len(PRINCIPALS)] if n == "hieutruong" else n
             for i, n in enumerate(names)]  # fmt: skip
    vus = [await login(base, n) for n in names]
    found: dict[str, User] = {}
    for vu in vus:
        if vu.username not in found:
            await discover(vu)
            found[vu.username] = vu
        else:
            src = found[vu.username]
            vu.csrf = vu.client.cookies.get("edudx_csrf", vu.csrf)
            vu.pages, vu.weights, vu.save_url, vu.version, vu.condition_url = (
                dict(src.pages),
                list(src.weights),
                src.save_url,
                src.version,
                src.condition_url,
            )
    return vus, sorted(found)


async def run_load(
    vus: list[User], roles: list[str], seconds: float, seed: int, pid: int, during: list[str] | None = None,
    env=None, small: list[str] | None = None, db_dir: Path | None = None, think: float = 0.0,
) -> dict:  # fmt: skip
    """`think` > 0: each user waits an exponentially distributed time of that mean (seconds)
    after each answer, as a person reads a page (an open-ish load); 0: a closed loop."""
    rng = random.Random(seed)
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    refused: dict[str, int] = defaultdict(int)
    failed: list[str] = []  # what each error was (printed: an error is never just a count)
    retried: list[str] = []  # GETs sent again after the server closed a kept-alive connection
    stop = time.monotonic() + seconds  # set again once the big import writes

    async def loop(vu: User, r: random.Random) -> None:
        kinds = [k for k, _ in vu.weights]
        weights = [w for _, w in vu.weights]
        while time.monotonic() < stop:
            kind = r.choices(kinds, weights)[0]
            t0 = time.perf_counter()
            try:
                try:
                    status, said_no = await hit(vu, kind)
                except httpx.RemoteProtocolError:
                    # The server closed a kept-alive connection as the request went out (gunicorn
                    # closes one idle for `keepalive` s): a browser sends a GET again on a new
                    # connection, and so does the bench — once, counted and printed.
                    if kind in ("autosave", "device_condition"):
                        raise
                    retried.append(kind)
                    status, said_no = await hit(vu, kind)
            except httpx.HTTPError as exc:
                status, said_no = 599, False
                failed.append(f"{kind}: {type(exc).__name__} {exc}"[:160])
            lat[kind].append(time.perf_counter() - t0)
            if status >= 400:
                errors[kind] += 1
                if status != 599:
                    failed.append(f"{kind}: HTTP {status} {vu.pages.get(kind, kind)}"[:160])
            if said_no:
                refused[kind] += 1
            pause = vu.think or think
            if pause:
                await asyncio.sleep(min(r.expovariate(1 / pause), max(0.0, stop - time.monotonic())))

    importer, started_writing, import_t0 = None, "", time.monotonic()
    if during:
        # The big import commits in its own process while the users work (as the worker would);
        # the clock starts once it writes.
        importer = subprocess.Popen(
            during, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        CHILDREN.append(importer)
        started_writing = _wal_growth(db_dir, 120)
    smaller = None
    if small:
        smaller = subprocess.Popen(
            [*small, str(seconds)], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        CHILDREN.append(smaller)
    cpu0, t0, load0, marks = server_cpu(pid), time.monotonic(), os.getloadavg(), cpu_marks(db_dir)
    stop = t0 + seconds
    await asyncio.gather(*(loop(vu, random.Random(rng.random())) for vu in vus))
    wall, cpu = time.monotonic() - t0, server_cpu(pid) - cpu0
    if smaller is not None:
        times, failed = _small_imports(smaller.communicate(timeout=600)[0])
        lat["small_import"], errors["small_import"] = times, failed
    import_info = None
    if importer is not None:
        running = importer.poll() is None
        if running:
            importer.kill()
        err = importer.communicate()[1].decode(errors="replace").strip().splitlines()
        import_info = {
            "started": started_writing,
            "still_running_at_end": running,
            "seconds_since_start": round(time.monotonic() - import_t0),
            "rc": importer.returncode,
            "last": err[-1] if err else "",
        }
    n = sum(len(v) for v in lat.values())
    return {
        "lat": lat,
        "errors": errors,
        "failed": failed,
        "retried": retried,
        "refused": refused,
        "n": n,
        "wall": wall,
        "cpu": cpu,
        "load": (load0, os.getloadavg()),
        "roles": roles,
        "import": import_info,
        "cpu_kind": cpu_by_kind(db_dir, marks),
    }


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def report(label: str, res: dict, bar: float = 0.3) -> float:
    rps = res["n"] / res["wall"]
    print(f"\n== {label}")
    print(
        f"   {res['n']} requests in {res['wall']:.1f} s = {rps:.1f} req/s; errors {sum(res['errors'].values())}; "
        f"server CPU {1000 * res['cpu'] / max(res['n'], 1):.1f} ms/request; "
        f"load average {res['load'][0][0]:.2f} → {res['load'][1][0]:.2f}"
    )
    cpu_kind, cold = res.get("cpu_kind") or {}, res.get("cold") or {}
    # cpu ms: the server's mean CPU per request of the kind (its own thread); cold: the first
    # request of the kind by each role, slowest of them (--single only; not in p50/p95).
    print(
        f"   {'page kind':28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'refused':>8} {'cpu ms':>7}"
        + (f" {'cold max':>9}" if cold else "")
    )
    for kind in sorted((k for k in res["lat"] if res["lat"][k]), key=lambda k: -p95(res["lat"][k])):
        v = res["lat"][kind]
        c = cpu_kind.get(kind)
        print(
            f"   {kind:28} {len(v):6d} {1000 * statistics.median(v):8.0f} {1000 * p95(v):8.0f} "
            f"{res['errors'].get(kind, 0):7d} {res['refused'].get(kind, 0):8d} "
            f"{statistics.mean(c) if c else float('nan'):7.1f}"
            + (f" {1000 * max(cold[kind]) if cold.get(kind) else float('nan'):9.0f}" if cold else "")
        )
    if cpu_kind:
        total = sum(sum(v) for k, v in cpu_kind.items() if not k.startswith("cold:"))
        counted = sum(len(v) for k, v in cpu_kind.items() if not k.startswith("cold:"))
        print(
            f"   server CPU of the requests' own threads: {total / max(counted, 1):.1f} ms/request ({counted} logged)"
        )
    slow = [k for k in res["lat"] if res["lat"][k] and p95(res["lat"][k]) >= bar]
    print(f"   page kinds at or over {1000 * bar:.0f} ms p95: {', '.join(sorted(slow)) or 'none'}")
    if res.get("retried"):
        print(
            f"   GETs sent again on a new connection (kept-alive one closed by the server): {len(res['retried'])}"
        )
    for line in (res.get("failed") or [])[:10]:
        print(f"   error: {line}")
    if res.get("import"):
        print(f"   import during the load: {res['import']}")
    return rps


async def bench_db(
    args: argparse.Namespace, base: str, path: Path, url: str, pid: int, during: list[str] | None,
    env: dict[str, str], small: list[str] | None,
) -> tuple[dict, dict | None]:  # fmt: skip
    """One database: each page alone (--single), sign-in and page finding once, the warm-up, the
    measured run, the think-time run; each phase's start printed (a run cut by a timeout shows
    where it was)."""
    t0 = time.monotonic()

    def phase(what: str) -> None:
        load = os.getloadavg()[0]
        print(f"   [{path.name}] {time.monotonic() - t0:6.1f} s: {what} (load {load:.2f})", flush=True)

    if args.single:
        phase("each page alone")
        label = f"{path} ({'SQLite' if url == '-' else 'PostgreSQL'}): each page alone"
        report(label, await run_single(base, args.single, path), bar=0.1)
    phase(f"{args.users} users sign in and find their pages")
    vus, roles = await sign_in(base, args.users)
    try:
        if args.warmup:
            phase(f"warm-up {args.warmup:g} s")
            await run_load(vus, roles, args.warmup, args.seed + 1, pid)
        writers = await add_writers(base, vus, args.writers, args.think) if args.writers else []
        phase(f"measured run {args.seconds:g} s" + (f", {len(writers)} writers" if args.writers else ""))
        res = await run_load(
            vus + writers, roles, args.seconds, args.seed, pid, during, env, small, path,
            think=args.think if args.think_main else 0.0,
        )  # fmt: skip
        for vu in writers:
            await vu.client.aclose()
        thought = None
        if args.think_seconds:
            phase(f"think-time run {args.think_seconds:g} s")
            thought = await run_load(
                vus, roles, args.think_seconds, args.seed + 2, pid, db_dir=path, think=args.think
            )
        phase("done")
    finally:
        for vu in vus:
            await vu.client.aclose()
    return res, thought


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db-dir", action="append", required=True, help="EDUDX_VAR_DIR of a demo (repeatable)")
    ap.add_argument("--database-url", action="append", default=[], help="per --db-dir, '-' for SQLite")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=10, help="seconds of load before the measured run")
    ap.add_argument("--port", type=int, default=8190)
    ap.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's (one per core)")
    ap.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py's (4)")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument(
        "--think-seconds",
        type=float,
        default=0,
        help="after the closed loop, a second run of this many seconds with think time (same users)",
    )
    ap.add_argument(
        "--think", type=float, default=2.0, help="mean think time, seconds (exponential), of that run"
    )
    ap.add_argument(
        "--think-main",
        action="store_true",
        help="the main run with think time too (--during-import: the writes' wait for the import's "
        "writer lock, not for a saturated CPU)",
    )
    ap.add_argument(
        "--writers",
        type=int,
        default=0,
        metavar="N",
        help="N more principals in the measured run who only autosave (each its own criterion, "
        "--think mean between saves): enough autosaves for a p95 while a big file commits",
    )
    ap.add_argument(
        "--no-prepare", action="store_true", help="the database is ready (a previous run prepared it)"
    )
    ap.add_argument(
        "--single", type=int, default=0, metavar="N", help="time each page alone, N times per role"
    )
    ap.add_argument(
        "--during-import", metavar="FILE", help="commit this students file (edudx import) while the load runs"
    )
    ap.add_argument(
        "--small-import",
        metavar="FILE",
        help="commit this small students file again and again during the run",
    )
    args = ap.parse_args()

    def stopped(signum: int, _frame: object) -> None:
        for child in CHILDREN:
            if child.poll() is None:
                child.kill()
        for server in SERVERS:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
        raise SystemExit(f"stopped by signal {signum}")  # the servers are ended in `finally`

    signal.signal(signal.SIGTERM, stopped)
    urls = args.database_url + ["-"] * (len(args.db_dir) - len(args.database_url))
    print(
        f"edudx load bench: {args.users} users, {args.seconds:.0f} s per database, gunicorn "
        f"{args.workers or 'conf'} workers × {args.threads or 'conf'} threads, {os.cpu_count()} cores"
    )
    results = []
    for db_dir, url in zip(args.db_dir, urls, strict=True):
        path = Path(db_dir)
        path.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        proc, worker = start_server(
            path, None if url == "-" else url, args.port, args.workers, args.threads, not args.no_prepare
        )
        print(f"   [{path.name}] server answering after {time.monotonic() - started:.1f} s", flush=True)
        env = dict(os.environ, EDUDX_VAR_DIR=str(path), DJANGO_SETTINGS_MODULE="config.settings.base")
        env.pop("DATABASE_URL", None)
        if url != "-":
            env["DATABASE_URL"] = url
        during = small = None
        if args.during_import:
            during = [sys.executable, "-m", "edudx", "import", "students", args.during_import, "--partial"]
        if args.small_import:
            small = [
                sys.executable,
                str(ROOT / "bench" / "load_setup.py"),
                "small-imports",
                args.small_import,
            ]
        try:
            base = f"http://127.0.0.1:{args.port}"
            res, thought = asyncio.run(bench_db(args, base, path, url, proc.pid, during, env, small))
        finally:
            for p in (proc, worker):
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=30)
        label = f"{db_dir} ({'SQLite' if url == '-' else 'PostgreSQL'}); roles {', '.join(res['roles'])}"
        if args.think_main:
            label += f"; think time {args.think:g} s mean (exponential)"
        results.append(report(label, res))
        if thought is not None:
            report(f"{label}; think time {args.think:g} s mean (exponential), {args.users} users", thought)
    if len(results) > 1:
        print(f"\nthroughput of the last against the first: {100 * results[-1] / results[0]:.0f} %")


if __name__ == "__main__":
    sys.exit(main())
