"""What every format's reader shares: the table it hands on, the header row search, the
template's own sheets, and the notes several formats write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext_lazy as _

from ..problems import WARNING, Problem


@dataclass
class Table:
    headers: list[str]
    chunks: Iterator[pl.DataFrame]
    notes: list[Problem] = field(default_factory=list)  # hidden sheets, merged cells, formulas…
    encoding: str = ""
    sheet: str = ""
    cleanup: list[Path] = field(default_factory=list)
    # A reader that takes several sheets (a kind's own, Kind.reader) numbers the rows of the whole
    # file uniquely (ROW) and says here where each number is: (sheet name, row in that sheet).
    # The pipeline then names the sheet in every problem and diff, with the sheet's own row.
    where: Callable[[int], tuple[str, int]] | None = None

    def close(self) -> None:
        for p in self.cleanup:
            p.unlink(missing_ok=True)


# Sheets the template (ingest/template.py) adds beside the data sheet: its dropdown lists
# (hidden) and its guide. The reader passes over them without a warning.
TEMPLATE_DATA_SHEET, TEMPLATE_LISTS_SHEET, TEMPLATE_GUIDE_SHEET = "Mẫu", "Danh mục", "Hướng dẫn"
TEMPLATE_SHEETS = (TEMPLATE_LISTS_SHEET, TEMPLATE_GUIDE_SHEET)

# The header row is looked for among the first rows of the sheet (a title block above it).
HEADER_SCAN_ROWS = 60


def _header_index(rows: list[list[str | None]]) -> int:
    """The row that names the most known columns (at least two; the first such row on a tie),
    else the first row holding anything — then the header mapper says what is missing."""
    from ..headers import header_score

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
    from ..headers import header_score

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


def _col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
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
