# Table and column names are constants, never input.
# ruff: noqa: S608
"""PostgreSQL DDL of the library's search beyond the first index (library/search.py): the title
+ body vector as a stored generated column (migration 0007)."""

from __future__ import annotations

from .search import INDEX, TABLE, postgres_sql


def vector_postgres_sql() -> list[str]:
    """PostgreSQL (migration 0007): the title + body vector as a stored generated column with
    its GIN index, in place of the index over the expression. Ranking a match (ts_rank) and
    rechecking the rows of a lossy bitmap recomputed to_tsvector over the body of each row:
    16.5 s for "nguyen tu" + CC0 + grade 11 at a million resources (101,260 matches, 92,052
    rows rechecked), every buffer in memory. The same vector, so the same matches and ranks."""
    column = INDEX.pg_vector_column
    return [
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {column} tsvector "
        f"GENERATED ALWAYS AS {INDEX.pg_vector_expression} STORED",
        f"CREATE INDEX IF NOT EXISTS library_resource_vector ON {TABLE} USING gin ({column})",
        "DROP INDEX IF EXISTS library_resource_tsv",
    ]


def vector_migration_operation():
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in vector_postgres_sql():
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(postgres_sql()[0])
            schema_editor.execute("DROP INDEX IF EXISTS library_resource_vector")
            schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {INDEX.pg_vector_column}")

    return migrations.RunPython(forwards, backwards)
