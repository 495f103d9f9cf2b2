"""Skills bar: a test centre's 100,000-row result list, with realistic typos, matched against
the city's staff and pupils and written in < 30 s.

    .venv/bin/python bench/skills_import.py [--db-dir /tmp/t6/city] [--rows 100000] [--seed 16]

Needs a migrated city database in --db-dir (edudx.sqlite3 + secret_key; a copy of a demo city:
100,000 staff, 2.5 M pupils). Draws 90 % pupils and 5 % staff of the city and 5 % strangers,
writes their rows as a test centre would (IDs lost their leading zero, mistyped, swapped or
missing; names without accents, in capitals, with stray spaces or a typo; a birth date with day
and month swapped), imports the file through the ingest engine as the department
(`skills_results`, partial mode) and prints the time, the match shares (by ID / by name + birth
date / unmatched), how many matches are right (the generator knows who each row is), and the
load average. Rows of earlier runs (numbers BENCH-…) are deleted first. No assertion.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_dir: Path) -> None:
    os.environ["EDUDX_VAR_DIR"] = str(db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def strip_accents(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def typo(s: str, rng: random.Random) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def pid_typo(pid: str, rng: random.Random) -> str:
    i = rng.randrange(6, 12)  # the random part: the century/year digits are checked
    return pid[:i] + str((int(pid[i]) + rng.randrange(1, 10)) % 10) + pid[i + 1 :]


def generate(n: int, seed: int, path: Path) -> dict[str, tuple[str, int | None]]:
    """Write the CSV; return {number: (kind, true id or None)}."""
    from django.db import connection

    rng = random.Random(seed)
    n_staff, n_strangers = n // 20, n // 20
    n_pupils = n - n_staff - n_strangers
    cur = connection.cursor()
    people = []
    for table, kind, k in (("registry_student", "student", n_pupils), ("registry_staff", "staff", n_staff)):
        cur.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 - fixed table names
        top = cur.fetchone()[0]
        ids = rng.sample(range(1, top + 1), min(top, int(k * 1.05)))
        got = []
        for i in range(0, len(ids), 30000):
            part = ids[i : i + 30000]
            cur.execute(
                f"SELECT id, full_name, date_of_birth, personal_id FROM {table} "  # noqa: S608
                f"WHERE school_id IS NOT NULL AND id IN ({','.join('?' * len(part))})".replace("?", "%s"),
                part,
            )
            got += cur.fetchall()
        people += [(kind, *r) for r in got[:k]]
    for j in range(n_strangers):
        people.append(("stranger", None, f"Người Ngoài {j}", "2012-01-01", f"0792120{j % 100000:05d}"))
    rng.shuffle(people)
    truth: dict[str, tuple[str, int | None]] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Chứng chỉ", "Cấp độ", "Điểm", "Ngày thi",
                    "Số hiệu chứng chỉ"])  # fmt: skip
        for i, (kind, pk, name, dob, pid) in enumerate(people):
            dob = str(dob or "")
            d = f"{dob[8:10]}/{dob[5:7]}/{dob[0:4]}" if len(dob) >= 10 else ""
            pid = pid or ""
            r = rng.random()
            if r < 0.12:
                pid = ""
            elif r < 0.20:
                pid = pid_typo(pid, rng) if len(pid) == 12 else pid
            elif r < 0.24 and len(pid) == 12:
                pid = pid[:8] + pid[9] + pid[8] + pid[10:]
            elif r < 0.40:
                pid = pid.lstrip("0")  # a numeric cell
            r = rng.random()
            if r < 0.20:
                name = strip_accents(name)
            elif r < 0.30:
                name = name.upper()
            elif r < 0.35:
                name = "  " + name.replace(" ", "  ") + " "
            elif r < 0.38:
                name = typo(name, rng)
            if d and rng.random() < 0.02 and int(d[:2]) <= 12:
                d = f"{d[3:5]}/{d[0:2]}/{d[6:]}"
            cert = rng.choice(
                ["IC3_GS6", "IC3 GS6", "IC3_SPARK", "MOS_EXCEL_2019", "MOS Word 2019", "ICDL_DOCUMENTS"]
            )
            number = f"BENCH-{i:07d}"
            truth[number] = (kind, pk)
            w.writerow([name, d, pid, cert, "", str(rng.randrange(500, 1000)), "15/05/2026", number])
    return truth


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-dir", default="/tmp/t6/city")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--profile", action="store_true", help="print the 20 costliest functions (cProfile)")
    args = ap.parse_args()
    setup_django(Path(args.db_dir))
    from edudx.core.actor import Actor, Via
    from edudx.ingest import kinds
    from edudx.ingest.engine import pipeline
    from edudx.skills.models import ExamResult, PersonCertificate

    ExamResult.objects.filter(number__startswith="BENCH-").delete()
    PersonCertificate.objects.filter(number__startswith="BENCH-").delete()
    path = Path(args.db_dir) / "skills_results_bench.csv"
    t0 = time.perf_counter()
    truth = generate(args.rows, args.seed, path)
    print(f"generated {len(truth):,} rows in {time.perf_counter() - t0:.1f} s → {path}")
    actor = Actor.system(via=Via.IMPORT, source="bench:skills_import")
    t0, c0 = time.perf_counter(), time.process_time()
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    done = pipeline.process(
        kind=kinds.get("skills_results"), path=path, actor=actor, write=True, mode=pipeline.PARTIAL
    )
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    print(f"import: {elapsed:.1f} s wall, {cpu:.1f} s CPU of this process; counts {dict(done.counts)}")
    rows = ExamResult.objects.filter(number__startswith="BENCH-").values_list(
        "number", "match", "staff_id", "student_id"
    )
    share: dict[str, int] = {}
    right = wrong = 0
    for number, match, staff_id, student_id in rows:
        share[match] = share.get(match, 0) + 1
        if match == "none":
            continue
        kind, pk = truth[number]
        got = ("staff", staff_id) if staff_id else ("student", student_id)
        right += got == (kind, pk)
        wrong += got != (kind, pk)
    total = sum(share.values()) or 1
    for m in ("pid", "name_dob", "none"):
        print(f"  {m:9s} {share.get(m, 0):7,d}  {100 * share.get(m, 0) / total:5.1f} %")
    strangers = sum(1 for k, _ in truth.values() if k == "stranger")
    print(f"  matches right {right:,}, wrong {wrong:,}; strangers in the list {strangers:,}")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
