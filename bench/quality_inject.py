"""Inject duplicate pupils or staff into a city registry copy, the way schools make them (issue #14 bench).

The same child enrolled at another school of the same level under another MOET code, with what
schools really do to a record they retype: the personal ID left blank, one digit wrong or two
digits swapped; the name typed without accents, with the family name last, in a legacy TCVN3
font, or with a typo; day and month of birth swapped or a digit mistyped; another parent phone.
Each damage is drawn independently, so some copies carry several. The truth (original id,
copy id, what was done) goes to a CSV for scoring; nothing else in the registry changes.

    .venv/bin/python bench/quality_inject.py --db /tmp/t5/city/edudx.sqlite3 --share 0.01 \
        --truth /tmp/t5/city/quality_truth.csv

`--kind staff`: a teacher moved to another school of the same level and was entered there again
(the old school never closed the record) under a new MOET code, with the same damages to the
name, personal ID and birth date, another phone (30 %) and the new school's e-mail (50 %).

    .venv/bin/python bench/quality_inject.py --kind staff --db /tmp/u5/dedupe/edudx.sqlite3 \
        --share 0.02 --truth /tmp/u5/dedupe/quality_truth_staff.csv

SQLite only (a bench copy); refuses to run twice on one database (the truth file exists).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edudx.core.text import fold, vn_sort_key  # noqa: E402
from edudx.ingest.engine.vnfonts import to_tcvn3  # noqa: E402  (bench code: the font the schools used)

_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def strip_accents(name: str) -> str:
    """What a keyboard without Vietnamese input gives: the folded letters, capitalised."""
    return " ".join(w.capitalize() for w in fold(name).split())


def family_last(name: str) -> str:
    words = name.split()
    return " ".join(words[1:] + words[:1]) if len(words) > 1 else name


def typo(name: str, rng: random.Random) -> str:
    words = name.split()
    i = rng.randrange(len(words))
    w = words[i]
    j = rng.randrange(len(w))
    op = rng.random()
    if op < 0.4 and len(w) > 2:  # a letter dropped
        w = w[:j] + w[j + 1 :]
    elif op < 0.7:  # a neighbouring key
        w = w[:j] + rng.choice(_KEYS) + w[j + 1 :]
    elif j + 1 < len(w):  # two letters swapped
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:  # a letter doubled
        w = w + w[-1]
    words[i] = w
    return " ".join(words)


def damage_pid(pid: str | None, rng: random.Random) -> tuple[str | None, str]:
    if not pid or rng.random() < 0.45:
        return None, "pid_blank"
    digits = list(pid)
    if rng.random() < 0.55:
        i = rng.randrange(len(digits))
        digits[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
        return "".join(digits), "pid_digit"
    for _ in range(20):
        i = rng.randrange(len(digits) - 1)
        if digits[i] != digits[i + 1]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return "".join(digits), "pid_transposed"
    return None, "pid_blank"


def damage_name(name: str, rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.30:
        return strip_accents(name), "name_no_accents"
    if r < 0.45:
        return family_last(name), "name_family_last"
    if r < 0.60:
        return to_tcvn3(name), "name_tcvn3"
    if r < 0.75:
        return typo(name, rng), "name_typo"
    return name, ""


def damage_dob(dob: str | None, rng: random.Random) -> tuple[str | None, str]:
    if not dob:
        return dob, ""
    d = date.fromisoformat(dob)
    r = rng.random()
    if r < 0.15 and d.day <= 12 and d.day != d.month:
        return date(d.year, d.day, d.month).isoformat(), "dob_swapped"
    if r < 0.22:
        for _ in range(20):
            text = list(d.strftime("%d%m"))
            i = rng.randrange(4)
            text[i] = rng.choice("0123456789")
            try:
                return date(d.year, int("".join(text[2:])), int("".join(text[:2]))).isoformat(), "dob_typo"
            except ValueError:
                continue
    return dob, ""


def damage_phone(phone: str, rng: random.Random) -> tuple[str, str]:
    if phone and rng.random() < 0.30:
        return "0" + rng.choice("3579") + "".join(rng.choice("0123456789") for _ in range(8)), "phone_changed"
    return phone, ""


_STAFF_COLS = (
    "created_at, updated_at, moet_code, full_name, name_key, sort_name, date_of_birth, gender, personal_id, "
    "ethnicity, position, subjects, qualification, phone, email, status, school_id"
)


def inject_staff(con: sqlite3.Connection, share: float, rng: random.Random) -> list[tuple[int, int, str]]:
    """Copies of `share` of the staff at another school of the same level (a move re-entered)."""
    schools: dict[str, list[int]] = {}
    for school_id, level in con.execute("SELECT id, level FROM registry_school"):
        schools.setdefault(level, []).append(school_id)
    ids = [r[0] for r in con.execute("SELECT id FROM registry_staff WHERE school_id IS NOT NULL")]
    picked = sorted(rng.sample(ids, int(len(ids) * share)))
    cols = [c.strip() for c in _STAFF_COLS.split(",")]
    at = {c: i for i, c in enumerate(cols)}
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    truth: list[tuple[int, int, str]] = []
    next_code = 9_800_000_000
    for chunk_at in range(0, len(picked), 5000):
        chunk = picked[chunk_at : chunk_at + 5000]
        marks = ",".join("?" * len(chunk))
        rows = con.execute(
            f"SELECT st.id, {', '.join('st.' + c for c in cols)}, sc.level FROM registry_staff st "  # noqa: S608
            f"JOIN registry_school sc ON sc.id = st.school_id WHERE st.id IN ({marks})",
            chunk,
        ).fetchall()
        for row in rows:
            orig_id, values, level = row[0], list(row[1:-1]), row[-1]
            options = [s for s in schools.get(level, []) if s != values[at["school_id"]]]
            if not options:
                continue
            done = []
            values[at["full_name"]], what = damage_name(values[at["full_name"]], rng)
            done.append(what)
            values[at["personal_id"]], what = damage_pid(values[at["personal_id"]], rng)
            done.append(what)
            values[at["date_of_birth"]], what = damage_dob(values[at["date_of_birth"]], rng)
            done.append(what)
            values[at["phone"]], what = damage_phone(values[at["phone"]], rng)
            done.append(what)
            if values[at["email"]] and rng.random() < 0.5:
                values[at["email"]] = f"gv{rng.randrange(10**6)}@school.edu.vn"
                done.append("email_changed")
            next_code += 1
            values[at["created_at"]] = values[at["updated_at"]] = now
            values[at["moet_code"]] = str(next_code)
            values[at["name_key"]] = fold(values[at["full_name"]])
            values[at["sort_name"]] = vn_sort_key(values[at["full_name"]])
            values[at["school_id"]] = rng.choice(options)
            values[at["status"]] = "working"
            sql = f"INSERT INTO registry_staff ({_STAFF_COLS}) VALUES ({','.join('?' * len(cols))})"  # noqa: S608
            try:
                cur = con.execute(sql, values)
            except sqlite3.IntegrityError:  # a mistyped ID that another person holds: typed blank
                values[at["personal_id"]] = None
                cur = con.execute(sql, values)
            truth.append((orig_id, int(cur.lastrowid or 0), "+".join(d for d in done if d)))
        con.commit()
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="/tmp/t5/city/edudx.sqlite3")
    ap.add_argument("--kind", choices=("students", "staff"), default="students")
    ap.add_argument("--share", type=float, default=0.01, help="share of pupils (staff) given a duplicate")
    ap.add_argument("--truth", default="/tmp/t5/city/quality_truth.csv")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    if os.path.exists(args.truth):
        sys.exit(f"{args.truth} exists: duplicates were already injected into this database")
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    con = sqlite3.connect(args.db)
    con.execute("PRAGMA journal_mode=WAL")
    if args.kind == "staff":
        staff = inject_staff(con, args.share, rng)
        _write(args.truth, staff)
        con.close()
        print(f"injected {len(staff)} staff duplicates in {time.perf_counter() - t0:.1f} s")
        print(f"truth: {args.truth}; load average {os.getloadavg()}")
        return
    year_id = con.execute("SELECT id FROM registry_schoolyear WHERE is_current = 1").fetchone()[0]
    n_students = con.execute("SELECT max(id) FROM registry_student").fetchone()[0]
    n = int(n_students * args.share)
    picked = sorted(rng.sample(range(1, n_students + 1), n))
    classes: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    for class_id, school_id, grade, level in con.execute(
        "SELECT c.id, c.school_id, c.grade, s.level FROM registry_schoolclass c "
        "JOIN registry_school s ON s.id = c.school_id WHERE c.year_id = ?",
        (year_id,),
    ):
        classes.setdefault((level, grade), []).append((class_id, school_id, level))
    cols = (
        "created_at, updated_at, moet_code, full_name, name_key, sort_name, date_of_birth, gender, "
        "personal_id, ethnicity, status, status_date, disability, father_name, mother_name, guardian_name, "
        "parent_phone, address, place_of_birth, school_id"
    )
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    truth: list[tuple[int, int, str]] = []
    next_code = 9_900_000_000
    for chunk_at in range(0, len(picked), 5000):
        ids = picked[chunk_at : chunk_at + 5000]
        marks = ",".join("?" * len(ids))
        rows = con.execute(
            f"SELECT st.id, {', '.join('st.' + c.strip() for c in cols.split(','))}, c.grade, sc.level "
            "FROM registry_student st "  # noqa: S608 — placeholders only
            "JOIN registry_enrolment e ON e.student_id = st.id AND e.state = 'active' AND e.year_id = ? "
            "JOIN registry_schoolclass c ON c.id = e.school_class_id "
            f"JOIN registry_school sc ON sc.id = st.school_id WHERE st.id IN ({marks})",
            (year_id, *ids),
        ).fetchall()
        for row in rows:
            orig_id, values, grade, level = row[0], list(row[1:21]), row[21], row[22]
            options = [c for c in classes.get((level, grade), []) if c[1] != values[19]]
            if not options:
                continue
            class_id, school_id, _level = rng.choice(options)
            done = []
            values[3], what = damage_name(values[3], rng)
            done.append(what)
            if what == "name_no_accents":  # the same keyboard typed the parents
                values[13], values[14] = strip_accents(values[13]), strip_accents(values[14])
            values[8], what = damage_pid(values[8], rng)
            done.append(what)
            values[6], what = damage_dob(values[6], rng)
            done.append(what)
            values[16], what = damage_phone(values[16], rng)
            done.append(what)
            next_code += 1
            values[0] = values[1] = now
            values[2] = str(next_code)
            values[4], values[5] = fold(values[3]), vn_sort_key(values[3])
            values[19] = school_id
            try:
                cur = con.execute(
                    f"INSERT INTO registry_student ({cols}) VALUES ({','.join('?' * 20)})",  # noqa: S608
                    values,
                )
            except sqlite3.IntegrityError:  # a mistyped ID that another pupil holds: typed blank
                values[8] = None
                cur = con.execute(
                    f"INSERT INTO registry_student ({cols}) VALUES ({','.join('?' * 20)})",  # noqa: S608
                    values,
                )
            new_id = cur.lastrowid
            con.execute(
                "INSERT INTO registry_enrolment (state, start_date, note, school_id, school_class_id, year_id, "
                "student_id) VALUES ('active', date('now'), '', ?, ?, ?, ?)",
                (school_id, class_id, year_id, new_id),
            )
            truth.append((orig_id, new_id, "+".join(d for d in done if d)))
        con.commit()
    _write(args.truth, truth)
    con.close()
    print(f"injected {len(truth)} duplicates of {n_students} pupils in {time.perf_counter() - t0:.1f} s")
    print(f"truth: {args.truth}; load average {os.getloadavg()}")


def _write(path: str, truth: list[tuple[int, int, str]]) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["original_id", "duplicate_id", "damage"])
        w.writerows(truth)


if __name__ == "__main__":
    main()
