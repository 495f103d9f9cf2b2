"""Questions in a spreadsheet: a documented XLSX template (sheet "Câu hỏi" to fill, sheet
"Hướng dẫn" explaining each column and kind) and its import, which answers every fault with its
row, column and code — and imports nothing until there is none.

Columns: kind | question | options | answer | tolerance | points | topic. Lists inside a cell
are separated by "|"; a blank's accepted answers by "/".

    single      options A|B|C|D          answer: the right option's number (1 = first)
    multiple    options A|B|C|D          answer: the right options' numbers, "1, 3"
    true_false  —                        answer: đúng / sai (or true / false)
    short       —                        answer: accepted answers, "Hà Nội|Ha Noi"
    numeric     —                        answer: the number; tolerance: how far off still counts
    matching    options left=right|…     —
    ordering    options in the right order
    fill        question with ___ per blank; answer: per blank, "a/b|c"
    essay       —                        graded by the teacher
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from edudx.core.exports import NUMBER, Column, Sheet, xlsx_book
from edudx.core.text import fold

from . import grading

KINDS = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering", "fill", "essay")
COLUMNS = ("kind", "question", "options", "answer", "tolerance", "points", "topic")
LETTERS = "ABCDEFG"
MAX_BYTES = 10 * 1024**2
MAX_ROWS = 5000
MESSAGES = {
    "bad_kind": _(
        "Unknown kind: use single, multiple, true_false, short, numeric, matching, ordering, fill or essay."
    ),
    "required": _("This cell must be filled."),
    "bad_number": _("Not a number."),
    "bad_option": _("Name options by their number, counting from 1."),
    "bad_pair": _("Write each pair as left=right."),
    "bad_true_false": _("Write đúng or sai."),
    "incomplete": _("The answer key is incomplete for this kind."),
    "too_long": _("The text is too long."),
    "file_too_large": _("The file is too large (10 MB at most)."),
    "not_xlsx": _("The file is not an XLSX workbook, or it is damaged."),
    "too_many_rows": _("At most 5,000 questions in one file."),
}


@dataclass
class CellError:
    row: int  # as the spreadsheet numbers it
    column: str  # letter
    code: str
    message: str


@dataclass
class ParsedSheet:
    items: list[tuple[str, str, dict[str, Any], float, str]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def template() -> bytes:
    headers = [
        Column(_("kind"), width=12),
        Column(_("question"), width=50),
        Column(_("options"), width=40),
        Column(_("answer"), width=24),
        Column(_("tolerance"), NUMBER, width=10),
        Column(_("points"), NUMBER, width=8),
        Column(_("topic"), width=30),
    ]
    examples = [
        ("single", "1/2 + 1/2 = ?", "1|2|3", "1", None, 1, "Phân số"),
        ("multiple", "Số nào là số nguyên tố?", "2|4|5|9", "1, 3", None, 1, ""),
        ("true_false", "Hà Nội là thủ đô của Việt Nam.", "", "đúng", None, 1, ""),
        ("short", "Thủ đô của Việt Nam?", "", "Hà Nội|Ha Noi", None, 1, ""),
        ("numeric", "Số pi (2 chữ số thập phân)?", "", "3.14", 0.01, 1, ""),
        ("matching", "Nối nước với thủ đô", "Việt Nam=Hà Nội|Lào=Viêng Chăn", "", None, 2, ""),
        ("ordering", "Sắp xếp tăng dần", "1|2|3|4", "", None, 1, ""),
        ("fill", "Sông ___ chảy qua Hà Nội, sông ___ qua TP.HCM.", "", "Hồng|Sài Gòn", None, 2, ""),
        ("essay", "Viết đoạn văn về mùa thu.", "", "", None, 5, ""),
    ]
    guide = [Column(_("column or kind"), width=16), Column(_("how to fill it"), width=100)]
    lines = [line.strip() for line in (__doc__ or "").split("\n\n", 2)[2].splitlines() if line.strip()]
    rows = [(ln.split()[0], " ".join(ln.split()[1:])) for ln in lines]
    rows.insert(0, ("", str(_("Lists in a cell are separated by |; a blank's accepted answers by /."))))
    return xlsx_book(
        [
            Sheet(name="Câu hỏi", columns=headers, rows=examples),
            Sheet(name="Hướng dẫn", columns=guide, rows=rows),
        ]
    )


def _split(text: str, sep: str = "|") -> list[str]:
    return [p.strip() for p in text.split(sep) if p.strip()]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(kind: str, options: str, answer: str, tolerance: str) -> tuple[dict[str, Any] | None, str, str]:
    """(answer key, column at fault, code) — the key None when the row is at fault."""
    if kind in ("single", "multiple"):
        opts = _split(options)
        if not opts:
            return None, "C", "required"
        try:
            picked = [int(p) - 1 for p in _split(answer.replace(",", "|"))]
        except ValueError:
            return None, "D", "bad_option"
        if (
            not picked
            or any(not 0 <= i < len(opts) for i in picked)
            or (kind == "single" and len(picked) != 1)
        ):
            return None, "D", "bad_option"
        return {"options": opts, "correct": picked}, "", ""
    if kind == "true_false":
        word = fold(answer)
        if word not in ("dung", "sai", "true", "false"):
            return None, "D", "bad_true_false"
        return {"correct": word in ("dung", "true")}, "", ""
    if kind == "short":
        answers = _split(answer)
        return ({"answers": answers, "fold": True}, "", "") if answers else (None, "D", "required")
    if kind == "numeric":
        try:
            value = float(answer.replace(",", "."))
        except ValueError:
            return None, "D", "bad_number"
        try:
            tol = abs(float(tolerance.replace(",", "."))) if tolerance else 0.0
        except ValueError:
            return None, "E", "bad_number"
        return {"value": value, "tolerance": tol}, "", ""
    if kind == "matching":
        pairs = [p.split("=", 1) for p in _split(options)]
        if not pairs or any(len(p) != 2 or not p[0].strip() or not p[1].strip() for p in pairs):
            return None, "C", "bad_pair"
        return {"pairs": [[a.strip(), b.strip()] for a, b in pairs]}, "", ""
    if kind == "ordering":
        items = _split(options)
        return ({"items": items}, "", "") if len(items) >= 2 else (None, "C", "required")
    if kind == "fill":
        blanks = [_split(b, "/") for b in _split(answer)]
        return ({"blanks": blanks, "fold": True}, "", "") if blanks else (None, "D", "required")
    return {}, "", ""


def read(data: bytes) -> ParsedSheet:
    """The first sheet's rows below the header; every fault is reported (row, column, code)."""
    from python_calamine import CalamineWorkbook

    out = ParsedSheet()

    def fault(row: int, column: str, code: str) -> None:
        out.errors.append(CellError(row, column, code, str(MESSAGES.get(code, code))))

    if len(data) > MAX_BYTES:
        fault(0, "", "file_too_large")
        return out
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 20 * MAX_BYTES:
                fault(0, "", "file_too_large")
                return out
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    except Exception:  # noqa: BLE001 — calamine and zipfile raise their own types for a damaged file
        fault(0, "", "not_xlsx")
        return out
    if len(rows) > MAX_ROWS + 1:
        fault(MAX_ROWS + 2, "", "too_many_rows")
        return out
    for n, raw in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in list(raw)[:7]] + [""] * (7 - len(list(raw)[:7]))
        if not any(cells):
            continue
        kind, text, options, answer, tolerance, points_text, topic = cells
        kind = kind.lower()
        if kind not in KINDS:
            fault(n, "A", "bad_kind")
            continue
        if not text:
            fault(n, "B", "required")
            continue
        if len(text) > 20_000 or len(topic) > 300:
            fault(n, "B" if len(text) > 20_000 else "G", "too_long")
            continue
        try:
            points = float(points_text.replace(",", ".")) if points_text else 1.0
            if not 0 < points <= 100:
                raise ValueError
        except ValueError:
            fault(n, "F", "bad_number")
            continue
        key, column, code = _key(kind, options, answer, tolerance)
        if key is None:
            fault(n, column, code)
            continue
        if grading.check_key(kind, key):
            fault(n, "D", "incomplete")
            continue
        out.items.append((kind, text, key, points, topic))
    return out


def error_text(e: CellError) -> str:
    where = _g("row %(row)d, column %(column)s") % {"row": e.row, "column": e.column or "—"}
    return f"{where}: {e.message} [{e.code}]"
