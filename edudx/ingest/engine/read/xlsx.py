"""XLSX before calamine: the sheet's shape and its formula cells, from the XML in blocks."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext_lazy as _

from ..problems import FileRejected, Problem
from ..receive import limit
from .common import _count, _formula_note

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
        target: str = targets[ids[sheet_index]].decode()
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


def _xlsx_blocks(fh: IO[bytes]) -> Iterator[bytes]:
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
