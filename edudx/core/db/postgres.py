"""PostgreSQL side of the bulk writes (core/db/bulk.py): ids from the table's sequence,
COPY for rows and polars frames, and the deferred-index context of big loads. The domain
modules decide what is written; this module only how it travels to PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import connection, models


def allocate_ids(cur: Any, table: str, n: int) -> list[int] | range:
    """n ids from the table's own sequence, safe beside concurrent inserts."""
    # The lock an INSERT takes anyway, taken first: a concurrent allocate_ids waits here while
    # a session holds the table for a bulk load (the range reservation below relies on it).
    cur.execute(f'LOCK TABLE "{table}" IN ROW EXCLUSIVE MODE')
    if n > 1 and _holds_exclusive(cur, table):
        # Nobody else can take a value meanwhile (inserts and allocate_ids wait for our lock):
        # reserve the range in one step instead of calling nextval n times.
        # See docs/decisions/0004-registry-bulk-loads.md.
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, n],
        )
        hi = cur.fetchone()[0]
        return range(hi - n + 1, hi + 1)
    # Without concurrent inserts they are consecutive and come back as a range, not n rows.
    cur.execute(
        "WITH s AS (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS v FROM generate_series(1, %s)) "
        "SELECT min(v), max(v) FROM s",
        [table, n],
    )
    lo, hi = cur.fetchone()
    if hi - lo + 1 == n:
        return range(lo, hi + 1)
    # Interleaved with another session: those values are left unused (gaps are harmless).
    cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
    return [r[0] for r in cur.fetchall()]


def _holds_exclusive(cur: Any, table: str) -> bool:
    """Whether this transaction holds a lock on `table` that keeps every other writer out (a
    bulk load's DROP INDEX takes ACCESS EXCLUSIVE)."""
    cur.execute(
        "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'relation' AND relation = %s::regclass "
        "AND pid = pg_backend_pid() AND granted "
        "AND mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'))",
        [f'"{table}"'],
    )
    return bool(cur.fetchone()[0])


def copy_rows(table: str, cols: str, rows: Iterable[Sequence[Any]]) -> None:
    # Django's error wrapper: a refused row (a foreign key checked at the end of the COPY) is a
    # django.db.IntegrityError, as from any other statement, not psycopg's own.
    sql = f"COPY {table} ({cols}) FROM STDIN"  # noqa: S608 - names from model meta
    with connection.wrap_database_errors, connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for r in rows:
            copy.write_row(r)


def copy_frame(table: str, frame: pl.DataFrame, consts: dict[str, Any]) -> None:
    frame = frame.with_columns(
        pl.lit(v.isoformat() if isinstance(v, dt.date) else v).alias(k) for k, v in consts.items()
    )
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    sql = f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)"  # noqa: S608 - names from model meta
    step = 100_000
    with connection.wrap_database_errors, connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for i in range(0, frame.height, step):
            # polars: null → empty field (NULL), "" → "" (empty string), as COPY's CSV reads them.
            copy.write(frame.slice(i, step).write_csv(include_header=False))


@contextmanager
def deferred_indexes(
    models_: Sequence[type[models.Model]], *, keep: Sequence[str] = (), fk_parents: Sequence[str] = ()
) -> Iterator[None]:
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary "
            "AND t.relnamespace = current_schema()::regnamespace",
            [tables],
        )
        indexes = [(n, q) for n, q in cur.fetchall() if not any(k.strip('"') in q for k in keep)]
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        # Foreign keys to `fk_parents`: a deferred check per row and key queued until the commit
        # (millions of them) becomes one validating join per key when the constraint is re-added.
        cur.execute(
            "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid "
            "WHERE c.contype = 'f' AND t.relname = ANY(%s) AND p.relname = ANY(%s) "
            "AND t.relnamespace = current_schema()::regnamespace",
            [tables, list(fk_parents)],
        )
        fks = cur.fetchall()
        if fks:  # DDL refuses a table with queued (deferred) foreign-key checks: run them now.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, table, _sql in fks:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        # The foreign keys that stay (to users and content types: dropping them would lock
        # tables every request reads) are checked at the end of each COPY instead of at the
        # commit: the same check per row, run while the chunk's pages are still in shared
        # buffers, and no queue of millions of pending checks (3 a pupil) held in the server's
        # memory until the end.
        cur.execute(
            "SELECT DISTINCT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND c.condeferrable AND t.relname = ANY(%s) "
            "AND t.relnamespace = current_schema()::regnamespace",
            [tables],
        )
        kept = [r[0] for r in cur.fetchall()]
        if kept:
            cur.execute("SET CONSTRAINTS " + ", ".join(f'"{n}"' for n in kept) + " IMMEDIATE")
        # The load looks up each chunk's keys in the tables it is filling; the spinning-disk
        # default of random_page_cost turns those probes into whole-table scans as the tables
        # grow, so the load prices pages as on SSD (1.1). See docs/decisions/0004-registry-bulk-loads.md.
        cur.execute("SELECT current_setting('random_page_cost')")
        page_cost = cur.fetchone()[0]
        cur.execute("SET LOCAL random_page_cost = 1.1")
    yield
    with connection.cursor() as cur:
        cur.execute("SELECT set_config('random_page_cost', %s, true)", [page_cost])
        # DDL refuses a table with queued (deferred) foreign-key checks: run them now.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, sql in indexes:
            cur.execute(sql)
        for name, table, sql in fks:
            cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}')
