"""SQLite side of the bulk writes (core/db/bulk.py): the next id from MAX(id), multi-row
INSERTs over the raw sqlite3 connection, the deferred-index context of big loads and the
PRAGMAs that go with it. The domain modules decide what is written; this module only how it
travels to SQLite. Table and column names come from model metadata, never from input."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
from django.db import connection


def to_db_value(v: Any) -> Any:
    """A value as SQLite stores it through Django (aware datetimes: naive UTC text)."""
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def sql_literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(v).__name__}")


def max_id(cur: Any, table: str) -> int:
    """The table's highest id (0 when empty). As "next id = MAX(id) + 1" it is safe only while
    this transaction holds SQLite's write lock (BEGIN IMMEDIATE): nobody else can insert."""
    cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table name from model meta
    return int(cur.fetchone()[0])


def insert_rows(table: str, cols: str, n_columns: int, rows: Iterable[Sequence[Any]]) -> None:
    """executemany on the raw sqlite3 connection: no per-parameter conversion in Python."""
    marks = ", ".join(["?"] * n_columns)
    connection.ensure_connection()
    connection.connection.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)  # noqa: S608


_ROWS_PER_INSERT = 128
_MAX_PARAMS = 32_000  # SQLite ≥ 3.32 binds up to 32,766 parameters per statement


def insert_frame(table: str, frame: pl.DataFrame, consts: dict[str, Any]) -> None:
    """executemany over the frame's row tuples, the constants written once into the statement
    (fewer parameters bound per row)."""
    connection.ensure_connection()
    names = [*frame.columns, *consts]
    cols = ", ".join(f'"{c}"' for c in names)
    values = ", ".join(["?"] * frame.width + [sql_literal(to_db_value(v)) for v in consts.values()])
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
        # Row-major parameters built column by column: each column to a list in polars, then
        # laid into every width-th slot by a C loop — no Python tuple per row.
        flat: list[Any] = [None] * (frame.height * width)
        for j, column in enumerate(frame.iter_columns()):
            flat[j::width] = column.to_list()
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


def update_rows(table: str, sets: str, rows: list[Sequence[Any]]) -> None:
    """sets: `"col" = ?, …`; rows: (value per column..., id)."""
    connection.ensure_connection()
    connection.connection.executemany(
        f'UPDATE "{table}" SET {sets} WHERE id = ?',  # noqa: S608
        [[to_db_value(v) for v in r] for r in rows],
    )


@contextlib.contextmanager
def deferred_indexes(
    tables: Sequence[str], *, keep: Sequence[str] = (), fts: Sequence[tuple[str, str]] = ()
) -> Iterator[None]:
    """See core.db.bulk.deferred_indexes (the SQLite half)."""
    from edudx.core.search import fts_table

    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(tables))
        cur.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%%'",
            list(tables),
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
                triggers.append((table, column, found[0], max_id(cur, table)))
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
