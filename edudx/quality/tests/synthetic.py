"""A small synthetic population with injected duplicates, for the matcher's tests."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from edudx.quality.dedupe.frames import raw_frame

FAMILY = (
    ["Nguyễn"] * 8
    + ["Trần"] * 3
    + ["Lê"] * 2
    + ["Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
)
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hoàng", "Gia", "Bảo", "Thanh", "Đức", "Quốc", "Khánh", "Anh"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hùng", "Khôi", "Lan", "Linh", "Long", "Mai",
         "Minh", "Nam", "Nga", "Nhi", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tú", "Vy", "Yến", "Nghĩa"]  # fmt: skip


def population(n: int = 3000, dups: int = 120, seed: int = 7) -> tuple[pl.DataFrame, set[tuple[int, int]]]:
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        dob = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(365 * 3))
        pid = f"079{rng.choice('23')}{dob.year % 100:02d}{rng.randrange(10**6):06d}"
        phone = f"09{rng.randrange(10**8):08d}"
        parents = f"{name.split()[0]} Văn {rng.choice(GIVEN)} {rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}"
        rows.append(
            (i, f"79{rng.randrange(20):03d}", f"C{i}", name, dob, "male", pid, "01", phone, "6A1", parents)
        )
    truth = set()
    for k in range(dups):
        src = rows[rng.randrange(n)]
        uid = n + 1 + k
        name, dob, pid, phone = src[3], src[4], src[6], src[8]
        damage = k % 4
        if damage == 0:  # no accents, no ID
            from edudx.core.text import fold

            name, pid = " ".join(w.capitalize() for w in fold(name).split()), None
        elif damage == 1:  # family name last, one digit wrong
            words = name.split()
            name = " ".join(words[1:] + words[:1])
            pid = pid[:-1] + str((int(pid[-1]) + 1) % 10)
        elif damage == 2 and dob.day <= 12 and dob.day != dob.month:  # day and month swapped
            dob, pid = dt.date(dob.year, dob.day, dob.month), None
        else:  # another phone, two digits swapped
            phone = f"03{rng.randrange(10**8):08d}"
            pid = pid[:7] + pid[8] + pid[7] + pid[9:] if pid[7] != pid[8] else None
        rows.append((uid, "79999", f"D{uid}", name, dob, "male", pid, "01", phone, "6A2", src[10]))
        truth.add((src[0], uid))
    return raw_frame(rows), truth
