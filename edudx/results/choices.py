"""What people type in a results file, mapped to stored codes (subjects, semesters, comments,
primary levels, conduct): folded text, so accents, case and spacing do not matter."""

from __future__ import annotations

from edudx.core.rules.curriculum import Subject
from edudx.core.text import fold


def _chooser(table: dict[str, str]):
    folded = {fold(k): v for k, v in table.items()}

    def pick(value: str) -> str | None:
        return folded.get(fold(value))

    return pick


def _subjects() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, label in Subject.choices:
        out[code] = code
        text = str(label)
        if "(" in text:
            out[text[text.index("(") + 1 : text.rindex(")")]] = code
        out[text] = code
    extra = {
        "tiếng anh": "ngoai_ngu", "ngoại ngữ": "ngoai_ngu", "giáo dục công dân": "gdcd", "lịch sử và địa lý": "ls_dl",
        "khoa học tự nhiên": "khtn", "vật lý": "vat_li", "hoá học": "hoa_hoc", "địa lý": "dia_li",
        "giáo dục kinh tế và pháp luật": "gdkt_pl", "gdktpl": "gdkt_pl", "giáo dục thể chất": "gdtc",
        "thể dục": "gdtc", "mỹ thuật": "mi_thuat", "hđtn": "hdtn", "hđtn-hn": "hdtn",
        "hoạt động trải nghiệm, hướng nghiệp": "hdtn", "hoạt động trải nghiệm": "hdtn",
        "nội dung giáo dục địa phương": "dia_phuong", "giáo dục địa phương": "dia_phuong", "gdđp": "dia_phuong",
        "giáo dục quốc phòng và an ninh": "gdqp", "gdqp-an": "gdqp", "tự nhiên và xã hội": "tnxh",
    }  # fmt: skip
    return {**out, **extra}


SUBJECT = _chooser(_subjects())
SEMESTER = _chooser({"1": "1", "i": "1", "hk1": "1", "hki": "1", "học kì 1": "1", "học kì i": "1",
                     "học kỳ 1": "1", "học kỳ i": "1", "2": "2", "ii": "2", "hk2": "2", "hkii": "2",
                     "học kì 2": "2", "học kì ii": "2", "học kỳ 2": "2", "học kỳ ii": "2"})  # fmt: skip
COMMENT = _chooser({"đ": "D", "đạt": "D", "d": "D", "dat": "D", "cđ": "C", "chưa đạt": "C", "cd": "C"})
LEVEL = _chooser({"t": "T", "hoàn thành tốt": "T", "httt": "T", "htt": "T", "h": "H", "hoàn thành": "H",
                  "ht": "H", "c": "C", "chưa hoàn thành": "C", "cht": "C"})  # fmt: skip
RATING = _chooser(
    {"t": "T", "tốt": "T", "đ": "D", "đạt": "D", "d": "D", "c": "C", "ccg": "C", "cần cố gắng": "C"}
)
CONDUCT = _chooser(
    {"t": "T", "tốt": "T", "k": "K", "khá": "K", "đ": "D", "đạt": "D", "cđ": "C", "chưa đạt": "C"}
)
