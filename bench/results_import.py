"""Results bar: a city's semester of learning results imported through the ingest engine
(kind `results`) on SQLite in ≤ 10 min (2.5 M pupils × ~20 subjects = 50 M subject rows), the
department's outcome dashboard < 500 ms, a principal's < 200 ms.

    nice -n 10 .venv/bin/python bench/results_import.py [--pupils 2500000] [--dir /tmp/u3/bench]
        [--file-rows 1000000] [--runs 7]
    # the bar's one run: the 50 M city's import, then the full count of the outcome figures
    .venv/bin/python bench/results_import.py --dir /tmp/u3/city50m --keep-city --no-dashboards --count

Setup (not timed): a fresh SQLite database migrated in --dir; a department, wards of 20 schools,
lower-secondary schools of 1,000 pupils (grades 6–9, classes of 40) written in bulk; one CSV per
group of schools (≤ --file-rows rows; the engine takes ≤ 3 M rows a file), each row a pupil ×
subject of semester 1 (12 subjects of THCS, GDPT 2018: 8 scored with 2–4 regular assessments by
their periods, 4 comment-only), as a school-management export would give it.
Timed: every file committed through the engine (read, normalise, validate, resolve, classify,
bulk write, pupils' results recomputed per class), then the maintained outcome figures counted
once (the background sweep's full count), then the dashboards with the test client
(department officer: /results/ by ward and by school; principal: /results/schools/<id>/).
Prints the figures and the load average; an estimate for 50 M rows is printed as such.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCORED = {
    "toan": 4,
    "ngu_van": 4,
    "ngoai_ngu": 4,
    "gdcd": 2,
    "ls_dl": 4,
    "khtn": 4,
    "cong_nghe": 2,
    "tin_hoc": 2,
}
COMMENTED = ("gdtc", "nghe_thuat", "hdtn", "dia_phuong")
PUPILS_PER_SCHOOL = 1000
CLASS_SIZE = 40
SCHOOLS_PER_WARD = 20


def setup(directory: Path) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    os.environ["EDUDX_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def build_city(pupils: int, seed: int) -> dict:
    import datetime as dt

    from django.db import connection, transaction

    from edudx.core.actor import Actor
    from edudx.core.db import bulk
    from edudx.orgs import services as orgs
    from edudx.registry import services as registry
    from edudx.registry.models import SchoolClass, Student

    a = Actor.system(source="bench")
    n_schools = max(1, pupils // PUPILS_PER_SCHOOL)
    with bulk.fast_sqlite(), transaction.atomic():
        dept = orgs.unit_create(actor=a, code="SGD", name="Sở GD-ĐT Bench", kind="department", parent=None)
        year = registry.school_year_create(actor=a, code="2025-2026", start_date=dt.date(2025, 9, 5),
                                           end_date=dt.date(2026, 5, 31), is_current=True)  # fmt: skip
        wards, schools = [], []
        for i in range(n_schools):
            if i % SCHOOLS_PER_WARD == 0:
                w = len(wards)
                wards.append(
                    orgs.unit_create(
                        actor=a, code=f"P{w:03d}", name=f"Phường Bench {w}", kind="ward", parent=dept
                    )
                )
            schools.append(registry.school_register(
                actor=a, parent=wards[-1], moet_code=f"79{i:06d}", name=f"Trường THCS Bench {i}",
                data={"level": "THCS", "ownership": "cong_lap" if i % 5 else "tu_thuc"},
            ))  # fmt: skip
        classes = []
        for s in schools:
            for k in range(PUPILS_PER_SCHOOL // CLASS_SIZE):
                grade = 6 + k % 4
                classes.append(SchoolClass(school=s, year=year, grade=grade, name=f"{grade}A{k // 4 + 1}"))
        SchoolClass.objects.bulk_create(classes, batch_size=5000)
        # Pupils and enrolments by INSERT … SELECT over a counter, inside SQLite (the tables'
        # triggers fire per row as for any insert): Django objects cost ~30 µs a pupil, too slow
        # for 4 M pupils on a shared machine. Pupil i (from 0) is in class i // CLASS_SIZE.
        n = len(classes) * CLASS_SIZE
        class_ids = sorted(c.pk for c in classes)
        assert class_ids == list(range(class_ids[0], class_ids[0] + len(classes))), "class ids not contiguous"
        first_class = class_ids[0]
        school_of = {c.pk: c.school_id for c in classes}
        status = Student._meta.get_field("status").default
        now = bulk.db_now()
        with connection.cursor() as cur:
            first_student = bulk.max_id(Student._meta.db_table) + 1
            for lo in range(0, n, 200_000):
                hi = min(n, lo + 200_000)
                cur.execute(
                    "WITH RECURSIVE k(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM k WHERE i + 1 < %s) "
                    "INSERT INTO registry_student (id, created_at, updated_at, moet_code, full_name, name_key, gender, "
                    "ethnicity, status, disability, father_name, mother_name, guardian_name, parent_phone, address, "
                    "place_of_birth, school_id, sort_name) SELECT %s + i, %s, %s, printf('HS%%09d', i + 1), "
                    "'Học Sinh ' || (i + 1), 'hoc sinh ' || (i + 1), CASE WHEN i %% 2 = 0 THEN 'male' ELSE 'female' END, "
                    "CASE WHEN (i * 7 + %s) %% 10 = 0 THEN '04' ELSE '01' END, %s, '', '', '', '', '', '', '', "
                    "(SELECT school_id FROM registry_schoolclass WHERE id = %s + i / %s), '' FROM k",
                    [lo, hi, first_student, now, now, seed, status, first_class, CLASS_SIZE],
                )
                cur.execute(
                    "WITH RECURSIVE k(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM k WHERE i + 1 < %s) "
                    "INSERT INTO registry_enrolment (state, start_date, note, school_id, school_class_id, year_id, "
                    "student_id) SELECT 'active', '2025-09-05', '', (SELECT school_id FROM registry_schoolclass "
                    "WHERE id = %s + i / %s), %s + i / %s, %s, %s + i FROM k",
                    [lo, hi, first_class, CLASS_SIZE, first_class, CLASS_SIZE, year.pk, first_student],
                )
        codes = {s.pk: s.moet_code for s in schools}
        names = {c.pk: c.name for c in classes}
        plan = [
            (
                codes[school_of[first_class + i // CLASS_SIZE]],
                names[first_class + i // CLASS_SIZE],
                f"HS{i + 1:09d}",
            )
            for i in range(n)
        ]  # (school code, class name, moet code)
    return {"dept": dept, "wards": wards, "schools": schools, "plan": plan}


def write_files(plan: list, directory: Path, file_rows: int, seed: int) -> list[Path]:
    """One CSV per ≤ file_rows rows (a pupil's rows never split), written column-wise by polars:
    a pupil's scores around a level drawn for them (≈ N(level, 1.2) from hashed counters, halves,
    0–10); 2 % of comment-only subjects Chưa đạt; conduct and days absent on the pupil's first row."""
    import polars as pl

    subjects = [*SCORED, *COMMENTED]
    per_pupil = len(subjects)
    pupils_per_file = max(1, file_rows // per_pupil)
    header = ["Mã trường", "Năm học", "Học kì", "Lớp", "Mã học sinh", "Môn học", "ĐĐGtx1", "ĐĐGtx2", "ĐĐGtx3",
              "ĐĐGtx4", "ĐĐGgk", "ĐĐGck", "Nhận xét", "Rèn luyện", "Số ngày nghỉ"]  # fmt: skip
    n_reg = pl.DataFrame(
        {"subject": subjects, "k": list(range(per_pupil)), "tx": [SCORED.get(s, 0) for s in subjects]}
    )
    files: list[Path] = []
    salt = iter(range(seed * 1000, seed * 1000 + 10**6))

    def uniform() -> pl.Expr:  # [0, 1), one draw a row (the row's counter hashed)
        return (pl.int_range(pl.len(), dtype=pl.UInt64).hash(next(salt)) % 1_000_003).cast(
            pl.Float64
        ) / 1_000_003

    def score(when: pl.Expr) -> pl.Expr:
        normal = (uniform() + uniform() + uniform() + uniform() - 2.0) * 3**0.5  # Irwin–Hall, ≈ N(0, 1)
        v = ((pl.col("base") + 1.2 * normal) * 2).round(0).clip(0, 20) / 2
        text = v.cast(pl.String).str.replace(r"\.0$", "")
        return pl.when(when).then(text).otherwise(None)

    for start in range(0, len(plan), pupils_per_file):
        pupils = pl.DataFrame(
            plan[start : start + pupils_per_file], schema=["school", "cls", "code"], orient="row"
        )
        pupils = pupils.with_columns((4.5 + 4.5 * uniform()).alias("base"))
        frame = pupils.join(n_reg, how="cross")  # pupil-major, subjects in order
        first, scored = pl.col("k") == 0, pl.col("tx") > 0
        frame = frame.select(
            pl.col("school").alias(header[0]), pl.lit("2025-2026").alias(header[1]), pl.lit("1").alias(header[2]),
            pl.col("cls").alias(header[3]), pl.col("code").alias(header[4]), pl.col("subject").alias(header[5]),
            *[score(pl.col("tx") > i).alias(header[6 + i]) for i in range(4)],
            score(scored).alias(header[10]), score(scored).alias(header[11]),
            pl.when(~scored).then(pl.when(uniform() < 0.98).then(pl.lit("Đ")).otherwise(pl.lit("CĐ"))).alias(header[12]),
            pl.when(first).then(pl.when(pl.col("base") > 7).then(pl.lit("Tốt")).otherwise(pl.lit("Khá"))).alias(header[13]),
            pl.when(first).then((uniform() * 6).floor().cast(pl.Int8).cast(pl.String)).alias(header[14]),
        )  # fmt: skip
        files.append(directory / f"diem-{len(files):03d}.csv")
        frame.write_csv(files[-1])
    return files


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def reuse(directory: Path, keep_results: bool = False) -> tuple[dict, list[Path]]:
    os.environ["EDUDX_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    from edudx.orgs.models import OrgUnit
    from edudx.registry.models import School

    call_command("migrate", verbosity=0)  # the tree may have moved on since the city was built
    with connection.cursor() as cur:
        for table in (
            () if keep_results else ("results_subjectresult", "results_pupilterm", "results_classterm")
        ):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
    city = {"dept": OrgUnit.objects.get(code="SGD"), "schools": list(School.objects.order_by("pk"))}
    return city, sorted(directory.glob("diem-*.csv"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pupils", type=int, default=2_500_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/u3/bench"))
    ap.add_argument("--file-rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument(
        "--keep-city", action="store_true", help="reuse --dir's city and files; results deleted first"
    )
    ap.add_argument(
        "--dashboards-only", action="store_true", help="with --keep-city: keep the imported results"
    )
    ap.add_argument("--setup-only", action="store_true", help="build the city and its files, import nothing")
    ap.add_argument(
        "--no-dashboards", action="store_true", help="import only (time the pages in another run)"
    )
    ap.add_argument(
        "--files", type=int, default=0, help="import only the first N files (a partial run, labelled)"
    )
    ap.add_argument(
        "--count",
        action="store_true",
        help="after the import, the full count of the outcome figures, timed with it",
    )
    args = ap.parse_args()
    print(f"load average at start {os.getloadavg()} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    if args.keep_city and (args.dir / "bench.sqlite3").exists():
        city, files = reuse(args.dir, keep_results=args.dashboards_only)
    else:
        setup(args.dir)
        city = build_city(args.pupils, args.seed)
        files = write_files(city["plan"], args.dir, args.file_rows, args.seed)
    print(
        f"setup (not timed): {len(city['schools']):,} schools, {len(files)} files, {time.perf_counter() - t0:.0f} s"
    )

    if args.setup_only:
        return
    if args.files:
        print(f"PARTIAL RUN: the first {args.files} of {len(files)} files")
        files = files[: args.files]
    if not args.dashboards_only:
        elapsed = import_files(files, args.dir)
        if args.count:
            from edudx.core import aggregates
            from edudx.results.aggregates import OUTCOMES

            t = time.perf_counter()
            n = aggregates.refresh(OUTCOMES)
            counted = time.perf_counter() - t
            print(
                f"outcome figures full count: {n:,} schools in {counted:.1f} s (load {os.getloadavg()[0]:.1f})"
            )
            print(f"IMPORT + COUNT (one run): {elapsed:.1f} + {counted:.1f} = {elapsed + counted:.1f} s "
                  f"(bar <= 600 s){'' if not args.files else ' - PARTIAL RUN'}")  # fmt: skip
    if not args.no_dashboards:
        dashboards(city, args.runs)
    print(f"load average at end {os.getloadavg()} on {os.cpu_count()} cores")


def import_files(files: list[Path], directory: Path) -> float:
    from django.conf import settings

    from edudx.core.actor import Actor, Via
    from edudx.ingest.engine import pipeline
    from edudx.ingest.kinds import get
    from edudx.results.models import PupilTerm, SubjectResult

    actor = Actor.system(via=Via.IMPORT, source="import:bench")
    kind = get("results")
    # The server's own settings (./run sets none of these): a big partial file commits one
    # 50,000-row chunk a transaction, and the writer lock is left free >= the pause between two.
    import polars as pl

    print(f"short commits: {kind.commit_rows:,} rows each (Kind.commit_rows), written by the engine's writer "
          f"thread beside the next chunk's checks; hold-off for waiting writers <= "
          f"{settings.INGEST_COMMIT_PAUSE_MS} ms (EDUDX_INGEST_COMMIT_PAUSE_MS); polars threads "
          f"{pl.thread_pool_size()} (POLARS_MAX_THREADS, the settings' default 1)", flush=True)  # fmt: skip
    commits = 0
    cpu0 = _cpu()
    started = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        out = pipeline.process(kind=kind, path=f, actor=actor, write=True, mode="partial")
        assert out.written, [p.as_dict() for p in out.problems.sorted()[:5]]
        commits += -(-out.counts["new"] // kind.commit_rows)
        print(f"  {f.name}: {out.counts['new']:,} new, {out.counts['rejected']:,} rejected, "
              f"{time.perf_counter() - t:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    elapsed = time.perf_counter() - started
    n_rows, n_terms = SubjectResult.objects.count(), PupilTerm.objects.count()
    rate = n_rows / elapsed
    print(
        f"import: {n_rows:,} subject rows, {n_terms:,} pupil results in {elapsed:.1f} s = {rate:,.0f} rows/s"
    )
    print(f"commits: {commits:,}")
    cpu = _cpu() - cpu0
    print(f"import CPU (this process, all threads): {cpu:.1f} s = {n_rows / cpu:,.0f} rows per CPU-second")
    print(f"ESTIMATE (extrapolated linearly, not measured): 50,000,000 rows ≈ {50_000_000 / rate / 60:.1f} min "
          f"at this wall rate; ≈ {50_000_000 / (n_rows / cpu) / 60:.1f} min of CPU")  # fmt: skip
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the figure is the database file's, WAL folded in
    size = (directory / "bench.sqlite3").stat().st_size
    print(
        f"database file {size / 2**20:,.0f} MiB = {size / max(n_rows, 1):.0f} bytes a subject row (all tables)"
    )
    return elapsed


def dashboards(city: dict, runs: int) -> None:
    from django.test import Client

    from edudx.accounts import services as accounts
    from edudx.accounts.models import User
    from edudx.core import aggregates
    from edudx.core.actor import Actor
    from edudx.results.aggregates import OUTCOMES

    t = time.perf_counter()
    n = aggregates.refresh(OUTCOMES)
    print(f"outcome figures full count (background sweep): {n:,} schools in {time.perf_counter() - t:.1f} s")

    a = Actor.system(source="bench")
    school = city["schools"][0]
    officer = User.objects.filter(username="bench_dept").first()
    if officer is None:
        officer = accounts.user_create(actor=a, username="bench_dept", full_name="Bench Dept", password=None)
        accounts.membership_grant(actor=a, user=officer, role="dept_officer", unit=city["dept"])
    principal = User.objects.filter(username="bench_principal").first()
    if principal is None:
        principal = accounts.user_create(
            actor=a, username="bench_principal", full_name="Bench Principal", password=None
        )
        accounts.membership_grant(actor=a, user=principal, role="school_admin", unit=school.unit)
    pages = [
        ("department: outcomes by ward", officer, "/results/?by=ward"),
        ("department: outcomes by school", officer, "/results/?by=school"),
        ("department: API summary", officer, "/api/v1/results/summary"),
        ("principal: school vs ward vs city", principal, f"/results/schools/{school.pk}/"),
        ("principal: outcomes (own school)", principal, "/results/"),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm-up, not counted: the first request of a process imports the URL conf
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        print(f"{label:38s} median {statistics.median(times):7.0f} ms  worst {max(times):7.0f} ms")


if __name__ == "__main__":
    main()
