"""Stage 2 — read: stream the first visible sheet as chunks of text cells, memory bounded.

CSV goes through polars (≈1 M rows/s); XLSX, XLS and ODS through python-calamine. Every cell
comes out as text (or None); typing is the normaliser's job. Each chunk carries `__row`, the
row number the user sees in the spreadsheet (header = 1, first data row = 2).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from .problems import WARNING, FileRejected, Problem
from .receive import CSV, ODS, XLS, XLSX, Received, limit

ROW = "__row"


@dataclass
class Table:
    headers: list[str]
    chunks: Iterator[pl.DataFrame]
    notes: list[Problem] = field(default_factory=list)  # hidden sheets, merged cells, formulas…
    encoding: str = ""
    sheet: str = ""
    cleanup: list[Path] = field(default_factory=list)

    def close(self) -> None:
        for p in self.cleanup:
            p.unlink(missing_ok=True)


def read(received: Received, *, chunk_rows: int = 50_000) -> Table:
    if received.format == CSV:
        return read_csv(received.path, chunk_rows=chunk_rows)
    return read_workbook(received.path, received.format, chunk_rows=chunk_rows)


# ----- CSV
def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith(codecs.BOM_UTF16_LE):
            return "utf-16-le"
        if head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16-be"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"  # Vietnamese Windows code page: what Excel writes on a VN machine
    return "utf-8"


def _utf8_copy(path: Path, encoding: str) -> Path:
    """Transcode to UTF-8 in a temporary file, block by block (bounded memory)."""
    tmp = tempfile.NamedTemporaryFile(prefix="edudx-ingest-", suffix=".csv", delete=False)  # noqa: SIM115
    skip_bom = encoding in ("utf-16-le", "utf-16-be")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with path.open("rb") as src, tmp:
        first = True
        for block in iter(lambda: src.read(1 << 20), b""):
            text = decoder.decode(block)
            if first and skip_bom:
                text = text.lstrip("\ufeff")
                first = False
            tmp.write(text.encode("utf-8"))
        tmp.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(tmp.name)


def read_csv(path: Path, *, chunk_rows: int) -> Table:
    encoding = detect_encoding(path)
    cleanup: list[Path] = []
    src = path
    if encoding not in ("utf-8", "utf-8-sig"):
        src = _utf8_copy(path, encoding)
        cleanup.append(src)
    max_cols = limit("INGEST_MAX_COLUMNS", 500)
    with src.open("rb") as fh:
        first = fh.readline(1 << 20)
    if first and not first.endswith(b"\n") and src.stat().st_size > len(first):
        raise FileRejected("too_many_columns", _("The header row is far too long (too many columns)."))
    line = first.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not line.strip():
        raise FileRejected("file_empty", _("The file is empty."))
    sep = max((",", ";", "\t", "|"), key=line.count)
    headers = next(csv.reader(io.StringIO(line), delimiter=sep))
    if len(headers) > max_cols:
        raise FileRejected("too_many_columns", _("The file has too many columns."))
    n = len(headers)
    names = [f"c{i}" for i in range(n)]
    lf = pl.scan_csv(
        src,
        has_header=False,
        skip_rows=1,
        separator=sep,
        infer_schema=False,
        new_columns=names,
        schema_overrides=dict.fromkeys(names, pl.String),
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
        quote_char='"',
    ).with_row_index(ROW, offset=2)

    def chunks() -> Iterator[pl.DataFrame]:
        max_rows = limit("INGEST_MAX_ROWS", 3_000_000)
        seen = 0
        try:
            batches = iter(lf.collect_batches(chunk_size=chunk_rows))
            first = next(batches, None)
        except pl.exceptions.NoDataError:
            return
        if first is None:
            return
        for batch in itertools.chain([first], batches):
            if batch.height == 0:
                continue
            seen += batch.height
            if seen > max_rows:
                raise FileRejected("too_many_rows", _("The file has too many rows."))
            # Empty fields arrive as null; surrounding spaces are left to the normalisers, whose
            # fast paths are anchored patterns (a padded value simply takes the slow path).
            yield batch.with_columns(pl.col(ROW).cast(pl.Int64))

    return Table(headers=headers, chunks=chunks(), encoding=encoding, cleanup=cleanup)


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
    hidden = [m.name for m in wb.sheets_metadata if m not in visible]
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
    if len(visible) > 1:
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
    sheet = wb.get_sheet_by_name(sheet_name)
    max_cols = limit("INGEST_MAX_COLUMNS", 500)
    max_rows = limit("INGEST_MAX_ROWS", 3_000_000)
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
    sheet_index = [m.name for m in wb.sheets_metadata].index(sheet_name)
    if fmt == XLSX:
        notes.extend(_xlsx_formulas(path, sheet_index=sheet_index))
    elif fmt == XLS:
        notes.extend(_xls_formulas(path, sheet_index=sheet_index))
    elif fmt == ODS:
        notes.extend(_ods_notes(path, sheet_name=sheet_name, merged_known=bool(notes_merged(notes))))

    rows = sheet.iter_rows()
    header_row = start_row + 1
    headers: list[str] | None = None
    for raw in rows:
        cells = [_cell_text(v) for v in raw]
        if any(cells):
            headers = [c or "" for c in cells]
            break
        header_row += 1
    if headers is None:
        raise FileRejected("file_empty", _("The file is empty."))
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > max_cols:
        raise FileRejected("too_many_columns", _("The file has too many columns."))
    n = len(headers)
    names = [f"c{i}" for i in range(n)]

    def chunks() -> Iterator[pl.DataFrame]:
        buf: list[list[str | None]] = []
        numbers: list[int] = []
        row_no = header_row
        for raw in rows:
            row_no += 1
            cells = [_cell_text(v) for v in raw[:n]]
            if not any(cells):
                continue
            cells += [None] * (n - len(cells))
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


def _col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


_CELL_WITH_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>\s*<f[ >/]')
_SHEET_ENTRY = re.compile(rb'<sheet [^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_REV = re.compile(rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


def _xlsx_sheet_part(zf: zipfile.ZipFile, sheet_index: int) -> str:
    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
        ids = _SHEET_ENTRY.findall(wb)
        targets = dict(_REL.findall(rels)) | {k: v for v, k in _REL_REV.findall(rels)}
        target = targets[ids[sheet_index]].decode()
        return target.lstrip("/") if target.startswith("/") else "xl/" + target
    except (KeyError, IndexError):
        return f"xl/worksheets/sheet{sheet_index + 1}.xml"


def _xlsx_formulas(path: Path, *, sheet_index: int, max_listed: int = 1000) -> list[Problem]:
    """Formula cells: we read the value Excel cached; say so, cell by cell (streamed XML scan)."""
    out: list[Problem] = []
    with zipfile.ZipFile(path) as zf:
        part = _xlsx_sheet_part(zf, sheet_index)
        if part not in zf.namelist():
            return out
        with zf.open(part) as fh:
            tail = b""
            for block in iter(lambda: fh.read(1 << 20), b""):
                data = tail + block
                last = 0
                for m in _CELL_WITH_FORMULA.finditer(data):
                    last = m.end()
                    if len(out) < max_listed:
                        out.append(_formula_note(int(m.group(2)), m.group(1).decode()))
                tail = data[max(last, len(data) - 512) :]
    return out


def notes_merged(notes: list[Problem]) -> list[Problem]:
    return [n for n in notes if n.code == "merged_cells"]


def _formula_note(row: int, col: str) -> Problem:
    return Problem(
        row,
        col,
        "formula_cached_value",
        WARNING,
        _("The cell holds a formula; its last calculated value was used."),
    )


# BIFF8 record types (Microsoft's [MS-XLS]): a sheet's substream starts at the offset its
# BoundSheet8 record gives and ends at EOF; each Formula record names its cell (row, column).
_BIFF_BOUNDSHEET, _BIFF_FORMULA, _BIFF_EOF = 0x0085, 0x0006, 0x000A


def _xls_formulas(path: Path, *, sheet_index: int, max_listed: int = 1000) -> list[Problem]:
    """Formula cells of an Excel 97–2003 sheet, found by walking the BIFF records of the
    workbook stream (calamine gives values only)."""
    import struct

    import olefile

    out: list[Problem] = []
    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return out
            data = ole.openstream(name).read()
    except (OSError, olefile.olefile.OleFileError):
        return out  # calamine already opened it; a stream we cannot walk only loses the notes
    offsets: list[int] = []
    pos = 0
    while pos + 4 <= len(data):
        rtype, size = struct.unpack_from("<HH", data, pos)
        if rtype == _BIFF_BOUNDSHEET and size >= 4:
            offsets.append(struct.unpack_from("<I", data, pos + 4)[0])
        elif rtype == _BIFF_EOF:
            break
        pos += 4 + size
    if sheet_index >= len(offsets):
        return out
    pos = offsets[sheet_index]
    first = True
    while pos + 4 <= len(data) and len(out) < max_listed:
        rtype, size = struct.unpack_from("<HH", data, pos)
        if rtype == _BIFF_EOF and not first:
            break
        if rtype == _BIFF_FORMULA and size >= 4:
            row, col = struct.unpack_from("<HH", data, pos + 4)
            out.append(_formula_note(row + 1, _col_letter(col)))
        first = False
        pos += 4 + size
    return out


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _ods_notes(path: Path, *, sheet_name: str, merged_known: bool, max_listed: int = 1000) -> list[Problem]:
    """Formula and merged cells of one ODS sheet, cell by cell: a streamed parse of content.xml
    that counts repeated rows and columns without expanding them (receive() has already refused
    DOCTYPE and entity declarations)."""
    from defusedxml.ElementTree import iterparse

    t = "{" + _ODS_TABLE + "}"
    out: list[Problem] = []
    in_sheet = done = False
    row = col = 0
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if tag == t + "table":
                if event == "start":
                    in_sheet = el.get(t + "name") == sheet_name
                    row = 0
                elif in_sheet:
                    done = True
                el.clear()
                if done:
                    break
                continue
            if not in_sheet:
                if event == "end":
                    el.clear()
                continue
            if tag == t + "table-row":
                if event == "start":
                    col = 0
                else:
                    row += int(el.get(t + "number-rows-repeated", "1"))
                    el.clear()
            elif tag in (t + "table-cell", t + "covered-table-cell") and event == "start":
                if len(out) < max_listed:
                    if el.get(t + "formula"):
                        out.append(_formula_note(row + 1, _col_letter(col)))
                    span_c = int(el.get(t + "number-columns-spanned", "1"))
                    span_r = int(el.get(t + "number-rows-spanned", "1"))
                    if (span_c > 1 or span_r > 1) and not merged_known:
                        rng = f"{_col_letter(col)}{row + 1}:{_col_letter(col + span_c - 1)}{row + span_r}"
                        out.append(
                            Problem(
                                row + 1,
                                _col_letter(col),
                                "merged_cells",
                                WARNING,
                                _(
                                    "Merged cells %(range)s: only the first cell keeps the value; "
                                    "unmerge them in the source."
                                )
                                % {"range": rng},
                            )
                        )
                col += int(el.get(t + "number-columns-repeated", "1"))
    return out


__all__ = ["CSV", "ODS", "ROW", "XLS", "XLSX", "Table", "read"]
