"""Infrastructure bar: indicators for 3,500 schools and 1,000,000 devices in < 2 s, and the
city's procurement list exported to XLSX in < 5 s.

    .venv/bin/python bench/infrastructure_indicators.py [--db-dir /tmp/bench-infra] [--devices 1000000]

Builds (once) a synthetic city in its own SQLite database: 168 wards, 3,500 schools,
2.5 M pupils (only the columns readiness reads), classes, rooms, 1 M devices and
connections, with bulk inserts; then times readiness for the whole city as a department
officer would see it, the per-ward summary, and the procurement XLSX export.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_dir: Path) -> None:
    os.environ["EDUDX_VAR_DIR"] = str(db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def build(n_schools: int, n_pupils: int, n_devices: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from edudx.core.actor import Actor
    from edudx.orgs import services as orgs
    from edudx.registry import services as registry

    if connection.cursor().execute("SELECT COUNT(*) FROM registry_school").fetchone()[0] >= n_schools:
        return
    rng = random.Random(7)
    t0 = time.perf_counter()
    a = Actor.system(source="bench")
    dept = orgs.unit_create(actor=a, code="SGD", name="Sở GD-ĐT", kind="department", parent=None)
    year = registry.school_year_create(
        actor=a,
        code="2025-2026",
        start_date=dt.date(2025, 9, 5),
        end_date=dt.date(2026, 5, 31),
        is_current=True,
    )
    now = "2026-01-01 00:00:00"
    with transaction.atomic():
        cur = connection.cursor()
        wards = []
        for w in range(168):
            unit = orgs.unit_create(
                actor=a, code=f"W{w:03d}", name=f"Phường {w + 1}", kind="ward", parent=dept
            )
            wards.append(unit)
        unit_rows, school_rows = [], []
        next_id = cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orgs_orgunit").fetchone()[0]
        levels = ["MN"] * 12 + ["TH"] * 9 + ["THCS"] * 6 + ["THPT"] * 3
        for s in range(n_schools):
            ward = wards[s % len(wards)]
            uid = next_id + s
            unit_rows.append(
                (
                    uid,
                    f"S{s:05d}",
                    f"Trường {s}",
                    "school",
                    ward.pk,
                    ward.path + str(uid).zfill(7),
                    ward.depth + 1,
                    1,
                    now,
                    now,
                )
            )
            school_rows.append(
                (
                    s + 1,
                    uid,
                    f"79{s:06d}",
                    levels[s % len(levels)],
                    "cong_lap",
                    "",
                    "",
                    "",
                    f"truong {s}",
                    now,
                    now,
                )
            )
        cur.executemany(
            "INSERT INTO orgs_orgunit (id, code, name, kind, parent_id, path, depth, is_active, created_at,"
            " updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            unit_rows,
        )
        cur.executemany(
            "INSERT INTO registry_school (id, unit_id, moet_code, level, ownership, address, phone, email,"
            " name_key, created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            school_rows,
        )
        # Bench data only: the name-search index is irrelevant here and slows 2.5 M inserts.
        for trig in (
            "registry_student_name_key_fts_ai",
            "registry_student_name_key_fts_ad",
            "registry_student_name_key_fts_au",
        ):
            cur.execute(f"DROP TRIGGER IF EXISTS {trig}")
        batch = []
        for p in range(n_pupils):
            school_id = p % n_schools + 1
            status = "dang_hoc" if rng.random() < 0.97 else "chuyen_di"
            batch.append(
                (
                    f"Học sinh {p}",
                    f"hoc sinh {p}",
                    "male" if p % 2 else "female",
                    "01",
                    school_id,
                    status,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    now,
                    now,
                )
            )
            if len(batch) == 100_000:
                cur.executemany(
                    "INSERT INTO registry_student (full_name, name_key, gender, ethnicity, school_id, status,"
                    " disability, father_name, mother_name, guardian_name, parent_phone, address,"
                    " place_of_birth, created_at, updated_at) VALUES"
                    " (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    batch,
                )
                batch = []
        if batch:
            cur.executemany(
                "INSERT INTO registry_student (full_name, name_key, gender, ethnicity, school_id, status,"
                " disability, father_name, mother_name, guardian_name, parent_phone, address,"
                " place_of_birth, created_at, updated_at) VALUES"
                " (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                batch,
            )
        classes, rooms, devices, conns = [], [], [], []
        room_id = 0
        per_school = n_devices // n_schools
        tag = 0
        for s in range(1, n_schools + 1):
            n_classes = rng.randint(12, 40)
            for c in range(n_classes):
                classes.append((s, year.pk, 6 + c % 4, f"{6 + c % 4}A{c}", now, now))
            school_rooms = []
            for r in range(n_classes + 3):
                room_id += 1
                kind = "computer_lab" if r < 2 else "classroom"
                rooms.append(
                    (room_id, s, f"R{r}", f"Phòng {r}", kind, 40, int(rng.random() < 0.9), 1, now, now)
                )
                school_rooms.append((room_id, kind))
            for _d in range(per_school):
                tag += 1
                rid, kind = rng.choice(school_rooms)
                cat = (
                    "desktop"
                    if kind == "computer_lab"
                    else rng.choice(["projector", "laptop", "tv", "network", "display"])
                )
                cond = rng.choices(["in_use", "needs_repair", "broken", "retired"], weights=[85, 6, 5, 4])[0]
                acquired = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 5000))
                devices.append(
                    (
                        s,
                        rid,
                        f"TB-{tag:08d}",
                        cat,
                        "Dell",
                        "X",
                        "",
                        acquired.isoformat(),
                        "state",
                        cond,
                        now,
                        "",
                        "",
                        now,
                        now,
                    )
                )
            conns.append((s, "VNPT", "fibre", rng.choice([30, 100, 200, 300]), 50, "full", 1, now, now))
            if len(devices) >= 100_000:
                cur.executemany(
                    "INSERT INTO infrastructure_device (school_id, room_id, asset_tag, category, make, model,"
                    " serial_number, acquired_on, funding, condition, condition_changed_at, location, notes,"
                    " created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    devices,
                )
                devices = []
        cur.executemany(
            "INSERT INTO registry_schoolclass (school_id, year_id, grade, name, created_at, updated_at)"
            " VALUES (%s,%s,%s,%s,%s,%s)",
            classes,
        )
        cur.executemany(
            "INSERT INTO infrastructure_room (id, school_id, code, name, kind, seats, has_internet, is_active,"
            " created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            rooms,
        )
        if devices:
            cur.executemany(
                "INSERT INTO infrastructure_device (school_id, room_id, asset_tag, category, make, model,"
                " serial_number, acquired_on, funding, condition, condition_changed_at, location, notes,"
                " created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                devices,
            )
        cur.executemany(
            "INSERT INTO infrastructure_connection (school_id, provider, kind, download_mbps, upload_mbps,"
            " wifi, is_active, created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            conns,
        )
    connection.cursor().execute("ANALYZE")
    print(
        f"built: {n_schools:,} schools, {n_pupils:,} pupils, {n_devices:,} devices in {time.perf_counter() - t0:.1f} s"
    )


def timed(fn, runs: int):
    """Wall-clock seconds per run, and CPU seconds of this process (SQLite runs in-process, so
    CPU time is the work itself even when other jobs share the machine's two cores)."""
    samples, cpu = [], []
    out = None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        samples.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return out, (samples, cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db-dir", default="/tmp/bench-infra")
    parser.add_argument("--schools", type=int, default=3500)
    parser.add_argument("--pupils", type=int, default=2_500_000)
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db_dir = Path(args.db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)
    setup_django(db_dir)
    build(args.schools, args.pupils, args.devices)

    from django.db import connection

    from edudx.core.scope import Scope
    from edudx.infrastructure import readiness, selectors, thresholds
    from edudx.infrastructure.views import planning

    scope = Scope.system()
    n_dev = connection.cursor().execute("SELECT COUNT(*) FROM infrastructure_device").fetchone()[0]
    results, t_ready = timed(lambda: selectors.readiness_for(scope=scope), args.runs)
    _, t_sum = timed(lambda: selectors.summarise(results, "area"), args.runs)
    inputs = {sid: r.inputs for sid, r in results.items()}
    t, costs = thresholds.current(), thresholds.unit_costs()
    _, t_pure = timed(lambda: readiness.compute(inputs, t, costs), args.runs)

    def export():
        rows = selectors.procurement_list(scope=scope)
        from edudx.core.exports import xlsx_bytes

        return len(xlsx_bytes(headers=list(planning.GAP_HEADERS), rows=planning._gap_rows(rows))), len(rows)

    (size, n_rows), t_export = timed(export, max(2, args.runs // 2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"schools: {len(results):,}   devices: {n_dev:,}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'measure':40} {'wall median':>12} {'wall max':>9} {'CPU median':>11}  target")
    for label, (wall, cpu), target in (
        ("readiness indicators, whole city", t_ready, "< 2 s"),
        ("summary by ward (from indicators)", t_sum, ""),
        ("readiness.compute alone (pure function)", t_pure, ""),
        ("procurement list + XLSX export", t_export, f"< 5 s  ({n_rows:,} schools, {size / 1024:.0f} KiB)"),
    ):
        print(
            f"{label:40} {statistics.median(wall):11.3f}s {max(wall):8.3f}s {statistics.median(cpu):10.3f}s  {target}"
        )
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
