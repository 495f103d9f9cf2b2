"""XLSX, XLS and ODS through python-calamine: the first visible sheet, in chunks of text cells."""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from ...kinds import ROW
from ..problems import WARNING, FileRejected, Problem
from ..receive import ODS, XLS, XLSX, limit
from .common import (
    HEADER_SCAN_ROWS,
    TEMPLATE_SHEETS,
    Table,
    _col_letter,
    _extra_header_note,
    _extra_header_rows,
    _header_index,
    notes_merged,
)
from .ods import _ods_notes
from .xls import _xls_formulas
from .xlsx import _refuse_shape, _xlsx_scan


# ----- XLSX / XLS / ODS
def _cell_text(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        if v.hour == v.minute == v.second == 0:
            return v.strftime("%d/%m/%Y")
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, bool):
        return "1" if v else "0"
    text = str(v).strip()
    return text or None


def read_workbook(path: Path, fmt: str, *, chunk_rows: int) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileRejected("file_corrupt", _("The spreadsheet is damaged and cannot be opened.")) from exc
    notes: list[Problem] = []
    visible = [m for m in wb.sheets_metadata if str(m.visible).lower().endswith("visible")]
    # The platform's own template carries a guide and a hidden list sheet: not worth a warning.
    hidden = [m.name for m in wb.sheets_metadata if m not in visible and m.name not in TEMPLATE_SHEETS]
    if not visible:
        raise FileRejected("no_visible_sheet", _("The workbook has no visible sheet."))
    if hidden:
        notes.append(
            Problem(
                0,
                "",
                "sheet_hidden",
                WARNING,
                _("Hidden sheets were ignored: %(names)s. Only the first visible sheet is read.")
                % {"names": ", ".join(hidden)},
            )
        )
    sheet_name = visible[0].name
    if len([m for m in visible[1:] if m.name not in TEMPLATE_SHEETS]) > 0:
        notes.append(
            Problem(
                0,
                "",
                "sheet_extra",
                WARNING,
                _("Only the first sheet “%(name)s” was read; other sheets were ignored.")
                % {"name": sheet_name},
            )
        )
    max_cols = limit("INGEST_MAX_COLUMNS", 500)
    max_rows = limit("INGEST_MAX_ROWS", 3_000_000)
    sheet_index = [m.name for m in wb.sheets_metadata].index(sheet_name)
    formulas: list[Problem] = []
    if fmt == XLSX:
        # calamine holds the whole sheet in memory once it is opened (a dense grid of cells):
        # measure the sheet's XML as a stream first and refuse what would not fit.
        try:
            shape = _xlsx_scan(
                path,
                sheet_index=sheet_index,
                stop_above=(max_rows + 1, limit("INGEST_MAX_WORKBOOK_CELLS", 2_000_000)),
            )
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise FileRejected("file_corrupt", _("The spreadsheet is damaged and cannot be opened.")) from exc
        formulas = shape.formulas
        _refuse_shape(shape, max_rows=max_rows, max_cols=max_cols)
    try:
        sheet = wb.get_sheet_by_name(sheet_name)
    except Exception as exc:  # calamine's XmlError, ZipError…: a part that does not parse
        raise FileRejected("file_corrupt", _("The spreadsheet is damaged and cannot be opened.")) from exc
    if sheet.width > max_cols * 4 or sheet.total_width > 16384:
        raise FileRejected("too_many_columns", _("The file has too many columns."))
    if sheet.height > max_rows + 1:
        raise FileRejected("too_many_rows", _("The file has too many rows."))
    start_row = sheet.start[0] if sheet.start else 0
    for (r0, c0), (r1, c1) in getattr(sheet, "merged_cell_ranges", None) or []:
        notes.append(
            Problem(
                r0 + 1,
                _col_letter(c0),
                "merged_cells",
                WARNING,
                _("Merged cells %(range)s: only the first cell keeps the value; unmerge them in the source.")
                % {"range": f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"},
            )
        )
    if fmt == XLSX:
        notes.extend(formulas)
    elif fmt == XLS:
        notes.extend(_xls_formulas(path, sheet_index=sheet_index))
    elif fmt == ODS:
        notes.extend(_ods_notes(path, sheet_name=sheet_name, merged_known=bool(notes_merged(notes))))

    rows = sheet.iter_rows()
    head: list[list[str | None]] = []
    for raw in rows:
        head.append([_cell_text(v) for v in raw])
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not any(any(cells) for cells in head):
        raise FileRejected("file_empty", _("The file is empty."))
    at = _header_index(head)
    header_row = start_row + 1 + at
    headers = [c or "" for c in head[at]]
    extra = _extra_header_rows(head, at)
    notes.extend(_extra_header_note(header_row + 1 + i) for i in range(extra))
    rest = head[at + 1 + extra :]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > max_cols:
        raise FileRejected("too_many_columns", _("The file has too many columns."))
    n = len(headers)
    names = [f"c{i}" for i in range(n)]

    def chunks() -> Iterator[pl.DataFrame]:
        buf: list[list[str | None]] = []
        numbers: list[int] = []
        row_no = header_row + extra  # the rows after the header (and its extra rows) follow
        for cells in itertools.chain(rest, ([_cell_text(v) for v in raw] for raw in rows)):
            row_no += 1
            cells = cells[:n] + [None] * (n - len(cells))
            if not any(cells) or [c or "" for c in cells] == headers:  # blank, or the header again
                continue
            buf.append(cells)
            numbers.append(row_no)
            if len(buf) >= chunk_rows:
                yield _frame(buf, numbers, names)
                buf, numbers = [], []
        if buf:
            yield _frame(buf, numbers, names)

    return Table(headers=headers, chunks=chunks(), notes=notes, sheet=sheet_name)


def _frame(buf: list[list[str | None]], numbers: list[int], names: list[str]) -> pl.DataFrame:
    cols = {name: [r[i] for r in buf] for i, name in enumerate(names)}
    return pl.DataFrame({ROW: numbers, **cols}, schema={ROW: pl.Int64, **dict.fromkeys(names, pl.String)})
