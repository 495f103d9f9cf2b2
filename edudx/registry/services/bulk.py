"""Bulk writes for imports: thousands of rows per call, same rules as the one-row services.

The ingest engine has already normalised and validated every row with the same pure rules
(core.rules) the one-row services use; these functions check the actor's scope for every
target school, write with set-based SQL (COPY on PostgreSQL, executemany on SQLite, ids
taken from the table's own sequence) and record one history entry per record changed,
carrying the actor's door and source ("import:<id>"). They run inside the caller's
transaction: an import commits all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager, nullcontext
from itertools import chain
from typing import Any

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied
from edudx.core.models import HistoryEntry
from edudx.core.rules.levels import grade_from_class_name
from edudx.core.text import fold

from .. import permissions as perms
from ..models import Enrolment, School, SchoolClass, SchoolYear, Student
from . import bulk_pg

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


# ----- low-level set-based SQL
def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def allocate_ids(model: type[models.Model], n: int) -> list[int] | range:
    table = model._meta.db_table
    with connection.cursor() as cur:
        if _is_pg():
            return bulk_pg.allocate_ids(cur, table, n)
        # SQLite: the import's transaction holds the write lock (BEGIN IMMEDIATE), so MAX is stable.
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table name from model meta
        start = cur.fetchone()[0] + 1
    return range(start, start + n)


def db_now() -> Any:
    """Now, as the backend stores it (SQLite: the text Django writes for an aware datetime)."""
    now = timezone.now()
    return now if _is_pg() else _sqlite_value(now)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows must hold backend-ready values (use db_now() for timestamps; dates may be dates)."""
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    connection.ensure_connection()
    if _is_pg():
        bulk_pg.copy_rows(table, cols, rows)
    else:
        marks = ", ".join(["?"] * len(columns))
        # The raw sqlite3 connection: no per-parameter conversion in Python.
        connection.connection.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)  # noqa: S608


_ROWS_PER_INSERT = 128
_MAX_PARAMS = 32_000  # SQLite ≥ 3.32 binds up to 32,766 parameters per statement


def _sql_literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(v).__name__}")


def insert_frame(
    model: type[models.Model], frame: pl.DataFrame, consts: dict[str, Any] | None = None
) -> None:
    """Insert a polars frame whose column names are the table's columns, plus `consts` (one value
    for every row: timestamps, defaults). No Python work per row on PostgreSQL: polars writes the
    CSV that COPY reads. On SQLite, executemany over the frame's row tuples, the constants
    written once into the statement (fewer parameters bound per row)."""
    if frame.height == 0:
        return
    consts = dict(consts or {})
    table = model._meta.db_table
    connection.ensure_connection()
    if _is_pg():
        bulk_pg.copy_frame(table, frame, consts)
        return
    names = [*frame.columns, *consts]
    cols = ", ".join(f'"{c}"' for c in names)
    values = ", ".join(["?"] * frame.width + [_sql_literal(_sqlite_value(v)) for v in consts.values()])
    frame = frame.with_columns(
        pl.col(c).dt.to_string("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date
    )
    # One short-lived tuple per row: the cyclic GC would otherwise wake every 700 of them and
    # walk the young generation for nothing (tuples of str/int hold no cycles).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        # Many rows per statement: SQLite's per-statement work (reset, halt, the AUTOINCREMENT
        # bookkeeping in sqlite_sequence that Django's tables carry) is paid once per
        # _ROWS_PER_INSERT rows instead of once per row.
        width = frame.width
        flat = list(chain.from_iterable(frame.iter_rows()))
        per = max(1, min(_ROWS_PER_INSERT, _MAX_PARAMS // max(width, 1)))
        step = per * width
        full = len(flat) // step * step if width else 0
        raw = connection.connection
        if full:
            sql = f'INSERT INTO "{table}" ({cols}) VALUES {", ".join([f"({values})"] * per)}'  # noqa: S608
            raw.executemany(sql, (flat[i : i + step] for i in range(0, full, step)))
        rest = frame.height - (full // width if width else 0)
        if rest:
            sql = f'INSERT INTO "{table}" ({cols}) VALUES {", ".join([f"({values})"] * rest)}'  # noqa: S608
            raw.execute(sql, flat[full:])
    finally:
        if gc_was_on:
            gc.enable()


def update_rows(model: type[models.Model], columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
    """rows: (value per column..., id)."""
    if not rows:
        return
    table = model._meta.db_table
    sets = ", ".join(f'"{c}" = %s' for c in columns)
    if _is_pg():
        with connection.cursor() as cur:
            cur.executemany(f'UPDATE "{table}" SET {sets} WHERE id = %s', rows)  # noqa: S608
    else:
        connection.ensure_connection()
        connection.connection.executemany(
            f'UPDATE "{table}" SET {sets.replace("%s", "?")} WHERE id = ?',  # noqa: S608
            [[_sqlite_value(v) for v in r] for r in rows],
        )


def select_in(sql: str, values: list[Any], *, chunk: int = 50_000) -> list[tuple]:
    """Run `sql` (ending in `IN ({})`) for values in chunks of 50,000, passed as one parameter:
    an array on PostgreSQL (`= ANY(%s)`), a JSON list on SQLite (`IN (SELECT value FROM
    json_each(%s))`) — long IN lists cost parsing and planning time on both."""
    out: list[tuple] = []
    pg = _is_pg()
    sql = sql.replace(" IN ({})", " = ANY(%s)" if pg else " IN (SELECT value FROM json_each(%s))")
    with connection.cursor() as cur:
        for i in range(0, len(values), chunk):
            part = values[i : i + chunk]
            cur.execute(sql, [part if pg else json.dumps(part)])
            out.extend(cur.fetchall())
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def history_rows(
    *,
    actor: Actor,
    model: type[models.Model],
    entries: Iterable[tuple[int, str, str, dict[str, Any]]],
    operation: str,
) -> None:
    """entries: (object id, repr, action, changes) — written like core.history.record_many."""
    ct = ContentType.objects.get_for_model(model).pk
    now = db_now()
    user_id = actor.user.pk if actor.user is not None else None
    label, via, source = actor.label, actor.via, actor.source[:128]
    columns = (
        "content_type_id", "object_id", "object_repr", "action", "operation", "actor_id", "actor_label",
        "via", "source", "changes", "note", "at",
    )  # fmt: skip
    insert_rows(
        HistoryEntry,
        columns,
        (
            (
                ct,
                str(pk),
                text[:255],
                action,
                operation,
                user_id,
                label,
                via,
                source,
                json.dumps(ch, ensure_ascii=False),
                "",
                now,
            )
            for pk, text, action, ch in entries
        ),
    )


def _require_schools(actor: Actor, school_ids: set[int]) -> dict[int, School]:
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids).select_related("unit")}
    for sid in school_ids:
        school = schools.get(sid)
        actor.scope.require(perms.CHANGE, school.unit.path if school else None)
    return schools


@contextmanager
def deferred_indexes(
    models_: Sequence[type[models.Model]],
    *,
    keep: Sequence[str] = (),
    fts: Sequence[tuple[str, str]] = (),
    fk_parents: Sequence[str] = (),
):
    """SQLite, big loads: drop the plain secondary indexes of these tables and rebuild them at
    the end (one sort per index instead of millions of random B-tree inserts), and fill the
    FTS5 name indexes (`fts`: (table, column)) with one INSERT … SELECT over the new ids
    instead of a trigger per row. Runs inside the caller's transaction: a failure or a
    cancellation rolls the DDL back with the rows, and other connections keep reading the
    committed tables, indexes included (WAL). PostgreSQL: the same for the plain secondary
    indexes (the GIN name index included), rebuilt with a larger maintenance_work_mem, and
    the foreign keys from these tables to `fk_parents` dropped and re-added (validated once).
    The DDL is transactional there too; other sessions wait on these tables (and on the
    `fk_parents`) until the commit, so keep `fk_parents` to the load's own app."""
    if _is_pg():
        with bulk_pg.deferred_indexes(models_, keep=keep, fk_parents=fk_parents):
            yield
        return
    from edudx.core.search import fts_table

    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(tables))
        cur.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%%'",
            tables,
        )
        # Indexes the load itself reads through (lookups by personal ID, by student) stay.
        indexes = [(n, q) for n, q in cur.fetchall() if not any(k in q for k in keep)]
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        triggers = []  # (table, column, trigger sql, highest id before the load)
        for table, column in fts:
            cur.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"{fts_table(table, column)}_ai"],
            )
            found = cur.fetchone()
            if found:
                cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
                triggers.append((table, column, found[0], cur.fetchone()[0]))
                cur.execute(f'DROP TRIGGER "{fts_table(table, column)}_ai"')
        cur.execute("PRAGMA cache_size")
        cache = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading and sorting
        cur.execute("PRAGMA threads")
        threads = cur.fetchone()[0]
        # The rebuilds' sorts may use helper threads (SQLite's multi-threaded sorter).
        cur.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        cur.execute("PRAGMA mmap_size")
        mmap = cur.fetchone()
        # Memory-mapped reads make SQLite search the WAL's index for every read-only page fetch,
        # and a big load's WAL keeps growing, so mmap is off for the load.
        # See docs/decisions/0004-registry-bulk-loads.md.
        cur.execute("PRAGMA mmap_size = 0")
    try:
        yield
        with connection.cursor() as cur:
            for table, column, sql, last in triggers:
                cur.execute(
                    f"INSERT INTO {fts_table(table, column)}(rowid, {column}) "  # noqa: S608
                    f'SELECT id, "{column}" FROM "{table}" WHERE id > %s ORDER BY id',
                    [last],
                )
                cur.execute(sql)
            for _name, sql in indexes:
                cur.execute(sql)
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(cache)}")
            cur.execute(f"PRAGMA threads = {int(threads)}")
            if mmap:
                cur.execute(f"PRAGMA mmap_size = {int(mmap[0])}")


def _big_relative_to(model: type[models.Model], rows: int) -> bool:
    """A load is big for a table when it brings at least half as many rows as it holds."""
    from django.conf import settings

    share = float(getattr(settings, "INGEST_BULK_LOAD_SHARE", 0.5))
    with connection.cursor() as cur:
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')  # noqa: S608
        held = cur.fetchone()[0]
    return rows >= share * held


def student_bulk_load(size_bytes: int = 0):
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
        history_rows(
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
        _students_create(actor, new, now, today)
    if changed:
        _students_update(actor, changed, now, today)


_DEFAULTS = {"status": "dang_hoc"}


def _field_value(row: dict[str, Any], col: str) -> Any:
    v = row.get(col)
    field = STUDENT_MAP[col]
    if v is None and field not in _NULLABLE:
        return _DEFAULTS.get(field, "")
    return v


def _students_create(actor: Actor, new: pl.DataFrame, now: Any, today: dt.date) -> None:
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
    new = new.with_columns(pl.Series("__id", ids, dtype=pl.Int64))
    insert_frame(
        Student,
        new.select(
            pl.col("__id").alias("id"), pl.col("__name_key").alias("name_key"), "school_id",
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
    history_frame(
        actor=actor,
        model=Student,
        operation="student_import",
        frame=new.select(pl.col("__id"), pl.col("full_name"), changes.alias("__changes")),
    )


def history_frame(*, actor: Actor, model: type[models.Model], frame: pl.DataFrame, operation: str) -> None:
    """History entries ("create") from a frame of (id, repr, changes JSON)."""
    ct = ContentType.objects.get_for_model(model).pk
    now = db_now()
    user_id = actor.user.pk if actor.user is not None else None
    id_col, repr_col, ch_col = frame.columns
    insert_frame(
        HistoryEntry,
        frame.select(
            pl.col(id_col).cast(pl.String).alias("object_id"), pl.col(repr_col).str.slice(0, 255).alias("object_repr"),
            pl.col(ch_col).alias("changes"),
        ),
        {
            "content_type_id": ct, "action": "create", "operation": operation, "actor_id": user_id,
            "actor_label": actor.label, "via": actor.via, "source": actor.source[:128], "note": "", "at": now,
        },
    )  # fmt: skip


def _students_update(
    actor: Actor,
    changed: list[tuple[int, dict[str, Any], dict[str, list[Any]]]],
    now: dt.datetime,
    today: dt.date,
) -> None:
    by_fields: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)
    moves: list[tuple[int, dict[str, Any]]] = []
    hist = []
    for pk, row, changes in changed:
        cols = tuple(c for c in changes if c in STUDENT_MAP)
        if cols:
            fields = tuple(STUDENT_MAP[c] for c in cols)
            extra = ("name_key",) if "full_name" in cols else ()
            values = [_field_value(row, c) for c in cols]
            if extra:
                values.append(row.get("__name_key") or fold(row["full_name"]))
            by_fields[(*fields, *extra, "updated_at")].append([*values, now, pk])
        if "class_name" in changes or "school_id" in changes:
            moves.append((pk, row))
        plain = {STUDENT_MAP.get(k, k): [_plain(a), _plain(b)] for k, (a, b) in changes.items()}
        hist.append((pk, row["full_name"], "transfer" if "school_id" in changes else "update", plain))
    for fields, rows in by_fields.items():
        update_rows(Student, fields, rows)
    if moves:
        _move(moves, today)
    history_rows(actor=actor, model=Student, operation="student_import", entries=hist)


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
    school_moves = [[r["school_id"], pk] for pk, r in moves]
    update_rows(Student, ("school_id",), school_moves)


def student_bulk_lookup(*, codes: list[str], pids: list[str]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Existing students by MOET code and by personal ID (for the import's preview)."""
    fields = ["id", "school_id", *STUDENT_MAP.values()]
    cols = ", ".join(f'"{f}"' for f in fields)
    table = Student._meta.db_table
    date_fields = {"date_of_birth", "status_date"}

    def rows(column: str, values: list[str], extra: str = "") -> list[dict]:
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
    if _is_pg():
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
