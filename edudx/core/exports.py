"""Spreadsheet exports every module shares: CSV (UTF-8 with BOM, streamed) and XLSX
(openpyxl write-only). No exported cell ever begins a formula (CSV/formula injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from .rules.dates import format_vn

# A spreadsheet opens thousands of rows comfortably; past this, use the CSV export.
XLSX_MAX_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet will never run as a formula; numbers stay numbers."""
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
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def number_format(value: int, *, force_grouping: bool = False) -> str:
    from django.utils.formats import number_format as localized

    return localized(value, force_grouping=force_grouping)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(*, name: str, headers: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        # A byte-order mark so Excel opens Vietnamese text as UTF-8.
        yield "\ufeff" + writer.writerow([safe_cell(h) for h in headers])
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_bytes(
    *, headers: list[str], rows: Iterable[Iterable[Any]], sheet: str = "Sheet1", max_rows: int = XLSX_MAX_ROWS
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31])
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=safe_cell(h))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for written, row in enumerate(rows):
        if written >= max_rows:
            # Say so in the file itself: a silent cut would pass for the whole list.
            note = WriteOnlyCell(
                ws,
                value=safe_cell(
                    gettext(
                        "The list goes on: this spreadsheet stops at %(n)s rows. "
                        "Download the CSV for the whole list."
                    )
                    % {"n": number_format(max_rows, force_grouping=True)}
                ),
            )
            note.font = Font(bold=True, italic=True, color="9C0006")
            ws.append([note])
            break
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(
    *, name: str, headers: list[str], rows: Iterable[Iterable[Any]], sheet: str = "Sheet1"
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(headers=headers, rows=rows, sheet=sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_response(request, *, name: str, headers: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """`?format=xlsx` gives XLSX, anything else CSV; the file name carries today's date."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name=f"{name}-{stamp}.xlsx", headers=headers, rows=rows)
    return csv_response(name=f"{name}-{stamp}.csv", headers=headers, rows=rows)
