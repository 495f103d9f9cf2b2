"""Stage 2 — read: stream the first visible sheet as chunks of text cells, memory bounded.

CSV goes through polars, the fastest reader at hand; XLSX, XLS and ODS through python-calamine
(docs/decisions/0012-ingest-reader-polars-and-calamine.md). Every cell
comes out as text (or None); typing is the normaliser's job. Each chunk carries `__row`, the
row number the user sees in the spreadsheet (header = 1, first data row = 2).

One module per format: `csvfile` (CSV), `workbook` (XLSX, XLS, ODS through calamine), with
`xlsx`, `xls` and `ods` for what calamine does not give (shape, formulas, merged cells).
"""

from __future__ import annotations

from ...kinds import ROW
from ..receive import CSV, ODS, XLS, XLSX, Received
from .common import TEMPLATE_DATA_SHEET, TEMPLATE_GUIDE_SHEET, TEMPLATE_LISTS_SHEET, TEMPLATE_SHEETS, Table
from .csvfile import _csv_blocks, _parse_block, detect_encoding, read_csv
from .workbook import read_workbook


def read(received: Received, *, chunk_rows: int = 50_000) -> Table:
    if received.format == CSV:
        return read_csv(received.path, chunk_rows=chunk_rows)
    return read_workbook(received.path, received.format, chunk_rows=chunk_rows)


__all__ = [
    "CSV", "ODS", "ROW", "TEMPLATE_DATA_SHEET", "TEMPLATE_GUIDE_SHEET", "TEMPLATE_LISTS_SHEET", "TEMPLATE_SHEETS", "XLS",
    "XLSX", "Table", "_csv_blocks", "_parse_block", "detect_encoding", "read", "read_csv", "read_workbook",
]  # fmt: skip
