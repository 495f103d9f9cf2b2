"""The vnEdu/SMAS score book (`Kind.reader` of `results`): one sheet per class × subject, a few
header rows naming school code, year, semester, class and subject ("Lớp: 6A1", "Môn học: Toán",
or a label and its value in the next cell), then a table: STT, Mã học sinh, Họ và tên,
ĐĐGtx1…n, ĐĐGgk, ĐĐGck, ĐTBmhk, Nhận xét.

Each sheet's rows are handed on in the long layout (the kind's own headers), the sheet's values
on every row, so the engine checks, previews and commits them as any file (strict mode: one
error anywhere, nothing written). Rows are numbered uniquely in the workbook (sheet number ×
ROW_BASE + the row in the sheet) and `Table.where` gives back (sheet, row): every problem names
the sheet, its row and its column. A sheet refused as a whole (no class, unknown subject,
semester missing, in conflict or not the workbook's, too many regular columns, too large) gives
one error on its header row and hands on no row. ĐTBmhk is never stored: a mismatch with the
average edudx computes is a warning (imports.resolve). Remarks ("Nhận xét") of a scored subject
are not stored; on a comment-only subject (Circular 22) the semester's Đ/CĐ is read from the
ĐTBmhk (or Kết quả) column, else from Nhận xét, and the per-assessment Đ/CĐ marks are not stored.
Only XLSX (openpyxl, read-only: rows are streamed; a sheet is bounded to SHEET_MAX_ROWS rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.ingest import kinds as K

from .choices import SEMESTER, SUBJECT
from .rules import COMMENT_SUBJECTS, SECONDARY_FIRST_GRADE

ROW_BASE = 1_000_000  # rows of one sheet, at most (SHEET_MAX_ROWS is far below)
SHEET_MAX_ROWS = 5_000  # rows read in a sheet (blank ones too): a class's book holds ~50
MAX_SHEETS = 400
HEAD_ROWS = 15  # where the header rows and the table's header are looked for
MAX_COLUMNS = 60

# The long layout's columns the rows are handed on under (the kind's keys, in this order).
KEYS = ("school_code", "year", "semester", "class_name", "student_code", "full_name", "subject",
        "tx1", "tx2", "tx3", "tx4", "tx5", "midterm", "final", "comment", "level", "conduct", "qualities",
        "competences", "absences", "stated_average")  # fmt: skip
# Header rows' labels (folded, compact) → what they name.
LABELS = {
    "matruong": "school_code", "mats": "school_code", "namhoc": "year", "hocki": "semester",
    "hocky": "semester", "hk": "semester", "lop": "class_name", "tenlop": "class_name", "monhoc": "subject",
    "mon": "subject",
}  # fmt: skip
_RESULT_HEADERS = {"ketqua", "kq", "danhgia"}  # a comment subject's semester result column
_REGULAR = re.compile(r"^(ddg)?tx\d+$")
_SEPARATORS = re.compile(r"\s+[-–|;]\s+(?!\d)|;")  # "Lớp: 6A1 - Môn: Toán", not "2025 - 2026"


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    text = str(v).strip()
    return text or None


def _pairs(cells: list[str | None]) -> Iterator[tuple[str, str]]:
    """(what, value) named by a header row: "Lớp: 6A1" in a cell (several parts split by " - "),
    or a label cell and the value in the next filled cell (a merged label keeps its text in the
    first cell only: the next filled cell is the value)."""
    for i, cell in enumerate(cells):
        if not cell:
            continue
        for part in _SEPARATORS.split(cell):
            label, colon, value = part.partition(":")
            what = LABELS.get(K.header_key(label))
            if what is None:
                continue
            value = value.strip() if colon else ""
            if not value:
                value = next((c for c in cells[i + 1 :] if c), "") if colon or part == cell else ""
            if value:
                yield what, value.strip()


def _from_name(name: str) -> dict[str, str]:
    """The sheet's name as a hint: "6A1_Toan", "6A1 - Toán - HK1", "Toán 6A1"."""
    out: dict[str, str] = {}
    rest = []
    for token in re.split(r"[\s_\-–]+", name.strip()):
        if re.fullmatch(r"\d{1,2}[A-Za-zĐđ]\w*", token) and "class_name" not in out:
            out["class_name"] = token
        elif re.fullmatch(r"(?i)hk(1|2|i|ii)", token):
            out["semester"] = token
        elif token:
            rest.append(token)
    if rest:
        out["subject"] = " ".join(rest)
    return out


class _Sheet:
    def __init__(self, number: int, name: str) -> None:
        self.number, self.name = number, name
        self.values: dict[str, str] = {}
        self.columns: dict[int, str] = {}  # cell index → kind key (or "__result")
        self.header_row = 0
        self.refusal: tuple[str, Any] | None = None
        self.notes: list[K.Problem] = []

    def row(self, r: int) -> int:
        return self.number * ROW_BASE + r

    def refuse(self, code: str, message: Any) -> None:
        if self.refusal is None:
            self.refusal = (code, message)


def _header(sheet: _Sheet, head: list[list[str | None]], lookup: dict[str, str]) -> bool:
    """Find the table's header among the first rows (Mã học sinh and a score or comment column,
    no Môn học column: that is the long layout) and read the header rows above it."""
    for at, cells in enumerate(head):
        keys = {i: lookup.get(K.header_key(c)) for i, c in enumerate(cells) if c}
        named = set(keys.values())
        scores = named & {"tx1", "midterm", "final", "comment", "level"}
        if "student_code" not in named or not scores or "subject" in named:
            continue
        sheet.header_row = at + 1
        for i, c in enumerate(cells):
            key = K.header_key(c) if c else ""
            if keys.get(i):
                if keys[i] not in sheet.columns.values():
                    sheet.columns[i] = str(keys[i])
            elif key in _RESULT_HEADERS or key.startswith("dtb"):
                sheet.columns[i] = "__result"
            elif _REGULAR.match(key):
                sheet.refuse(
                    "scorebook_regular_columns",
                    _("A score book has at most 5 regular assessment columns (ĐĐGtx1…ĐĐGtx5)."),
                )
        for cells_above in head[:at]:
            for what, value in _pairs(cells_above):
                sheet.values.setdefault(what, value)
        return True
    return False


_MISSING = (
    ("school_code", "scorebook_school_missing",
     _("The header rows name no school code: add a row “Mã trường: …” above the table.")),
    ("year", "scorebook_year_missing",
     _("The header rows name no school year: add a row “Năm học: 2025-2026” above the table.")),
    ("class_name", "scorebook_class_missing",
     _("Neither the header rows nor the sheet's name name a class (“Lớp: 6A1”).")),
    ("subject", "scorebook_subject_missing",
     _("Neither the header rows nor the sheet's name name a subject (“Môn học: Toán”).")),
)  # fmt: skip


def _check(sheet: _Sheet, book: dict[str, str]) -> None:
    hint = _from_name(sheet.name)
    for what in ("school_code", "year"):
        if what not in sheet.values and what in book:
            sheet.values[what] = book[what]
    for what in ("class_name", "subject"):
        if what not in sheet.values and what in hint:
            sheet.values[what] = hint[what]
    given = sheet.values.get("semester")
    semester = SEMESTER(given) if given else None
    named = SEMESTER(hint["semester"]) if "semester" in hint else None
    missing = next(((code, message) for what, code, message in _MISSING if what not in sheet.values), None)
    if missing is not None:
        sheet.refuse(*missing)
    elif SUBJECT(sheet.values["subject"]) is None:
        sheet.refuse(
            "scorebook_subject_unknown",
            _("The subject “%(subject)s” is not a subject of the curriculum.")
            % {"subject": sheet.values["subject"][:60]},
        )
    elif semester is None and named is None:
        sheet.refuse(
            "scorebook_semester_missing", _("The header rows name no semester (“Học kì: I” or “Học kì: II”).")
        )
    elif semester is not None and named is not None and semester != named:
        sheet.refuse(
            "scorebook_semester_conflict", _("The header rows and the sheet's name name different semesters.")
        )
    else:
        sheet.values["semester"] = semester or named or ""
        book.setdefault("semester", sheet.values["semester"])
        if sheet.values["semester"] != book["semester"]:
            sheet.refuse(
                "scorebook_semester_mixed",
                _(
                    "This sheet is of another semester than the workbook's first sheet: a score book is one semester's; import each semester on its own."
                ),
            )


def _grade(class_name: str) -> int:
    m = re.match(r"\d+", class_name)
    return int(m.group()) if m else SECONDARY_FIRST_GRADE


def _row_values(sheet: _Sheet, cells: tuple[Any, ...]) -> dict[str, str | None]:
    """The sheet's cells as the long layout's values. A formula in a score cell is handed on as
    its text ("=…"): the kind refuses the row (`score_formula`); ĐTBmhk as a formula is not read."""
    subject = SUBJECT(sheet.values["subject"])
    comment_only = subject in COMMENT_SUBJECTS and _grade(sheet.values["class_name"]) >= SECONDARY_FIRST_GRADE
    out: dict[str, str | None] = {
        k: sheet.values.get(k) for k in ("school_code", "year", "semester", "class_name", "subject")
    }
    result = None
    for i, key in sheet.columns.items():
        v = _text(cells[i]) if i < len(cells) else None
        if key in ("__result", "stated_average"):
            result = None if v and v.startswith("=") else v
        elif comment_only and key in _SCORED and v and not v.startswith("=") and not _is_number(v):
            continue  # a comment subject's Đ/CĐ per assessment: only the semester's is stored
        else:
            out[key] = v
    if comment_only:
        out["comment"] = result if result and not _is_number(result) else out.get("comment")
    else:
        out["comment"] = None  # a scored subject's remarks (Nhận xét) are not stored
        out["stated_average"] = result
    return out


_SCORED = ("tx1", "tx2", "tx3", "tx4", "tx5", "midterm", "final")


def _is_number(v: str) -> bool:
    try:
        float(v.replace(",", "."))
    except ValueError:
        return False
    return True


def _lookup() -> dict[str, str]:
    """Folded header text → the kind's column key (the engine's header table of `results`)."""
    out: dict[str, str] = {}
    for col in K.get("results").columns:
        for label in (col.key, str(col.header), *col.aliases):
            out.setdefault(K.header_key(label), col.key)
    return out


def read(path: Path, fmt: str, chunk_rows: int) -> K.Table | None:
    """A Table of every score-book sheet, or None when no sheet is one (the long layout: the
    engine's reader)."""
    if fmt != K.XLSX:
        return None
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        return None  # the engine's reader says what is wrong with the file
    try:
        found = _sheets(wb)
    except Exception:  # noqa: BLE001 - a damaged part: the engine's reader refuses the file
        wb.close()
        return None
    if found is None:
        wb.close()
        return None
    sheets, notes = found
    names = {s.number: s.name for s, _ws in sheets}
    headers = [_HEADERS.get(k) or str(K.get("results").column(k).header) for k in KEYS]
    table = K.Table(headers=headers, chunks=_chunks(wb, sheets, chunk_rows), notes=notes)
    table.where = lambda n: (names.get(n // ROW_BASE, ""), n % ROW_BASE)
    return table


_HEADERS = {"stated_average": "ĐTBmhk"}


def _sheets(wb: Any) -> tuple[list[tuple[_Sheet, Any]], list[K.Problem]] | None:
    lookup = _lookup()
    sheets: list[tuple[_Sheet, Any]] = []
    notes: list[K.Problem] = []
    for number, ws in enumerate(wb.worksheets[:MAX_SHEETS], start=1):
        if ws.title in K.TEMPLATE_SHEETS:
            continue  # a guide / list sheet (the example workbook's, the template's)
        if getattr(ws, "sheet_state", "visible") != "visible":  # not read: the officer is told
            notes.append(
                K.Problem(0, ws.title, "scorebook_sheet_hidden", K.WARNING, _HIDDEN % {"name": ws.title[:60]})
            )
            continue
        sheet = _Sheet(number, ws.title)
        rows = ws.iter_rows(max_row=HEAD_ROWS, max_col=MAX_COLUMNS, values_only=True)
        head = [[_text(v) for v in row] for row in rows]
        if _header(sheet, head, lookup):
            sheets.append((sheet, ws))
        elif any(any(r) for r in head):
            notes.append(
                K.Problem(
                    0, ws.title, "scorebook_sheet_skipped", K.WARNING, _SKIPPED % {"name": ws.title[:60]}
                )
            )
    if not sheets:
        return None
    if len(wb.worksheets) > MAX_SHEETS:
        notes.append(
            K.Problem(0, "", "scorebook_too_many_sheets", K.ERROR, _TOO_MANY_SHEETS % {"n": MAX_SHEETS})
        )
    book: dict[str, str] = {}
    for sheet, _ws in sheets:  # a workbook is one school's, one year's: a value any sheet names
        for what in ("school_code", "year"):
            if what in sheet.values:
                book.setdefault(what, sheet.values[what])
    for sheet, ws in sheets:
        _check(sheet, book)
        if (getattr(ws, "max_row", None) or 0) > SHEET_MAX_ROWS:  # the sheet's own dimension
            sheet.refuse("scorebook_sheet_too_large", _TOO_LARGE % {"n": _count(SHEET_MAX_ROWS)})
        if sheet.refusal is not None:
            code, message = sheet.refusal
            notes.append(K.Problem(sheet.row(sheet.header_row), "", code, K.ERROR, message))
    return sheets, notes


_SKIPPED = _(
    "The sheet “%(name)s” is not a score book (no table with Mã học sinh and scores): it was not read."
)
_HIDDEN = _(
    "The sheet “%(name)s” is hidden in the workbook: it was not read. If it holds scores, unhide it and import again."
)
_TOO_MANY_SHEETS = _("A workbook holds at most %(n)s sheets.")
_TOO_LARGE = _("The sheet has more than %(n)s rows: a class's score book holds far fewer.")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _chunks(wb: Any, sheets: list[tuple[_Sheet, Any]], chunk_rows: int) -> Iterator[pl.DataFrame]:
    buf: list[list[str | None]] = []
    try:
        for sheet, ws in sheets:
            if sheet.refusal is not None:
                continue
            first = sheet.header_row + 1
            rows = ws.iter_rows(min_row=first, max_col=MAX_COLUMNS, values_only=True)
            for r, cells in enumerate(rows, start=first):
                if r > SHEET_MAX_ROWS:  # the dimension said less: the file is refused whole
                    raise K.FileRejected(
                        "scorebook_sheet_too_large",
                        _(
                            "The sheet “%(name)s” has more than %(n)s rows: a class's score book holds far fewer."
                        )
                        % {"name": sheet.name[:60], "n": _count(SHEET_MAX_ROWS)},
                    )
                values = _row_values(sheet, cells)
                if not values.get("student_code") and not any(values.get(k) for k in _DATA):
                    continue  # blank, or a footer line (signatures, totals)
                buf.append([str(sheet.row(r)), *[values.get(k) for k in KEYS]])
                if len(buf) >= chunk_rows:
                    yield _frame(buf)
                    buf = []
        if buf:
            yield _frame(buf)
    finally:
        wb.close()


_DATA = ("tx1", "tx2", "tx3", "tx4", "tx5", "midterm", "final", "comment", "level")


def _frame(buf: list[list[str | None]]) -> pl.DataFrame:
    cols: dict[str, Any] = {K.ROW: [int(r[0] or 0) for r in buf]}
    cols.update({f"c{i}": [r[i + 1] for r in buf] for i in range(len(KEYS))})
    return pl.DataFrame(cols, schema={K.ROW: pl.Int64, **{f"c{i}": pl.String for i in range(len(KEYS))}})
