"""The key of a pupil the file gives no identifier for (issue #13 item 2).

Domain (domain.md §2): new grade-1 pupils get their MOET code only after the school uploads
them, and a personal ID may be pending. Such a row is keyed by school + folded full name +
date of birth + gender (`pupil_key`, the students kind's last natural key): importing the same
sheet twice creates no second pupil, and the file that later brings the code or the personal
ID finds the pupil by this key and fills it in. A stored pupil whose code or personal ID
differs from the row's is another pupil; two stored pupils the key names alike are refused
with `pupil_key_ambiguous`, never merged.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.ingest import kinds as K

from .models import Student
from .services import bulk


def pupil_key(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    """The key of a pupil the file gives no identifier for: school, folded full name, date of
    birth, gender. The same sheet imported twice creates no second pupil; when the MOET code or
    the personal ID arrives in a later file, that row finds the pupil by this key and fills it in."""
    parts = [
        pl.col("school_code"),
        pl.col("__name_key"),
        pl.col("date_of_birth").dt.strftime("%Y-%m-%d"),
        pl.col("gender"),
    ]
    return frame.with_columns(pl.concat_str(parts, separator="|").alias("pupil_key"))  # null if one is


def by_pupil_key(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Stored pupils of the rows' schools with the rows' names, by pupil key. A row that brings
    an identifier may only fill in a pupil still missing one, so for those rows only such pupils
    are read (a handful, not the school); a row that brings none may match any pupil. The names
    go in batches (SQLite's limit on a statement's parameters)."""
    rows = frame.filter(pl.col("pupil_key").is_not_null() & pl.col("school_id").is_not_null())
    if rows.height == 0:
        return {}
    codes = dict(rows.select("school_id", "school_code").unique().iter_rows())
    wanted = set(rows["pupil_key"].to_list())
    bare = pl.col("student_code").is_null() & pl.col("personal_id").is_null()
    lacking = Q(moet_code__isnull=True) | Q(moet_code="") | Q(personal_id__isnull=True) | Q(personal_id="")
    out: dict[str, list[dict[str, Any]]] = {}
    seen: set[int] = set()
    for part, condition in ((rows.filter(bare), Q()), (rows.filter(~bare), lacking)):
        names = part["__name_key"].unique().to_list()
        for at in range(0, len(names), NAME_BATCH):
            found = Student.objects.filter(
                condition, school_id__in=list(codes), name_key__in=names[at : at + NAME_BATCH]
            ).values("id", "school_id", *bulk.STUDENT_MAP.values(), "name_key")
            for rec in found:
                if rec["date_of_birth"] is None or rec["id"] in seen:
                    continue
                key = f"{codes[rec['school_id']]}|{rec.pop('name_key')}|{rec['date_of_birth']:%Y-%m-%d}|{rec['gender']}"
                if key in wanted:
                    seen.add(rec["id"])
                    out.setdefault(key, []).append(rec)
    return out


NAME_BATCH = 5_000


def pupil_match(candidates: list[dict[str, Any]], code: str | None, pid: str | None) -> dict[str, Any] | None:
    """The one stored pupil a row's pupil key names — among those that lack the identifiers the
    row brings (a stored code or personal ID that differs is another pupil). Two such pupils:
    the row is refused (pupil_key_ambiguous, through K.REFUSED), never merged into one of them."""
    fits = [
        c
        for c in candidates
        if (not code or not c["moet_code"]) and (not pid or not c["personal_id"] or c["personal_id"] == pid)
    ]
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        return {K.REFUSED: ("full_name", "pupil_key_ambiguous", _AMBIGUOUS)}
    return None


_AMBIGUOUS = _(
    "Two pupils of this school have this name, date of birth and gender and neither has a MOET code or "
    "personal ID: give the pupil's code or personal ID so the right one is updated."
)
