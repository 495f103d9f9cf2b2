"""Spreadsheet exports every module shares: CSV (UTF-8 with BOM, streamed) and XLSX (xlsxwriter,
rows streamed to disk in constant memory, frozen header, column widths, numbers and dates as
numbers and dates). No exported text cell ever begins a formula (CSV/formula injection).

A list that may be big declares an `Exporter` (its columns and a generator of rows for a Scope
and the list's filters); the `exports` app runs it as a background job with progress, and the
list's CSV streams it directly. Small exports (a campaign, a page of devices) answer at once
through `export_response` with the same writers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from .errors import NotFound
from .rules.dates import format_vn
from .scope import Scope

# A spreadsheet opens thousands of rows comfortably; the synchronous path stops here.
XLSX_MAX_ROWS = 100_000
# Excel's sheet limit: a background XLSX past it goes on in a next sheet (header repeated).
XLSX_SHEET_ROWS = 1_048_575
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
TEXT, NUMBER, DATE = "text", "number", "date"
Progress = Callable[[int], None]


def safe_text(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet will never run as a formula; numbers stay numbers (CSV: dates as dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, dt.date):
        return format_vn(value)
    if isinstance(value, bool | int | float):
        return value
    return safe_text(value)


def number_format(value: int, *, force_grouping: bool = False) -> str:
    from django.utils.formats import number_format as localized

    return localized(value, force_grouping=force_grouping)


# ----- what a list declares
@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation: the header is read in the language of the run
    kind: str = TEXT  # TEXT, NUMBER or DATE: how XLSX stores the cell
    width: int = 16  # in characters


@dataclass(frozen=True)
class Exporter:
    """A list's export: `rows(scope, params)` yields one tuple per row in the list's order,
    already scoped and masked for that scope; `count` is the number of rows it will yield;
    `allowed(scope)` says whether the scope may export at all. `params` are the list's filters
    as the page's query string gives them (str → str)."""

    name: str  # "registry.students"
    label: Any
    filename: str  # "hoc-sinh": the download is <filename>-<yyyymmdd>.<csv|xlsx>
    columns: tuple[Column, ...]
    rows: Callable[[Scope, dict[str, str]], Iterable[Sequence[Any]]]
    count: Callable[[Scope, dict[str, str]], int]
    allowed: Callable[[Scope], bool]

    def headers(self) -> list[str]:
        return [str(c.header) for c in self.columns]


_EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    _EXPORTERS[exporter.name] = exporter
    return exporter


def get(name: str) -> Exporter:
    try:
        return _EXPORTERS[name]
    except KeyError as exc:
        raise NotFound() from exc


# ----- writers
class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text line by line (byte-order mark first, so Excel reads Vietnamese as UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def write_csv(
    out: IO[str], headers: Sequence[Any], rows: Iterable[Iterable[Any]], *, progress: Progress | None = None
) -> int:
    """Write the CSV to a text file as it goes (no row kept); returns the number of rows."""
    n = -1
    for n, line in enumerate(csv_lines(headers, rows)):
        out.write(line)
        if progress is not None and n and n % 10_000 == 0:
            progress(n)
    return max(n, 0)


def write_xlsx(
    target: str | IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Write an XLSX to a path (constant memory: each row goes to a temporary file as it is
    written) or to a binary file object (in memory: for the small synchronous path). The header
    row is bold and frozen, columns have widths, NUMBER cells are numbers, DATE cells are dates
    shown dd/mm/yyyy, text never begins a formula. Past `max_rows` a note in the file says the
    list goes on; past Excel's sheet limit the rows go on in a next sheet. Returns the rows."""
    import xlsxwriter

    in_memory = not isinstance(target, str)
    wb = xlsxwriter.Workbook(
        target,
        {"constant_memory": not in_memory, "in_memory": in_memory, "strings_to_formulas": False,
         "strings_to_urls": False, "strings_to_numbers": False, "tmpdir": tempfile.gettempdir()},
    )  # fmt: skip
    bold = wb.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    stamp_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    note_fmt = wb.add_format({"bold": True, "italic": True, "font_color": "#9C0006"})
    headers = [safe_text(c.header) for c in columns]
    kinds = [c.kind for c in columns]

    def new_sheet(number: int) -> Any:
        title = sheet[:31] if number == 1 else f"{sheet[:27]} ({number})"
        ws = wb.add_worksheet(title)
        for i, c in enumerate(columns):
            ws.set_column(i, i, c.width)
        ws.write_row(0, 0, headers, bold)
        ws.freeze_panes(1, 0)
        return ws

    sheets = 1
    ws = new_sheet(sheets)
    line = 0
    written = 0
    for written, row in enumerate(rows):  # noqa: B007 - `written` counts the rows after the loop
        if max_rows is not None and written >= max_rows:
            # Say so in the file itself: a silent cut would pass for the whole list.
            ws.write_string(line + 1, 0, safe_text(gettext(
                "The list goes on: this spreadsheet stops at %(n)s rows. Download the CSV for the whole list."
            ) % {"n": number_format(max_rows, force_grouping=True)}), note_fmt)  # fmt: skip
            break
        if line >= XLSX_SHEET_ROWS:
            sheets += 1
            ws = new_sheet(sheets)
            line = 0
        line += 1
        for col, value in enumerate(row):
            _write(ws, line, col, value, kinds[col] if col < len(kinds) else TEXT, date_fmt, stamp_fmt)
        if progress is not None and written and written % 10_000 == 0:
            progress(written)
    else:
        written = written + 1 if line or sheets > 1 else 0
    wb.close()
    return written


def _write(ws: Any, r: int, c: int, value: Any, kind: str, date_fmt: Any, stamp_fmt: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        ws.write_datetime(r, c, local.replace(tzinfo=None), stamp_fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    elif kind == NUMBER and isinstance(value, str) and _is_number(value):
        ws.write_number(r, c, float(value))
    else:
        ws.write_string(r, c, safe_text(value))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return not text.startswith("0") or text == "0" or text.startswith("0.")


# ----- answers
def _columns(headers: Sequence[Any]) -> list[Column]:
    return [Column(h, width=max(12, min(len(str(h)) + 4, 40))) for h in headers]


def csv_response(
    *, name: str, headers: Sequence[Any], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """The CSV streamed: rows are written as the client reads them, none held."""
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_bytes(
    *,
    headers: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    sheet: str = "Sheet1",
    max_rows: int = XLSX_MAX_ROWS,
    columns: Sequence[Column] | None = None,
) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, columns or _columns(headers), (list(r) for r in rows), sheet=sheet, max_rows=max_rows)
    return buf.getvalue()


@dataclass(frozen=True)
class Sheet:
    """One sheet of a small workbook: lines above the header (a title), its columns, its rows."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: Sequence[Sequence[Any]] = ()


def xlsx_book(sheets: Sequence[Sheet]) -> bytes:
    """A small workbook of several sheets, in memory (a campaign's results and its summary),
    written as `write_xlsx` writes: the header row (below the title lines) bold and frozen,
    widths, numbers as numbers, dates as dates, no text cell beginning a formula."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = wb.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    stamp_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for sheet in sheets:
        ws = wb.add_worksheet(safe_text(sheet.name)[:31])
        kinds = [c.kind for c in sheet.columns]
        for i, c in enumerate(sheet.columns):
            ws.set_column(i, i, c.width)
        line = 0
        for title in sheet.title:
            for col, value in enumerate(title):
                _write(ws, line, col, value, TEXT, date_fmt, stamp_fmt)
            line += 1
        ws.write_row(line, 0, [safe_text(c.header) for c in sheet.columns], bold)
        ws.freeze_panes(line + 1, 0)
        for row in sheet.rows:
            line += 1
            for col, value in enumerate(row):
                _write(ws, line, col, value, kinds[col] if col < len(kinds) else TEXT, date_fmt, stamp_fmt)
    wb.close()
    return buf.getvalue()


def xlsx_response(
    *,
    name: str,
    headers: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    sheet: str = "Sheet1",
    columns: Sequence[Column] | None = None,
) -> HttpResponse:
    data = xlsx_bytes(headers=headers, rows=rows, sheet=sheet, columns=columns)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def dated(name: str, extension: str) -> str:
    return f"{name}-{timezone.localdate().strftime('%Y%m%d')}.{extension}"


def export_response(
    request: Any,
    *,
    name: str,
    headers: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    columns: Sequence[Column] | None = None,
) -> HttpResponse:
    """`?format=xlsx` gives XLSX, anything else CSV; the file name carries today's date. For
    small lists: a list that may be big declares an Exporter and runs as a background job."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name=dated(name, "xlsx"), headers=headers, rows=rows, columns=columns)
    return csv_response(name=dated(name, "csv"), headers=headers, rows=rows)
