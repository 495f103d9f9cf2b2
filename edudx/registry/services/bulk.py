"""Bulk writes for imports: thousands of rows per call, same rules as the one-row services.

The ingest engine has already normalised and validated every row with the same pure rules
(core.rules) the one-row services use; these functions check the actor's scope for every
target school, write with set-based SQL (core.db.bulk: COPY on PostgreSQL, multi-row
INSERTs on SQLite, ids taken from the table's own sequence) and record one history entry per
record changed, carrying the actor's door and source ("import:<id>"). They run inside the caller's
transaction: an import commits all of it or nothing. How student rows become table rows (create,
update, move) is student_rows.py; this module holds the scope checks, classes, the load
context and the import's lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import polars as pl
from django.db import connection, models, transaction
from django.utils import timezone

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.db.bulk import (
    allocate_ids,
    db_now,
    deferred_indexes,
    insert_rows,
    is_pg,
    max_id,
    select_in,
)
from edudx.core.errors import PermissionDenied
from edudx.core.models import HistoryEntry
from edudx.core.rules.levels import grade_from_class_name

from .. import permissions as perms
from ..models import Enrolment, School, SchoolClass, SchoolYear, Student
from .student_rows import STUDENT_MAP, students_create, students_update


def _require_schools(actor: Actor, school_ids: set[int]) -> dict[int, School]:
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids).select_related("unit")}
    for sid in school_ids:
        school = schools.get(sid)
        actor.scope.require(perms.CHANGE, school.unit.path if school else None)
    return schools


def _big_relative_to(model: type[models.Model], rows: int) -> bool:
    """A load is big for a table when it brings at least half as many rows as it holds."""
    from django.conf import settings

    share = float(getattr(settings, "INGEST_BULK_LOAD_SHARE", 0.5))
    return rows >= share * max_id(model._meta.db_table)


def student_bulk_load(size_bytes: int = 0) -> AbstractContextManager[None]:
    """The bulk-load context for a big student import (see deferred_indexes). Only the tables
    the load is big next to are touched: for a small load into big tables, rebuilding their
    indexes would cost more than keeping them up to date (and would lock them longer)."""
    rows = size_bytes // 250  # a pupil's row in a sector export is ~250 bytes
    tables = [m for m in (Student, Enrolment, HistoryEntry) if _big_relative_to(m, rows)]
    if not tables:
        return nullcontext()
    fts = [(Student._meta.db_table, "name_key")] if Student in tables else []
    parents = [m._meta.db_table for m in (School, SchoolYear, SchoolClass, Student, Enrolment)]
    # Indexes the load's own lookups read stay: by student (enrolments); the lookups by
    # personal ID read the partial unique index instead of the plain one.
    keep = ('"student_id"',) if _pid_unique_condition() else ('"personal_id"', '"student_id"')
    return deferred_indexes(tables, keep=keep, fts=fts, fk_parents=parents)


# ----- classes
def class_bulk_ensure(*, actor: Actor, wanted: set[tuple[int, int, str]]) -> dict[tuple[int, int, str], int]:
    """Ids of classes (school, year, name), creating the missing ones with history."""
    if not wanted:
        return {}
    schools = _require_schools(actor, {w[0] for w in wanted})
    found: dict[tuple[int, int, str], int] = {}
    names = {w[2] for w in wanted}
    for c in SchoolClass.objects.filter(
        school_id__in={w[0] for w in wanted}, year_id__in={w[1] for w in wanted}, name__in=names
    ).values("id", "school_id", "year_id", "name"):
        found[(c["school_id"], c["year_id"], c["name"])] = c["id"]
    missing = sorted(w for w in wanted if w not in found)
    if missing:
        ids = allocate_ids(SchoolClass, len(missing))
        now = db_now()
        rows = []
        for pk, (school_id, year_id, name) in zip(ids, missing, strict=True):
            grade = grade_from_class_name(name) or 0
            rows.append((pk, now, now, school_id, year_id, grade, name))
            found[(school_id, year_id, name)] = pk
        insert_rows(
            SchoolClass, ("id", "created_at", "updated_at", "school_id", "year_id", "grade", "name"), rows
        )
        history.record_bulk(
            actor=actor,
            model=SchoolClass,
            operation="class_create",
            entries=(
                (
                    r[0],
                    r[6],
                    "create",
                    {
                        "school": [None, r[3]],
                        "year": [None, r[4]],
                        "grade": [None, r[5]],
                        "name": [None, r[6]],
                    },
                )
                for r in rows
            ),
        )
    del schools
    return found


# ----- students with enrolments
# No savepoint of its own: inside an import's transaction an open SAVEPOINT makes SQLite keep
# a growing sub-journal that every one of millions of INSERT statements then walks.
@transaction.atomic(savepoint=False)
def student_bulk_upsert(
    *, actor: Actor, new: pl.DataFrame | None, changed: list[tuple[int, dict[str, Any], dict[str, list[Any]]]]
) -> None:
    """Create and update students and their enrolment for the row's class and year.

    `new` is a polars frame of import rows (set-based writing: no Python object per row),
    `changed` a list of (id, row, {field: [before, after]}). Rows carry the import columns
    plus `school_id`, `year_id`, `class_id` (None when the class is to be created from
    `class_name`) and `__name_key`.
    """
    new = new if new is not None and new.height else None
    school_ids = {r["school_id"] for _, r, _ in changed}
    if new is not None:
        school_ids |= set(new["school_id"].unique().to_list())
    if not school_ids:
        return
    _require_schools(actor, school_ids)
    wanted = {(r["school_id"], r["year_id"], r["class_name"]) for _, r, _ in changed if not r.get("class_id")}
    if new is not None:
        wanted |= set(
            new.filter(pl.col("class_id").is_null())
            .select("school_id", "year_id", "class_name")
            .unique()
            .rows()
        )
    class_ids = class_bulk_ensure(actor=actor, wanted=wanted) if wanted else {}
    for _, r, _ in changed:
        if not r.get("class_id"):
            r["class_id"] = class_ids[(r["school_id"], r["year_id"], r["class_name"])]
    now = db_now()
    today = timezone.localdate()
    if new is not None:
        if class_ids:
            lookup = pl.DataFrame(
                [(*k, v) for k, v in class_ids.items()],
                schema={
                    "school_id": pl.Int64,
                    "year_id": pl.Int64,
                    "class_name": pl.String,
                    "__cid": pl.Int64,
                },
                orient="row",
            )
            new = new.join(
                lookup, on=["school_id", "year_id", "class_name"], how="left", maintain_order="left"
            )
            new = new.with_columns(pl.coalesce("class_id", "__cid").alias("class_id"))
        students_create(actor, new, now, today)
    if changed:
        students_update(actor, changed, now, today)


def student_bulk_lookup(
    *, codes: list[str], pids: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Existing students by MOET code and by personal ID (for the import's preview)."""
    fields = ["id", "school_id", *STUDENT_MAP.values()]
    cols = ", ".join(f'"{f}"' for f in fields)
    table = Student._meta.db_table
    date_fields = {"date_of_birth", "status_date"}

    def rows(column: str, values: list[str], extra: str = "") -> list[dict[str, Any]]:
        found = select_in(f'SELECT {cols} FROM "{table}" WHERE "{column}" IN ({{}}){extra}', values)  # noqa: S608
        out = []
        for r in found:
            d = dict(zip(fields, r, strict=True))
            for f in date_fields:  # SQLite returns text for raw selects
                if isinstance(d[f], str):
                    d[f] = dt.date.fromisoformat(d[f])
            out.append(d)
        return out

    by_code = {s["moet_code"]: s for s in rows("moet_code", codes)} if codes else {}
    by_pid = {s["personal_id"]: s for s in rows("personal_id", pids, _pid_unique_condition())} if pids else {}
    return by_code, by_pid


def _pid_unique_condition() -> str:
    """The condition of the partial unique index on personal_id, as " AND (…)", as stored in the
    schema. The planner reads a partial index only for queries that state its condition, and
    a big load defers the plain personal_id index (one random B-tree insert less per pupil)
    while its lookups read the unique one. The condition changes no result: the values looked
    up are personal IDs, never empty. PostgreSQL: the same, from pg_index (the planner proves
    the condition from constants only for IN lists of up to 100 values)."""
    if is_pg():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = to_regclass(%s)",
                [_PID_UNIQUE],
            )
            found = cur.fetchone()
        return f" AND ({found[0]})" if found and found[0] else ""
    with connection.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [_PID_UNIQUE])
        found = cur.fetchone()
    if not found or " WHERE " not in (found[0] or ""):
        return ""
    return f" AND ({found[0].split(' WHERE ', 1)[1]})"


_PID_UNIQUE = "registry_student_pid_unique"


def active_classes(*, student_ids: list[int]) -> dict[tuple[int, int], str]:
    """Name of each student's active class per year."""
    out = {}
    for i in range(0, len(student_ids), 5000):
        for e in Enrolment.objects.filter(
            student_id__in=student_ids[i : i + 5000], state=Enrolment.State.ACTIVE
        ).values("student_id", "year_id", "school_class__name"):
            out[(e["student_id"], e["year_id"])] = e["school_class__name"]
    return out


def raise_if_out_of_scope(actor: Actor, paths: Iterable[str]) -> None:
    for p in paths:
        if not actor.scope.can(perms.CHANGE, p):
            raise PermissionDenied()
