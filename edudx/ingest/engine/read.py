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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from ..kinds import ROW
from .problems import WARNING, FileRejected, Problem
from .receive import CSV, ODS, XLS, XLSX, Received, limit


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
    lines: list[bytes] = []
    with src.open("rb") as fh:
        for _line_no in range(HEADER_SCAN_ROWS):
            line = fh.readline(1 << 20)
            if not line:
                break
            if not line.endswith(b"\n") and len(line) >= 1 << 20:
                raise FileRejected(
                    "too_many_columns", _("The header row is far too long (too many columns).")
                )
            lines.append(line)
    texts = [b.decode("utf-8", errors="replace").lstrip("\ufeff") for b in lines]
    if not any(t.strip() for t in texts):
        raise FileRejected("file_empty", _("The file is empty."))
    parsed: list[tuple[str, list[str]]] = []
    for t in texts:
        sep = max((",", ";", "\t", "|"), key=t.count)
        parsed.append((sep, next(csv.reader(io.StringIO(t), delimiter=sep), [])))
    at = _header_index([list[str | None](cells) for _sep, cells in parsed])
    sep, headers = parsed[at]
    if len(headers) > max_cols:
        raise FileRejected("too_many_columns", _("The file has too many columns."))
    while headers and not headers[-1].strip():
        headers.pop()
    n = len(headers)
    names = [f"c{i}" for i in range(n)]
    extra = _extra_header_rows([list[str | None](cells) for _sep, cells in parsed], at)
    notes = [_extra_header_note(at + 2 + i) for i in range(extra)]
    at_body = at + extra
    body_start = sum(len(b) for b in lines[: at_body + 1])
    max_rows = limit("INGEST_MAX_ROWS", 3_000_000)
    _refuse_too_many_rows(src, body_start, max_rows, parse=lambda block: _parse_block(block, sep, names))
    first_row = at_body + 2  # the spreadsheet's own numbering: the header is on line at + 1
    repeated = _same_as_header(headers)

    def chunks() -> Iterator[pl.DataFrame]:
        row = first_row
        carry: pl.DataFrame | None = None  # the rows of a block that did not fill a chunk

        def numbered(part: pl.DataFrame) -> pl.DataFrame:
            # Empty fields arrive as null; surrounding spaces are left to the normalisers,
            # whose fast paths are anchored patterns (a padded value takes the slow path).
            # A row repeating the header (files pasted together) is dropped.
            part = part.with_row_index(ROW, offset=row).with_columns(pl.col(ROW).cast(pl.Int64))
            return part.filter(~repeated) if n else part

        for block in _csv_blocks(src, body_start):
            frame = _parse_block(block, sep, names)
            if carry is not None:
                frame, carry = pl.concat([carry, frame]), None
            full = frame.height - frame.height % chunk_rows
            for offset in range(0, full, chunk_rows):
                yield numbered(frame.slice(offset, chunk_rows))
                row += chunk_rows
            if full < frame.height:
                carry = frame.slice(full)
        if carry is not None and carry.height:
            yield numbered(carry)

    return Table(headers=headers, chunks=chunks(), notes=notes, encoding=encoding, cleanup=cleanup)


# Sheets the template (ingest/template.py) adds beside the data sheet: its dropdown lists
# (hidden) and its guide. The reader passes over them without a warning.
TEMPLATE_DATA_SHEET, TEMPLATE_LISTS_SHEET, TEMPLATE_GUIDE_SHEET = "Mẫu", "Danh mục", "Hướng dẫn"
TEMPLATE_SHEETS = (TEMPLATE_LISTS_SHEET, TEMPLATE_GUIDE_SHEET)

# The header row is looked for among the first rows of the sheet (a title block above it).
HEADER_SCAN_ROWS = 60


def _header_index(rows: list[list[str | None]]) -> int:
    """The row that names the most known columns (at least two; the first such row on a tie),
    else the first row holding anything — then the header mapper says what is missing."""
    from .headers import header_score

    best, best_score = -1, 1
    for i, cells in enumerate(rows):
        score = header_score(cells)
        if score > best_score:
            best, best_score = i, score
    if best >= 0:
        return best
    return next(i for i, cells in enumerate(rows) if any(c and str(c).strip() for c in cells))


def _extra_header_rows(rows: list[list[str | None]], at: int) -> int:
    """Rows right under the header that are headers too (a second header row: the same names in
    English or as keys, a units row): skipped, each with a note, instead of read as pupils."""
    from .headers import header_score

    n = 0
    while at + 1 + n < len(rows) and header_score(rows[at + 1 + n]) >= 2:
        n += 1
    return n


def _extra_header_note(row: int) -> Problem:
    return Problem(row, "", "header_row_extra", WARNING, _("A second header row was skipped."))


def _same_as_header(headers: list[str]) -> pl.Expr:
    """A data row whose cells repeat the header's (compared as text, blanks alike)."""
    parts = [pl.col(f"c{i}").fill_null("").str.strip_chars() == h.strip() for i, h in enumerate(headers)]
    return pl.all_horizontal(parts) if parts else pl.lit(False)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# Polars would memory-map the file (its pages count in the process's memory, a 1 GB file
# as 1 GB): the body is handed to it instead in blocks of about this size, cut after a line
# that ends outside quotes.
CSV_BLOCK_BYTES = 16 << 20
CSV_MAX_RECORD_BYTES = 256 << 20  # a quoted field this long is a quote never closed


def _csv_blocks(path: Path, start: int, size: int | None = None) -> Iterator[bytes]:
    """The file from `start` in blocks that end at a record's end: after a newline preceded by
    an even number of quote characters since the start (a doubled quote counts twice, so the
    parity holds), so no quoted field with a line break inside is cut in two."""
    size = size or CSV_BLOCK_BYTES
    pending = b""  # always starts outside quotes
    with path.open("rb") as fh:
        fh.seek(start)
        for block in iter(lambda: fh.read(size), b""):
            data = pending + block
            cut = len(data)
            parity = data.count(b'"') % 2
            while True:
                nl = data.rfind(b"\n", 0, cut)
                if nl < 0:
                    break
                parity = (parity - data.count(b'"', nl + 1, cut)) % 2
                if parity == 0:
                    break
                cut = nl
            if nl < 0:  # no record ends in here yet
                if len(data) > CSV_MAX_RECORD_BYTES:
                    raise FileRejected(
                        "csv_unclosed_quote",
                        _("A quotation mark in the file is never closed; the rows after it cannot be read."),
                    )
                pending = data
                continue
            yield data[: nl + 1]
            pending = data[nl + 1 :]
    if pending.strip():
        yield pending


def _parse_block(block: bytes, sep: str, names: list[str]) -> pl.DataFrame:
    try:
        return pl.read_csv(
            io.BytesIO(block),
            has_header=False,
            separator=sep,
            schema=dict.fromkeys(names, pl.String),
            missing_columns="insert",  # a short row (first in its block, too) ends with nulls
            extra_columns="ignore",  # a long one is cut to the header's width
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
            quote_char='"',
        )
    except pl.exceptions.NoDataError:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    except pl.exceptions.PolarsError as exc:
        raise FileRejected("file_corrupt", _("The file cannot be read as CSV.")) from exc


def _refuse_too_many_rows(path: Path, start: int, max_rows: int, *, parse) -> None:
    """Count the rows before the first chunk is checked, so a file over the row limit is refused
    at once instead of after millions of rows went through the pipeline. Line ends are counted
    in blocks (C speed); only a file that may be over the limit by that count — a quoted field
    may hold a line break — is parsed to count its records exactly (one block at a time)."""
    lines = quotes = 0
    with path.open("rb") as fh:
        fh.seek(start)
        for block in iter(lambda: fh.read(CSV_BLOCK_BYTES), b""):
            lines += block.count(b"\n")
            quotes += block.count(b'"')
    if lines <= max_rows:
        return
    # Without quotes every line is a record (a blank line too: it reads as an empty row).
    rows = lines if not quotes else 0
    for block in _csv_blocks(path, start) if quotes else ():
        rows += parse(block).height
        if rows > max_rows:
            break
    if rows > max_rows:
        raise FileRejected(
            "too_many_rows",
            _("The file has more than %(max)s rows, the most that can be imported at once.")
            % {"max": _count(max_rows)},
        )


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


@dataclass
class SheetShape:
    """What a streamed scan of a worksheet's XML finds, before any reader holds the sheet."""

    rows: int = 0  # <row> elements (rows holding something)
    last_row: int = 0  # the highest row number
    width: int = 0  # the highest column number of a cell
    cells: int = 0  # <c> elements
    shared_strings_bytes: int = 0  # the workbook's shared strings, unpacked
    formulas: list[Problem] = field(default_factory=list)

    @property
    def area(self) -> int:
        """Cells of the grid a reader allocates: every row up to the last, every column up to
        the widest (calamine's range is dense), or the cells themselves if more."""
        return max(max(self.last_row, self.rows) * self.width, self.cells)


_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
_ANY_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})\d')


@dataclass(frozen=True)
class _Tags:
    """The sheet's element names as literal bytes, with its namespace prefix if any: patterns
    that start with a literal are searched for at C speed; a leading optional prefix is not."""

    row: tuple[bytes, bytes]
    cell: tuple[bytes, bytes]
    row_number: re.Pattern[bytes]
    cell_column: re.Pattern[bytes]
    formula: bytes

    @classmethod
    def of(cls, prefix: bytes) -> _Tags:
        row, c = b"<" + prefix + b"row", b"<" + prefix + b"c"
        return cls(
            row=(row + b" ", row + b">"),
            cell=(c + b" ", c + b">"),
            row_number=re.compile(re.escape(row) + rb'\s[^>]*?\br="(\d+)"'),
            cell_column=re.compile(re.escape(c) + rb' r="([A-Z]{1,3})\d'),
            formula=b"<" + prefix + b"f",
        )


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _xlsx_blocks(fh) -> Iterator[bytes]:
    """The part in blocks of about 1 MiB that end after a row (a cell never straddles two);
    a block holds up to 64 MiB while waiting for the end of a row."""
    tail = b""
    for block in iter(lambda: fh.read(1 << 20), b""):
        data = tail + block
        cut = data.rfind(b"row>")
        if cut < 0:
            if len(data) < 64 << 20:
                tail = data
                continue
            cut = max(data.rfind(b"<"), 1)
        else:
            cut += 4
        yield data[:cut]
        tail = data[cut:]
    if tail:
        yield tail


def _xlsx_scan(
    path: Path, *, sheet_index: int, max_listed: int = 1000, stop_above: tuple[int, int] | None = None
) -> SheetShape:
    """One streamed pass over the sheet's XML: its shape, and the formula cells (we read the
    value Excel cached; say so, cell by cell). With `stop_above` (rows, cells), the pass ends
    as soon as the sheet is known to hold more: a refusal needs no more than that."""
    shape = SheetShape()
    out = shape.formulas
    with zipfile.ZipFile(path) as zf:
        shape.shared_strings_bytes = sum(
            i.file_size for i in zf.infolist() if i.filename.lower().endswith("sharedstrings.xml")
        )
        part = _xlsx_sheet_part(zf, sheet_index)
        if part not in zf.namelist():
            return shape
        with zf.open(part) as fh:
            tags: _Tags | None = None
            for data in _xlsx_blocks(fh):
                if tags is None:
                    m = _PREFIX.search(data)
                    tags = _Tags.of((m.group(1) or b"") if m else b"")
                rows = data.count(tags.row[0]) + data.count(tags.row[1])
                cells = data.count(tags.cell[0]) + data.count(tags.cell[1])
                shape.rows += rows
                shape.cells += cells
                numbers = tags.row_number.findall(data) if rows else []
                if numbers:
                    shape.last_row = max(shape.last_row, *map(int, numbers))
                columns = tags.cell_column.findall(data)
                if len(columns) < cells:  # a cell that names its column later, or not at all
                    columns = _ANY_CELL_COLUMN.findall(data)
                if columns:
                    shape.width = max(shape.width, *map(_col_number, set(columns)))
                if len(out) < max_listed and tags.formula in data:
                    for m in _CELL_WITH_FORMULA.finditer(data):
                        out.append(_formula_note(int(m.group(2)), m.group(1).decode()))
                        if len(out) >= max_listed:
                            break
                if stop_above and (
                    max(shape.last_row, shape.rows) > stop_above[0] or shape.area > stop_above[1]
                ):
                    break
    return shape


def _refuse_shape(shape: SheetShape, *, max_rows: int, max_cols: int) -> None:
    rows = max(shape.last_row, shape.rows)
    if rows > max_rows + 1:
        raise FileRejected(
            "too_many_rows",
            _("The file has %(rows)s rows; at most %(max)s can be imported at once.")
            % {"rows": _count(rows), "max": _count(max_rows)},
        )
    if shape.width > max_cols * 4:
        raise FileRejected("too_many_columns", _("The file has too many columns."))
    max_cells = limit("INGEST_MAX_WORKBOOK_CELLS", 2_000_000)
    # The shared strings are held whole too; a sheet within the budget needs at most one string
    # a cell, and 100 bytes of XML a string is generous.
    if shape.area > max_cells or shape.shared_strings_bytes > 100 * max_cells:
        raise FileRejected(
            "workbook_too_large",
            _(
                "The workbook is too large to read as a spreadsheet: more than %(max)s cells "
                "(rows × columns). Save it as “CSV UTF-8” in Excel and import that file: CSV "
                "files are read in batches, up to %(max_rows)s rows."
            )
            % {"max": _count(max_cells), "max_rows": _count(max_rows)},
        )


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
