"""CSV: encoding detection, then polars over blocks of the body (memory bounded)."""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
from django.utils.translation import gettext_lazy as _

from ...kinds import ROW
from ..problems import FileRejected
from ..receive import limit
from .common import (
    HEADER_SCAN_ROWS,
    Table,
    _count,
    _extra_header_note,
    _extra_header_rows,
    _header_index,
    _same_as_header,
)


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


def _refuse_too_many_rows(
    path: Path, start: int, max_rows: int, *, parse: Callable[[bytes], pl.DataFrame]
) -> None:
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
