"""Synthetic student files with the template's headers (used until `edudx generate` lands).

Names, dates, IDs and phones are shaped like real sector exports; a small share of values
need repair (ISO dates, IDs that lost the leading zero, odd spacing) so the normaliser works.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADERS = [
    "Mã trường", "Lớp", "Năm học", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính",
    "Số định danh cá nhân", "Dân tộc", "Số điện thoại phụ huynh",
]  # fmt: skip
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Gia", "Quốc", "Hoàng", "Bảo", "Thuỳ", "Anh", "Đức"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Linh", "Long", "Mai", "Nam",
         "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Vy", "Yến"]  # fmt: skip
# grade range per level, as the city's schools are generated (school code → level)
LEVEL_GRADES = {"TH": (1, 5), "THCS": (6, 9), "THPT": (10, 12)}


def school_codes(n: int) -> list[tuple[str, str]]:
    levels = ["TH"] * 5 + ["THCS"] * 3 + ["THPT"] * 2
    return [(f"79{i:06d}", levels[i % len(levels)]) for i in range(n)]


def write_students(
    path: Path, rows: int, *, schools: list[tuple[str, str]], seed: int = 7, dirty: bool = True
) -> Path:
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(rows):
            code, level = schools[i % len(schools)]
            lo, hi = LEVEL_GRADES[level]
            grade = lo + (i // len(schools)) % (hi - lo + 1)
            cls = f"{grade}A{1 + (i // (len(schools) * 7)) % 12}"
            year = 2025 - grade - 6
            sex = rnd.random() < 0.5
            name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
            day, month = rnd.randint(1, 28), rnd.randint(1, 12)
            dob = f"{day:02d}/{month:02d}/{year}"
            g = (2 if year >= 2000 else 0) + (0 if sex else 1)
            pid = f"079{g}{year % 100:02d}{i % 1_000_000:06d}"
            phone = f"09{rnd.randint(0, 99_999_999):08d}"
            if dirty and i % 50 == 0:
                dob = f"{year}-{month:02d}-{day:02d}"
            if dirty and i % 70 == 0:
                name = "  " + name.lower()
            w.writerow(
                [code, cls, "2025-2026", f"79{i:08d}", name, dob, "Nam" if sex else "Nữ", pid, "Kinh", phone]
            )
    return path
