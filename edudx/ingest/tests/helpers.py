from __future__ import annotations

import csv
import io
from pathlib import Path

HEADERS = [
    "Mã trường", "Lớp", "Năm học", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính",
    "Số định danh cá nhân", "Dân tộc", "Số điện thoại phụ huynh",
]  # fmt: skip


def student_row(school="79000001", cls="6A1", code="7990000001", name="Nguyễn Văn Mới", dob="01/03/2014",
                gender="Nam", pid="079214900001", eth="Kinh", phone="0901234567", year="2025-2026"):  # fmt: skip
    return [school, cls, year, code, name, dob, gender, pid, eth, phone]


def write_csv(path: Path, rows, headers=HEADERS, encoding="utf-8", sep=",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    text = buf.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: letters with shape marks precomposed, tones combining."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
            out.append((base + "".join(c for c in d if c in tones)).encode("cp1258"))
    return b"".join(out)
