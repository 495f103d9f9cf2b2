"""Result files for tests: the long layout the `results` kind reads."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from edudx.core.actor import Via
from edudx.ingest.engine import pipeline
from edudx.ingest.kinds import get

HEADERS = ["Mã trường", "Năm học", "Học kì", "Lớp", "Mã học sinh", "Môn học", "ĐĐGtx1", "ĐĐGtx2", "ĐĐGtx3",
           "ĐĐGtx4", "ĐĐGgk", "ĐĐGck", "Nhận xét", "Rèn luyện", "Số ngày nghỉ"]  # fmt: skip
SCORED = ("Toán", "Ngữ văn", "Tiếng Anh", "GDCD", "Lịch sử và Địa lí", "KHTN", "Công nghệ", "Tin học")
COMMENTED = ("GDTC", "HĐTN")


def pupil_rows(school: Any, student: Any, semester: int, score: str, *, comment: str = "Đ",
               conduct: str = "Tốt", absences: str = "1") -> list[list[str]]:  # fmt: skip
    rows = [
        [school.moet_code, "2025-2026", str(semester), "6a1", student.moet_code, s, score, score, score, score,
         score, score, "", conduct if i == 0 else "", absences if i == 0 else ""]
        for i, s in enumerate(SCORED)
    ]  # fmt: skip
    rows += [
        [school.moet_code, "2025-2026", str(semester), "6A1", student.moet_code, s, "", "", "", "", "", "", comment if j == 0 else "Đ", "", ""]
        for j, s in enumerate(COMMENTED)
    ]  # fmt: skip
    return rows


def write(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def run(city: Any, role: str, path: Path, *, write_: bool = True, mode: str = "strict") -> pipeline.Outcome:
    actor = city.actor_of(role).with_source("import:test", via=Via.IMPORT)
    return pipeline.process(kind=get("results"), path=path, actor=actor, write=write_, mode=mode)
