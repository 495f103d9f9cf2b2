"""ODS: formula and merged cells, from content.xml."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from ..problems import WARNING, Problem
from .common import _col_letter, _formula_note

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
