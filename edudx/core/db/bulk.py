"""Bulk writes, for any app: thousands of rows per call, one round trip per batch.

Domain modules say *what* is written (which model, which columns, which rows); these helpers
say *how* it reaches each database: COPY on PostgreSQL (core/db/postgres.py), multi-row
INSERTs over the raw sqlite3 connection on SQLite (core/db/sqlite.py), ids taken from the
table's own sequence (PostgreSQL) or MAX(id) + 1 under the write lock (SQLite), long IN
lists passed as one parameter, secondary indexes dropped during a big load and rebuilt once.
Everything runs inside the caller's transaction. Table and column names come from model
metadata, never from input.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from edudx.core.search import fts_table, postgres_fts_sql, rebuild_sqlite_index, sqlite_fts_sql

from . import postgres, sqlite
from .sqlite import fast_sqlite

__all__ = [
    "Table",
    "allocate_ids",
    "analyze",
    "db_now",
    "deferred_indexes",
    "fast_sqlite",
    "indexes_suspended",
    "insert_frame",
    "insert_rows",
    "is_pg",
    "max_id",
    "rebuild_search_indexes",
    "reset_sequences",
    "search_index_suspended",
    "select_in",
    "update_rows",
]


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def max_id(table: str) -> int:
    """The table's highest id, 0 when empty."""
    with connection.cursor() as cur:
        return sqlite.max_id(cur, table)


def allocate_ids(model: type[models.Model], n: int) -> list[int] | range:
    table = model._meta.db_table
    with connection.cursor() as cur:
        if is_pg():
            return postgres.allocate_ids(cur, table, n)
        # SQLite: the import's transaction holds the write lock (BEGIN IMMEDIATE), so MAX is stable.
        start = sqlite.max_id(cur, table) + 1
    return range(start, start + n)


def db_now() -> Any:
    """Now, as the backend stores it (SQLite: the text Django writes for an aware datetime)."""
    now = timezone.now()
    return now if is_pg() else sqlite.to_db_value(now)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows must hold backend-ready values (use db_now() for timestamps; dates may be dates)."""
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    connection.ensure_connection()
    if is_pg():
        postgres.copy_rows(table, cols, rows)
    else:
        sqlite.insert_rows(table, cols, len(columns), rows)


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
    if is_pg():
        postgres.copy_frame(table, frame, consts)
    else:
        sqlite.insert_frame(table, frame, consts)


def update_rows(model: type[models.Model], columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
    """rows: (value per column..., id)."""
    if not rows:
        return
    table = model._meta.db_table
    sets = ", ".join(f'"{c}" = %s' for c in columns)
    if is_pg():
        with connection.cursor() as cur:
            cur.executemany(f'UPDATE "{table}" SET {sets} WHERE id = %s', rows)  # noqa: S608
    else:
        sqlite.update_rows(table, sets.replace("%s", "?"), rows)


def select_in(
    sql: str, values: Sequence[Any], *, params: Sequence[Any] = (), chunk: int = 50_000
) -> list[tuple[Any, ...]]:
    """Run `sql` (with one `IN ({})`) for values in chunks of 50,000, passed as one parameter:
    an array on PostgreSQL (`= ANY(%s)`), a JSON list on SQLite (`IN (SELECT value FROM
    json_each(%s))`) — long IN lists cost parsing and planning time on both. `params` fill the
    placeholders after the IN list. Values go to SQLite as JSON: strings, numbers or None."""
    out: list[tuple[Any, ...]] = []
    pg = is_pg()
    sql = sql.replace(" IN ({})", " = ANY(%s)" if pg else " IN (SELECT value FROM json_each(%s))")
    with connection.cursor() as cur:
        for i in range(0, len(values), chunk):
            part = list(values[i : i + chunk])
            cur.execute(sql, [part if pg else json.dumps(part), *params])
            out.extend(cur.fetchall())
    return out


@contextlib.contextmanager
def deferred_indexes(
    models_: Sequence[type[models.Model]],
    *,
    keep: Sequence[str] = (),
    fts: Sequence[tuple[str, str]] = (),
    fk_parents: Sequence[str] = (),
) -> Iterator[None]:
    """SQLite, big loads: drop the plain secondary indexes of these tables and rebuild them at
    the end (one sort per index instead of millions of random B-tree inserts), and fill the
    FTS5 name indexes (`fts`: (table, column)) with one INSERT … SELECT over the new ids
    instead of a trigger per row. Runs inside the caller's transaction: a failure or a
    cancellation rolls the DDL back with the rows, and other connections keep reading the
    committed tables, indexes included (WAL). PostgreSQL: the same for the plain secondary
    indexes (the GIN name index included), rebuilt with a larger maintenance_work_mem, and
    the foreign keys from these tables to `fk_parents` dropped and re-added (validated once).
    The DDL is transactional there too; other sessions wait on these tables (and on the
    `fk_parents`) until the commit, so keep `fk_parents` to the load's own app. Unique
    indexes stay (see indexes_suspended for a load that rebuilds them too)."""
    if is_pg():
        with postgres.deferred_indexes(models_, keep=keep, fk_parents=fk_parents):
            yield
        return
    with sqlite.deferred_indexes([m._meta.db_table for m in models_], keep=keep, fts=fts):
        yield


class Table:
    """Rows for one model, buffered and written with insert_rows: the caller gives `columns`
    (field names) in order; every other concrete column is filled with its default, so a new
    field with a default does not break the loader. Ids are MAX(id) + 1 onwards (the caller
    holds the tables: a demo load); reset_sequences moves PostgreSQL's sequences past them."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = {f.name: f for f in model._meta.concrete_fields}
        fields.update({f.attname: f for f in model._meta.concrete_fields})
        given = [fields[c] for c in columns]
        # An id not given is left to the database.
        rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        tail = []
        for f in rest:
            if f.has_default():
                value = f.get_default()
                if isinstance(f, models.DateTimeField):
                    value = now
                elif isinstance(f, models.JSONField):
                    value = f.get_prep_value(value)
                tail.append(value)
            elif isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                tail.append(now)
            elif f.null:
                tail.append(None)
            elif isinstance(f, models.CharField | models.TextField):
                tail.append("")
            else:
                raise ValueError(f"{self.table}.{f.name} needs a value in bulk loads")
        self.columns = [str(f.column) for f in (*given, *rest)]
        self.tail = tuple(tail)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self._next_id = max_id(self.table) + 1

    def next_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row + self.tail)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        insert_rows(self.model, self.columns, rows)
        self.written += len(rows)
        return len(rows)


def reset_sequences(models_: Sequence[type[models.Model]]) -> None:
    """After explicit ids: move PostgreSQL sequences past the largest id (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


@contextlib.contextmanager
def search_index_suspended(indexes: Sequence[tuple[str, str]]) -> Iterator[None]:
    """Drop the name-search upkeep of (table, column) pairs during a bulk load; rebuild after.

    SQLite: the FTS5 insert trigger is dropped (deletes/updates keep theirs), the index is
    rebuilt from the content table and the trigger recreated. PostgreSQL: the GIN index is
    dropped and built again in one pass.
    """
    vendor = connection.vendor
    with connection.cursor() as cur:
        for table, column in indexes:
            if vendor == "sqlite":
                cur.execute(f"DROP TRIGGER IF EXISTS {fts_table(table, column)}_ai")
            elif vendor == "postgresql":
                cur.execute(f"DROP INDEX IF EXISTS {table}_{column}_tsv")
    try:
        yield
    finally:
        rebuild_search_indexes(indexes)


def _fire_deferred_constraints() -> None:
    """PostgreSQL refuses CREATE INDEX on a table with pending deferred foreign-key checks
    (Django declares foreign keys DEFERRABLE INITIALLY DEFERRED): run them now."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        connection.check_constraints()


def rebuild_search_indexes(indexes: Sequence[tuple[str, str]]) -> None:
    vendor = connection.vendor
    _fire_deferred_constraints()
    with connection.cursor() as cur:
        for table, column in indexes:
            if vendor == "sqlite":
                rebuild_sqlite_index(table, column)
                for sql in sqlite_fts_sql(table, column):
                    cur.execute(sql)
            elif vendor == "postgresql":
                for sql in postgres_fts_sql(table, column):
                    cur.execute(sql)


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `table` that can be dropped and rebuilt:
    not the primary key, not those backing a table constraint."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        elif connection.vendor == "postgresql":
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [table],
            )
        else:
            return []
        return list(cur.fetchall())


@contextlib.contextmanager
def indexes_suspended(tables: Sequence[str], log: Any = None) -> Iterator[None]:
    """Drop the secondary indexes of `tables` during a bulk load and build them again after:
    building an index once from sorted data is far cheaper than millions of random B-tree
    inserts. Unique indexes are rebuilt too, so a duplicate still fails the load."""
    saved = [(name, sql) for table in tables for name, sql in _secondary_indexes(table)]
    with connection.cursor() as cur:
        for name, _sql in saved:
            cur.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        if log:
            log(f"building {len(saved)} indexes")
        _fire_deferred_constraints()
        with connection.cursor() as cur:
            for _name, sql in saved:
                cur.execute(sql)


def analyze(tables: Sequence[str]) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum would get there
    later; SQLite has none until ANALYZE runs). SQLite samples: seconds, not minutes."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit=1000")
            cur.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            for table in tables:
                cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
