"""Stage 3 — map headers by their text, never by position.

"Mã học sinh", "MA HOC SINH", "ma_hoc_sinh", "Mã HS", "student_code" all name one column.
Unknown columns are warnings; a missing required column stops the file; a file whose
headers fit another kind better is called out as the wrong kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from edudx.core.text import fold

from .. import kinds as kinds_mod
from ..kinds import Kind
from .problems import ERROR, WARNING, FileRejected, Problem


def compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(str(text)))


def lookup(kind: Kind) -> dict[str, str]:
    """Compact header text → column key. Kept per kind and language (headers are translated):
    folding the ~50 labels of every kind for each of the 60 rows the reader scans cost ~1 s a file."""
    key = (kind.name, get_language())
    cached = _LOOKUPS.get(key)
    if cached is not None and cached[0] is kind:
        return cached[1]
    out: dict[str, str] = {}
    for col in kind.columns:
        for label in (col.key, str(col.header), *col.aliases):
            out.setdefault(compact(label), col.key)
    _LOOKUPS[key] = (kind, out)
    return out


_LOOKUPS: dict[tuple[str, str | None], tuple[Kind, dict[str, str]]] = {}


def header_score(cells: list[str | None]) -> int:
    """How many cells of a row are headers some registered kind knows: the reader takes the
    best row among the first ones as the header row, so a title block above it (the sector
    database's exports: a title, a date, blank rows) is skipped. Kind-independent on purpose:
    the report rebuilds the user's workbook with the same reader and must find the same row."""
    table: dict[str, str] = {}
    for kind in kinds_mod.all_kinds():
        table.update(lookup(kind))
    return len({table[c] for cell in cells if cell and (c := compact(cell)) in table})


@dataclass
class HeaderMap:
    by_index: dict[int, str]  # file column index → kind column key
    header_of: dict[str, str]  # kind column key → the user's header text (for the report)
    letter_of: dict[str, int] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


def map_headers(kind: Kind, headers: list[str]) -> HeaderMap:
    table = lookup(kind)
    by_index: dict[int, str] = {}
    header_of: dict[str, str] = {}
    notes: list[Problem] = []
    unknown: list[str] = []
    for i, h in enumerate(headers):
        text = str(h or "").strip()
        if not text:
            continue
        key = table.get(compact(text))
        if key is None:
            unknown.append(text)
            continue
        if key in header_of:
            notes.append(
                Problem(
                    1,
                    text,
                    "column_duplicate",
                    WARNING,
                    _("This column repeats another one and was ignored."),
                )
            )
            continue
        by_index[i] = key
        header_of[key] = text
    missing = [k for k in kind.required_keys if k not in header_of]
    if missing:
        other = _better_kind(kind, headers, matched=len(header_of))
        if other is not None:
            raise FileRejected(
                "wrong_kind",
                _("This file looks like a “%(other)s” file, not “%(kind)s”.")
                % {"other": other.label, "kind": kind.label},
            )
        for key in missing:
            col = kind.column(key)
            notes.append(
                Problem(
                    1,
                    str(col.header),
                    "column_missing",
                    ERROR,
                    _("The required column “%(header)s” is missing.") % {"header": col.header},
                )
            )
    for text in unknown:
        notes.append(
            Problem(1, text, "column_unknown", WARNING, _("Unknown column; its values were ignored."))
        )
    return HeaderMap(
        by_index=by_index, header_of=header_of, notes=notes, letter_of={v: k for k, v in by_index.items()}
    )


def _better_kind(kind: Kind, headers: list[str], *, matched: int) -> Kind | None:
    best, best_score = None, 0
    for other in kinds_mod.all_kinds():
        if other.name == kind.name:
            continue
        table = lookup(other)
        keys = {table[c] for h in headers if (c := compact(str(h or ""))) in table}
        if all(k in keys for k in other.required_keys) and len(keys) > max(best_score, matched):
            best, best_score = other, len(keys)
    return best
