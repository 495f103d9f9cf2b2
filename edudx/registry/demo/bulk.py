"""Bulk writes for large loads: rows as tuples, ids assigned here, one round trip per batch.

SQLite gets `executemany` on the raw connection, PostgreSQL gets `COPY … FROM STDIN` through
psycopg. Both run inside the caller's transaction. Ids are allocated in Python (max id + 1)
so that child rows can point at parents without reading them back; PostgreSQL sequences are
moved past them afterwards (`reset_sequences`).

The accent-insensitive name search keeps an FTS5 table in step through triggers on SQLite
and a GIN index on PostgreSQL; maintaining either row by row during a load of millions is
slow, so `search_index_suspended` drops it and rebuilds it once at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from edudx.core.search import fts_table, postgres_fts_sql, rebuild_sqlite_index, sqlite_fts_sql


class Table:
    """Rows for one model: the caller gives `columns` (field names) in order; every other
    concrete column is filled with its default, so a new field with a default does not break
    the loader."""

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
        self.columns = [f.column for f in given] + [f.column for f in rest]
        self.tail = tuple(tail)
        self.rows: list[tuple] = []
        self.written = 0
        start = model.objects.aggregate(m=Max("pk"))["m"] or 0
        self._next_id = start + 1

    def next_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.tail)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        write_rows(self.table, self.columns, rows)
        self.written += len(rows)
        return len(rows)


def write_rows(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    raw = _raw_connection()
    cols = ", ".join(columns)
    if connection.vendor == "sqlite":
        marks = ", ".join("?" * len(columns))
        raw.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608 - model metadata
    elif connection.vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:  # any other backend: portable, slower
        with connection.cursor() as cur:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def _raw_connection() -> Any:
    connection.ensure_connection()
    return connection.connection


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
def indexes_suspended(tables: Sequence[str], log=None) -> Iterator[None]:
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


@contextlib.contextmanager
def fast_sqlite() -> Iterator[None]:
    """Fewer fsyncs while a demo city loads (the database is being created, not kept safe)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=NORMAL")


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
