"""Stage 8 — report: problems as CSV, JSON, or the user's own workbook with problem cells
highlighted and commented. No exported cell ever starts a formula (= + - @)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edudx.core.exports import FORMULA_START, safe_text

COLUMNS = ("row", "column", "code", "severity", "message")
# What a person reads: the severity as a word, the problem before its code.
SEVERITY_LABELS = {
    "error": pgettext_lazy("problem severity", "Error"),
    "warning": pgettext_lazy("problem severity", "Warning"),
}
LISTING_HEADINGS = (_("Row"), _("Column"), _("Severity"), _("Problem"), _("Code"))


def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))


def for_display(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems as the run's page shows them: the severity as a word beside the stored values."""
    return [{**p, "severity_label": severity_label(p["severity"])} for p in problems]


def diff_rows(diffs: list[dict[str, Any]], header_of: dict[str, str]) -> list[dict[str, Any]]:
    """One line per changed field, the field named by the user's own header."""
    return [
        {"row": d["row"], "field": header_of.get(k, k), "before": pair[0], "after": pair[1]}
        for d in diffs
        for k, pair in d["changes"].items()
    ]


def safe(value: Any) -> Any:
    """A cell a spreadsheet never runs as a formula (core.exports' one guard)."""
    return safe_text(value) if isinstance(value, str) else value


# Control characters (other than tab, LF, CR) are not allowed in an XLSX cell: openpyxl
# refuses them (IllegalCharacterError), so a CSV that holds one could not get its marked copy.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_value(value: Any) -> Any:
    """A value as an XLSX cell may hold it: no formula start, control characters shown as \ufffd."""
    value = safe(value)
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("\ufffd", value)
    return value


def as_csv(problems: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for p in problems:
        w.writerow([safe(p[c]) for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def as_json(problems: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        [{c: safe(p[c]) for c in COLUMNS} for p in problems], ensure_ascii=False, indent=1
    ).encode()


def as_xlsx(
    problems: list[dict[str, Any]],
    *,
    source: Path | None,
    fmt: str,
    headers: list[str],
    sheet_title: str = "",
) -> bytes:
    """The user's rows with problem cells highlighted and commented, plus a sheet listing problems."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    yellow = PatternFill("solid", fgColor="FFEB9C")
    try:
        wb, ws = _workbook_of(source, fmt, headers, sheet_title)
    except Exception:  # noqa: BLE001 - a file the check refused (corrupt, not a sheet): the problems alone
        wb, ws = _new_workbook(headers)
    col_of = {str(h).strip(): i + 1 for i, h in enumerate(headers) if h}
    by_cell: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for p in problems:
        col = _column_index(p["column"], col_of)
        if p["row"] and col:
            by_cell.setdefault((p["row"], col), []).append(p)
    for (r, c), items in by_cell.items():
        cell = ws.cell(row=r, column=c)
        cell.fill = red if any(i["severity"] == "error" for i in items) else yellow
        text = "\n".join(f"{severity_label(i['severity'])}: {i['message']} ({i['code']})" for i in items)[
            :2000
        ]
        cell.comment = Comment(_XLSX_ILLEGAL.sub("\ufffd", text), "edudx")
    listing = wb.create_sheet(str(_("Problems"))[:31])
    listing.append([str(h) for h in LISTING_HEADINGS])
    for p in problems:
        values = (p["row"] or "", p["column"], severity_label(p["severity"]), p["message"], p["code"])
        listing.append([xlsx_value(v) for v in values])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _new_workbook(headers: list[str]) -> tuple[Any, Any]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Data"))[:31]
    ws.append([xlsx_value(h) for h in headers])
    return wb, ws


def _workbook_of(source: Path | None, fmt: str, headers: list[str], sheet_title: str) -> tuple[Any, Any]:
    """The user's own workbook (XLSX), or a new one holding the rows of any other format."""
    from openpyxl import load_workbook

    if source is not None and fmt == "xlsx":
        # From an open file, not the path: openpyxl refuses a path whose name does not end in
        # .xlsx, and the stored copy of an upload (services.local_copy) may have none.
        with source.open("rb") as fh:
            wb = load_workbook(fh)
        ws = wb[sheet_title] if sheet_title in wb.sheetnames else wb.worksheets[0]
        _defuse(ws)
        return wb, ws
    wb, ws = _new_workbook(headers)
    if source is not None:
        from .read import read
        from .receive import receive

        table = read(receive(source))
        first = True
        try:
            for chunk in table.chunks:
                for tup in chunk.iter_rows():
                    row_no = tup[0]
                    if first and row_no > 2:  # a title block above the header: keep the file's row numbers
                        ws.delete_rows(1)
                        for i, h in enumerate(headers, start=1):
                            ws.cell(row=row_no - 1, column=i, value=xlsx_value(h))
                    first = False
                    for i, v in enumerate(tup[1:], start=1):
                        if v is not None:
                            ws.cell(row=row_no, column=i, value=xlsx_value(v))
        finally:
            table.close()
    return wb, ws


_LETTERS = re.compile(r"[A-Z]{1,3}")


def _column_index(column: str, col_of: dict[str, int]) -> int:
    """A problem's column by the user's header text, or by its letter (the reader names a cell
    it found while scanning the sheet — a formula, a merged range — by its letter)."""
    if column in col_of:
        return col_of[column]
    if _LETTERS.fullmatch(column or ""):
        from openpyxl.utils import column_index_from_string

        return int(column_index_from_string(column))
    return 0


def _defuse(ws: Any) -> None:  # an openpyxl worksheet (openpyxl ships no types)
    """Formulas in the user's sheet are kept as their text, never re-armed in our export."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.value = "'" + cell.value
