"""Accent-insensitive word-prefix search over a folded text column, one interface for both
databases: SQLite FTS5 (an external-content table kept in sync by triggers) and PostgreSQL
full-text search (a GIN expression index over to_tsvector('simple', column)).

Typing "nguyen van an" matches "Nguyễn Văn An" and, as the user is still typing the last
word, "Nguyễn Văn Anh"; earlier words match whole words, which keeps the index lookups
selective (a prefix "nguyen*" would read a third of all pupils in a city).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from .text import search_tokens


def fts_table(table: str, column: str) -> str:
    return f"{table}_{column}_fts"


def match_q(model, column: str, query: str) -> Q | None:
    """A Q selecting rows of `model` whose `column` matches every word of `query` as a prefix.

    Returns None when the query has no searchable word.
    """
    tokens = search_tokens(query)
    if not tokens:
        return None
    table = model._meta.db_table
    if connection.vendor == "sqlite":
        expr = " ".join([*(f'"{t}"' for t in tokens[:-1]), f'"{tokens[-1]}"*'])
        sql = f"SELECT rowid FROM {fts_table(table, column)} WHERE {fts_table(table, column)} MATCH %s"
        from django.db.models.expressions import RawSQL

        return Q(pk__in=RawSQL(sql, [expr]))
    if connection.vendor == "postgresql":
        from django.db.models.expressions import RawSQL

        tsquery = " & ".join([*tokens[:-1], f"{tokens[-1]}:*"])
        # The matches first, then the list's order: OFFSET 0 keeps PostgreSQL from flattening
        # the subquery and walking the whole name index (it assumes matches are spread evenly,
        # but "nguyen van an" sits in one stretch of it): 8 s → 0.23 s over 2.5 M pupils.
        sql = f"SELECT id FROM {table} WHERE to_tsvector('simple', {column}) @@ to_tsquery('simple', %s) OFFSET 0"
        return Q(pk__in=RawSQL(sql, [tsquery]))
    # Other databases: plain containment on the folded column.
    q = Q()
    for t in tokens:
        q &= Q(**{f"{column}__contains": t})
    return q


def sqlite_fts_sql(table: str, column: str) -> list[str]:
    """DDL for an FTS5 index over `table.column` kept in sync by triggers."""
    fts = fts_table(table, column)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content='{table}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def postgres_fts_sql(table: str, column: str) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS {table}_{column}_tsv ON {table} "
        f"USING gin (to_tsvector('simple', {column}))",
    ]


def index_operation(table: str, column: str):
    """A migration operation creating the right index for whichever database runs it."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = (
            sqlite_fts_sql(table, column)
            if vendor == "sqlite"
            else (postgres_fts_sql(table, column) if vendor == "postgresql" else [])
        )
        for sql in statements:
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        fts = fts_table(table, column)
        if vendor == "sqlite":
            for suffix in ("_ai", "_ad", "_au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_tsv")

    return migrations.RunPython(forwards, backwards)


def rebuild_sqlite_index(table: str, column: str) -> None:
    """After bulk loads with triggers dropped: rebuild the FTS5 index from the content table."""
    if connection.vendor == "sqlite":
        fts = fts_table(table, column)
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {fts}({fts}) VALUES('rebuild')")
