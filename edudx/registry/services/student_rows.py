"""How an import's student rows become table rows: the import column → field map, new pupils
(with their enrolment and history) from a polars frame, changed pupils field by field, and
moves to another class or school. Called by bulk.student_bulk_upsert inside the import's
transaction, after the scope check; set-based SQL through core.db.bulk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import polars as pl

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.db.bulk import allocate_ids, insert_frame, insert_rows, update_rows
from edudx.core.text import fold, vn_sort_key

from ..models import Enrolment, Student

# Import column → Student field
STUDENT_MAP = {
    "student_code": "moet_code",
    "full_name": "full_name",
    "date_of_birth": "date_of_birth",
    "gender": "gender",
    "personal_id": "personal_id",
    "ethnicity": "ethnicity",
    "parent_phone": "parent_phone",
    "status": "status",
    "status_date": "status_date",
    "disability": "disability",
    "father_name": "father_name",
    "mother_name": "mother_name",
    "address": "address",
    "place_of_birth": "place_of_birth",
}
_NULLABLE = {"moet_code", "date_of_birth", "personal_id", "status_date"}
# The ingest engine's column holding each row's number in the spreadsheet (header = 1).
IMPORT_ROW = "__row"


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


_DEFAULTS = {"status": "dang_hoc"}


def _field_value(row: dict[str, Any], col: str) -> Any:
    v = row.get(col)
    field = STUDENT_MAP[col]
    if v is None and field not in _NULLABLE:
        return _DEFAULTS.get(field, "")
    return v


def students_create(actor: Actor, new: pl.DataFrame, now: Any, today: dt.date) -> None:
    n = new.height
    ids = allocate_ids(Student, n)
    cols = [c for c in STUDENT_MAP if c in new.columns]

    def value(c: str) -> pl.Expr:
        field = STUDENT_MAP[c]
        if field in _NULLABLE:
            return pl.col(c)
        return pl.col(c).fill_null(pl.lit(_DEFAULTS.get(field, "")))

    if "__name_key" not in new.columns:
        new = new.with_columns(
            pl.col("full_name").map_elements(fold, return_dtype=pl.String).alias("__name_key")
        )
    new = new.with_columns(
        pl.Series("__id", ids, dtype=pl.Int64),
        pl.col("full_name").map_elements(vn_sort_key, return_dtype=pl.String).alias("__sort_name"),
    )
    insert_frame(
        Student,
        new.select(
            pl.col("__id").alias("id"), pl.col("__name_key").alias("name_key"),
            pl.col("__sort_name").alias("sort_name"), "school_id",
            *[value(c).alias(STUDENT_MAP[c]) for c in cols],
        ),
        {"created_at": now, "updated_at": now, "guardian_name": ""},
    )  # fmt: skip
    enrol_ids = allocate_ids(Enrolment, n)
    insert_frame(
        Enrolment,
        new.select(
            pl.Series("id", enrol_ids, dtype=pl.Int64), pl.col("__id").alias("student_id"),
            pl.col("class_id").alias("school_class_id"), "year_id", "school_id",
        ),
        {"state": Enrolment.State.ACTIVE.value, "start_date": today, "note": ""},
    )  # fmt: skip
    # History: one "create" entry per pupil naming the import (source "import:<run>") and the
    # spreadsheet row it came from. The values are not copied: the record holds them, the run
    # keeps the file (hash, stored copy) and its report. Same [before, after] shape as a diff.
    if IMPORT_ROW in new.columns:
        changes = pl.concat_str(
            pl.lit('{"import_row": [null, '), pl.col(IMPORT_ROW).cast(pl.String), pl.lit("]}")
        )
    else:
        changes = pl.lit("{}")
    history.record_bulk(
        actor=actor,
        model=Student,
        operation="student_import",
        entries=new.select(pl.col("__id"), pl.col("full_name"), changes.alias("__changes")),
    )


def students_update(
    actor: Actor,
    changed: list[tuple[int, dict[str, Any], dict[str, list[Any]]]],
    now: dt.datetime,
    today: dt.date,
) -> None:
    by_fields: dict[tuple[str, ...], list[Sequence[Any]]] = defaultdict(list)
    moves: list[tuple[int, dict[str, Any]]] = []
    hist = []
    for pk, row, changes in changed:
        cols = tuple(c for c in changes if c in STUDENT_MAP)
        if cols:
            fields = tuple(STUDENT_MAP[c] for c in cols)
            extra = ("name_key", "sort_name") if "full_name" in cols else ()
            values = [_field_value(row, c) for c in cols]
            if extra:
                values += [row.get("__name_key") or fold(row["full_name"]), vn_sort_key(row["full_name"])]
            by_fields[(*fields, *extra, "updated_at")].append([*values, now, pk])
        if "class_name" in changes or "school_id" in changes:
            moves.append((pk, row))
        plain = {STUDENT_MAP.get(k, k): [_plain(a), _plain(b)] for k, (a, b) in changes.items()}
        hist.append((pk, row["full_name"], "transfer" if "school_id" in changes else "update", plain))
    for fields, rows in by_fields.items():
        update_rows(Student, fields, rows)
    if moves:
        _move(moves, today)
    history.record_bulk(actor=actor, model=Student, operation="student_import", entries=hist)


def _move(moves: list[tuple[int, dict[str, Any]]], today: dt.date) -> None:
    """A changed class (or school) ends the active enrolment of that year and starts a new one."""
    student_ids = [pk for pk, _ in moves]
    current = {
        (e["student_id"], e["year_id"]): e["id"]
        for e in Enrolment.objects.filter(student_id__in=student_ids, state=Enrolment.State.ACTIVE).values(
            "id", "student_id", "year_id"
        )
    }
    ended = [current[(pk, r["year_id"])] for pk, r in moves if (pk, r["year_id"]) in current]
    Enrolment.objects.filter(pk__in=ended).update(state=Enrolment.State.TRANSFERRED, end_date=today)
    ids = allocate_ids(Enrolment, len(moves))
    insert_rows(
        Enrolment,
        (
            "id",
            "student_id",
            "school_class_id",
            "year_id",
            "school_id",
            "state",
            "start_date",
            "previous_id",
            "note",
        ),
        (
            (
                eid,
                pk,
                r["class_id"],
                r["year_id"],
                r["school_id"],
                Enrolment.State.ACTIVE,
                today,
                current.get((pk, r["year_id"])),
                "",
            )
            for eid, (pk, r) in zip(ids, moves, strict=True)
        ),
    )
    school_moves: list[Sequence[Any]] = [[r["school_id"], pk] for pk, r in moves]
    update_rows(Student, ("school_id",), school_moves)
