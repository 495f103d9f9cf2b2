"""The simulator's own data: a SQLite file of citizens, and a deterministic way to derive it
from the people edudx knows (the demo city), with realistic disagreements.

The registry is the truth; the school records are what was typed. So for a few percent of
people the registry holds a slightly different name spelling, date of birth or gender, and a
few IDs are not registered at all. Each decision is a hash of (seed, personal ID), so the
same person gets the same fate whatever order the people arrive in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE citizen (
    personal_id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    gender TEXT NOT NULL,
    province TEXT NOT NULL
) WITHOUT ROWID;
"""

# Shares (per 10,000) of each kind of disagreement; the rest match exactly.
NOT_REGISTERED = 150
NAME_DIFFERS = 250
DOB_DIFFERS = 100
GENDER_DIFFERS = 50

# Family names written differently in the north and the south, and by different clerks.
NAME_SWAPS = {"Vũ": "Võ", "Võ": "Vũ", "Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Đặng": "Đặn", "Phan": "Phang"}


@dataclass(frozen=True)
class Citizen:
    personal_id: str
    full_name: str
    date_of_birth: str  # ISO
    gender: str  # male | female
    province: str

    def as_row(self) -> tuple[str, str, str, str, str]:
        return (self.personal_id, self.full_name, self.date_of_birth, self.gender, self.province)


def _roll(seed: int, pid: str, salt: str) -> int:
    digest = hashlib.sha256(f"{seed}:{salt}:{pid}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000


def _strip_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _respell(name: str, roll: int) -> str:
    words = name.split()
    if not words:
        return name
    if words[0] in NAME_SWAPS and roll % 2 == 0:
        return " ".join([NAME_SWAPS[words[0]], *words[1:]])
    if len(words) >= 3 and roll % 3 == 0:  # the middle name dropped on one side
        return " ".join([words[0], *words[2:]])
    # A mark lost on the given name ("Hương" → "Huong"), or added where there was none.
    stripped = _strip_marks(words[-1])
    last = stripped if stripped != words[-1] else words[-1] + "h"
    return " ".join([*words[:-1], last])


def _shift_date(d: dt.date, roll: int) -> dt.date:
    # Day and month swapped (typed mm/dd), else a day or two off; the year never changes
    # because the personal ID carries it.
    if d.day <= 12 and d.day != d.month and roll % 2 == 0:
        return d.replace(month=d.day, day=d.month)
    shifted = d + dt.timedelta(days=1 + roll % 3)
    return shifted if shifted.year == d.year else d - dt.timedelta(days=1 + roll % 3)


def citizens_from_people(
    people: Iterable[tuple[str, str, dt.date | None, str]], *, seed: int
) -> Iterator[Citizen]:
    """(personal_id, full_name, date_of_birth, gender) of known people → registry records."""
    for pid, name, dob, gender in people:
        if not pid or dob is None or _roll(seed, pid, "registered") < NOT_REGISTERED:
            continue
        kind = _roll(seed, pid, "differs")
        detail = _roll(seed, pid, "detail")
        if kind < NAME_DIFFERS:
            name = _respell(name, detail)
        elif kind < NAME_DIFFERS + DOB_DIFFERS:
            dob = _shift_date(dob, detail)
        elif kind < NAME_DIFFERS + DOB_DIFFERS + GENDER_DIFFERS:
            gender = "female" if gender == "male" else "male"
        yield Citizen(pid, name, dob.isoformat(), gender, pid[:3])


def write(path: str | os.PathLike[str], citizens: Iterable[Citizen], *, chunk: int = 20_000) -> int:
    """Write the data file atomically (a running simulator keeps reading the old one)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    n = 0
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(SCHEMA)
        batch: list[tuple[str, ...]] = []
        for c in citizens:
            batch.append(c.as_row())
            if len(batch) >= chunk:
                conn.executemany("INSERT OR REPLACE INTO citizen VALUES (?,?,?,?,?)", batch)
                n += len(batch)
                batch.clear()
        if batch:
            conn.executemany("INSERT OR REPLACE INTO citizen VALUES (?,?,?,?,?)", batch)
            n += len(batch)
        conn.commit()
    finally:
        conn.close()
    os.replace(tmp, target)
    return n
