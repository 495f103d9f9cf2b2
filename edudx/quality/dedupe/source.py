"""Registry rows for the matcher, read through the registry's selectors in chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import polars as pl

from edudx.core.scope import Scope
from edudx.registry import selectors as registry_selectors

from .frames import raw_frame

KINDS = ("students", "staff")
CHUNK = 100_000

_STUDENT_VALUES = (
    "id", "school__moet_code", "moet_code", "full_name", "date_of_birth", "gender", "personal_id",
    "ethnicity", "parent_phone", "class_name", "father_name", "mother_name",
)  # fmt: skip
_STAFF_VALUES = (
    "id", "school__moet_code", "moet_code", "full_name", "date_of_birth", "gender", "personal_id",
    "ethnicity", "phone", "email",
)  # fmt: skip


def _student_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    qs, _order = registry_selectors.student_list(scope=scope)
    for r in qs.order_by().values_list(*_STUDENT_VALUES).iterator(chunk_size=CHUNK):
        father, mother = r[10] or "", r[11] or ""
        yield (*r[:10], f"{father} {mother}".strip() or None)


def _staff_rows(scope: Scope) -> Iterator[tuple[Any, ...]]:
    qs, _order = registry_selectors.staff_list(scope=scope)
    for r in qs.order_by().values_list(*_STAFF_VALUES).iterator(chunk_size=CHUNK):
        yield (*r[:9], None, None, r[9] or None)


def registry_frame(kind: str, *, scope: Scope, progress: Callable[[int], None] | None = None) -> pl.DataFrame:
    """The raw frame (frames.SOURCE_COLUMNS) of every person of that kind the scope sees."""
    rows = _student_rows(scope) if kind == "students" else _staff_rows(scope)
    parts: list[pl.DataFrame] = []
    buf: list[tuple[Any, ...]] = []
    total = 0
    for row in rows:
        buf.append(row)
        if len(buf) >= CHUNK:
            parts.append(raw_frame(buf))
            total += len(buf)
            buf = []
            if progress:
                progress(total)
    if buf or not parts:
        parts.append(raw_frame(buf))
    return pl.concat(parts)
