# Table and column names are constants of the calling app, never input; values are bound parameters.
# ruff: noqa: S608, S611
"""Accent-insensitive word-prefix search over a folded text column, one interface for both
databases: SQLite FTS5 (an external-content table kept in sync by triggers) and PostgreSQL
full-text search (a GIN expression index over edudx_prefix_tsv(column): the words of
to_tsvector('simple', column) plus every prefix of each word marked with "*").

Typing "nguyen van an" matches "Nguyễn Văn An" and, as the user is still typing the last
word, "Nguyễn Văn Anh"; earlier words match whole words, which keeps the index lookups
selective (a prefix "nguyen*" would read a third of all pupils in a city).

Prefixes are indexed as lexemes on PostgreSQL so that the still-typed last word is an exact
GIN entry rather than a partial match, whose bitmap turns lossy over a city.
See docs/decisions/0001-postgres-name-search-prefix-lexemes.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Model, Q

if TYPE_CHECKING:
    from django.db.migrations import RunPython

from edudx.core.text import search_tokens

PG_FUNCTION = "edudx_prefix_tsv"

# The lexemes of to_tsvector('simple', t) (whole words, as the parser splits them) and, for
# each, every prefix with "*" appended ("anh" → "a*", "an*", "anh*"). IMMUTABLE so that it
# can be indexed; "*" never occurs in a lexeme of the 'simple' parser, so a prefix entry
# cannot be mistaken for a whole word. PL/pgSQL because it runs faster than the same SQL
# function (see docs/decisions/0001-postgres-name-search-prefix-lexemes.md).
PG_FUNCTION_SQL = f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  words text[] := tsvector_to_array(to_tsvector('simple', t));
  lexemes text[] := words;
  w text;
BEGIN
  FOREACH w IN ARRAY words LOOP
    FOR n IN 1..length(w) LOOP
      lexemes := lexemes || (left(w, n) || '*');
    END LOOP;
  END LOOP;
  RETURN array_to_tsvector(lexemes);
END
$$"""


def postgres_tsquery(tokens: list[str]) -> str:
    """tsquery text for `tokens` over edudx_prefix_tsv: whole words, the last one a prefix.

    Lexemes are quoted (tsquery syntax: '' for a quote, \\ for a backslash); the tokens
    are folded [0-9a-z]+ words anyway.
    """

    return " & ".join([*(_lexeme(t) for t in tokens[:-1]), _lexeme(tokens[-1] + "*")])


def _lexeme(word: str) -> str:
    """A quoted tsquery lexeme ('' for a quote, \\ for a backslash)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def postgres_builtin_tsquery(tokens: list[str]) -> str:
    """The same query as `postgres_tsquery` for to_tsvector('simple', column): the last word a
    :* prefix instead of a prefix lexeme."""

    return " & ".join([*(_lexeme(t) for t in tokens[:-1]), _lexeme(tokens[-1]) + ":*"])


# Past this many matches a page is found faster by walking the list in its order than by
# collecting every match and sorting it. SQLite counts the matches (FTS5, up to 10,001);
# PostgreSQL asks the planner's estimate. PostgreSQL walks from fewer matches: its walk reads
# the covering index only (~0.3 µs an entry, `page_ids_first`), while collecting a match
# reads its row (~16-45 µs). At 2,000 matches of 2.5 M pupils the walk reads ~64,000
# entries (~20 ms). See docs/decisions/0001-postgres-name-search-prefix-lexemes.md.
BROAD_MATCHES = 10_000
PG_BROAD_MATCHES = 2_000
# A page's count stops at its cap (1,001) in any order, so walking finds it after
# 1,001 / m × 2.5 M entries: 690,000 for "vo thi" (9,000 matches, ~0.8 s under load).
# Up to this many matches PostgreSQL counts the collected GIN matches instead (`counting`).
PG_COUNT_WALK_MATCHES = 20_000


def page_ids_first() -> bool:
    """Whether a name search's list page should find its ids before its rows
    (core.pagination's `ids_first`). On PostgreSQL the broad walk tests each entry of the
    covering (sort_name, id) INCLUDE (name_key, school_id) index, which answers an id-only
    query without the table; a query selecting whole rows reads a table row per entry walked
    (~75,000 for "tran thi" over a city). SQLite's covering index serves its one query."""
    return connection.vendor == "postgresql"


# The probes below decide how a search runs (collect the matches, or walk an order testing each
# row), never which rows it selects; a list page asks them twice, for its page and for its count,
# and every user searching "nguyen van" asks the same. They are kept in the process for
# PROBE_TTL seconds: a full count of "nguyen van"'s 82,000 matches costs ~20 ms of a city's
# search, and a city's counts move by a few names a day. A stale count only picks the other plan.
PROBE_TTL = 300.0
PROBE_KEPT = 1024  # distinct probes kept (then all are forgotten)
_probes: dict[tuple[Any, ...], tuple[float, Any]] = {}
_probes_lock = threading.Lock()


def _probe(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    full_key = (connection.alias, connection.vendor, str(connection.settings_dict.get("NAME")), *key)
    hit = _probes.get(full_key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < PROBE_TTL:
        return hit[1]
    value = compute()
    with _probes_lock:
        if len(_probes) >= PROBE_KEPT:
            _probes.clear()
        _probes[full_key] = (now, value)
    return value


def _estimated_matches(table: str, column: str, tsquery: str) -> float:
    """The planner's estimate of the rows matching (from the index's statistics)."""
    return float(_probe(("estimate", table, column, tsquery), lambda: _plan_rows(table, column, tsquery)))


def _plan_rows(table: str, column: str, tsquery: str) -> float:
    import json

    with connection.cursor() as cur:
        cur.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} WHERE {PG_FUNCTION}({column}) @@ %s::tsquery",
            [tsquery],
        )
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _sqlite_matches(fts: str, expr: str, cap: int) -> int:
    """How many rows of the FTS5 index match `expr`, counted up to `cap` + 1 (index only)."""
    return int(_probe(("matches", fts, expr, cap), lambda: _sqlite_count(fts, expr, cap)))


def _sqlite_count(fts: str, expr: str, cap: int) -> int:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s)", [expr, cap + 1]
        )
        return int(cur.fetchone()[0])


def _sqlite_word_test(table: str, column: str, tokens: list[str]) -> tuple[str, list[str]]:
    """SQL testing one row's `column` for every token as a word, the last one as a word's
    start, with FTS5's boundaries over folded text (anything but [a-z0-9] separates words; a
    letter fold leaves outside a-z, as in "ø", would too, where FTS5 keeps it in the word).
    Tokens are [0-9a-z]+: no LIKE or GLOB wildcard to escape."""
    col = f'"{table}"."{column}"'
    parts, params = [], []
    for i, t in enumerate(tokens):
        last = i == len(tokens) - 1
        parts.append(f"{col} LIKE %s AND (' ' || {col} || ' ') GLOB %s")
        params += [f"%{t}%", f"*[^a-z0-9]{t}" + ("*" if last else "[^a-z0-9]*")]
    return "(" + " AND ".join(parts) + ")", params


def fts_table(table: str, column: str) -> str:
    return f"{table}_{column}_fts"


def match_q(model: type[Model], column: str, query: str, *, counting: bool = False) -> Q | None:
    """A Q selecting rows of `model` whose `column` matches every word of `query` as a prefix.

    `counting`: for a count capped in any order, not a page in the list's order (PostgreSQL
    then walks only past PG_COUNT_WALK_MATCHES). Returns None when the query has no
    searchable word.
    """
    tokens = search_tokens(query)
    if not tokens:
        return None
    table = model._meta.db_table
    if connection.vendor == "sqlite":
        from django.db.models import BooleanField
        from django.db.models.expressions import RawSQL

        expr = " ".join([*(f'"{t}"' for t in tokens[:-1]), f'"{tokens[-1]}"*'])
        fts = fts_table(table, column)
        sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
        # The last word taken whole first: FTS5 streams a word's list and stops at the cap,
        # while a prefix merges the lists of every word it starts (~15 ms CPU for "nguyen"*
        # over a city, 0.5 ms for "nguyen"); the prefix matches at least as many.
        whole = " ".join(f'"{t}"' for t in tokens)
        if (
            _sqlite_matches(fts, whole, BROAD_MATCHES) > BROAD_MATCHES
            or _sqlite_matches(fts, expr, BROAD_MATCHES) > BROAD_MATCHES
        ):
            # Many matches ("nguyen van": 82,000 of 2.5 M; "nguyen": 1.1 M): reading each
            # matched row to sort it or test its scope costs ~4 µs × 82,000, and a membership
            # set of the matches costs as much to build (SQLite builds it per statement: twice a
            # page, ~40 ms for "nguyen van" over a city). So each row walked — in the scope's own
            # index (a ward's schools) or the list's order (the department's), stopping at the
            # page's LIMIT — tests the words itself: a LIKE per word (is it there at all,
            # ~0.2 µs), then a GLOB with FTS5's word boundaries (a whole word, the last one a
            # word's start). name_key is folded (core.text.fold): letters are a-z, and FTS5's
            # unicode61 splits words at anything else ("h'hen"). With the column in the order's
            # index (registry_student_sort_names) the walk reads no table row but the page's:
            # "nguyen van" walks ~1,500 index entries for its 50 rows.
            return Q(RawSQL(*_sqlite_word_test(table, column, tokens), output_field=BooleanField()))
        return Q(pk__in=RawSQL(sql, [expr]))
    if connection.vendor == "postgresql":
        from django.db.models.expressions import RawSQL

        tsquery = postgres_tsquery(tokens)
        estimate = _estimated_matches(table, column, tsquery)
        if estimate > (PG_COUNT_WALK_MATCHES if counting else PG_BROAD_MATCHES):
            # Many matches ("tran thi": 29,000; "nguyen van": 82,000): the page is found by
            # walking an order — the scope's (a ward's schools) or the list's — and testing
            # each row, never by reading every match. The test is the same match written with
            # PostgreSQL's own C functions (to_tsvector 'simple', the last word a :* prefix):
            # ~5 µs a row where the indexed PL/pgSQL expression costs ~28 µs, and with no index
            # on it the planner walks instead of collecting 82,000 rows from the GIN index.
            from django.db.models import BooleanField

            # Before it, a substring test per word (LIKE, ~0.3 µs a row): a row lacking one of
            # the words as a substring cannot hold it as a word or a prefix, so to_tsvector
            # parses only the few rows left. Tokens are [0-9a-z]+: no LIKE wildcard to escape.
            # With the covering (sort_name, id) INCLUDE (name_key, school_id) index the walk
            # for the page's ids is index-only (core.pagination's ids_first): "tran thi" reads
            # ~75,000 index entries in ~40 ms where the page's own query fetched as many rows.
            col = f'"{table}"."{column}"'
            like = " AND ".join(f"{col} LIKE %s" for _ in tokens)
            cond = f"({like} AND to_tsvector('simple', {col}) @@ %s::tsquery)"
            params = [*(f"%{t}%" for t in tokens), postgres_builtin_tsquery(tokens)]
            return Q(RawSQL(cond, params, output_field=BooleanField()))
        # Few matches: collect them first, then the list's order. OFFSET 0 keeps PostgreSQL
        # from flattening the subquery and walking the whole name index (it assumes matches
        # are spread evenly, but "nguyen van an" sits in one stretch of it). See
        # docs/decisions/0001-postgres-name-search-prefix-lexemes.md.
        sql = f"SELECT id FROM {table} WHERE {PG_FUNCTION}({column}) @@ %s::tsquery OFFSET 0"
        return Q(pk__in=RawSQL(sql, [tsquery]))
    # Other databases: plain containment on the folded column.
    q = Q()
    for t in tokens:
        q &= Q(**{f"{column}__contains": t})
    return q


def match_count(model: type[Model], column: str, query: str, *, cap: int) -> int | None:
    """How many rows of `model` match `query`, counted up to `cap` + 1 in the name index alone —
    for a caller who sees every row of the table and filters nothing else (the department's
    search: "nguyen van" stops at the cap's 1,001st match, ~3 ms, where counting through the
    table walks ~30,000 rows). SQLite only (FTS5 holds one entry per row: its content table's
    triggers keep it so); None elsewhere, or when the query has no searchable word."""
    tokens = search_tokens(query)
    if not tokens or connection.vendor != "sqlite":
        return None
    expr = " ".join([*(f'"{t}"' for t in tokens[:-1]), f'"{tokens[-1]}"*'])
    return _sqlite_count(fts_table(model._meta.db_table, column), expr, cap)


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


def postgres_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_tsv"


def postgres_fts_sql(table: str, column: str) -> list[str]:
    return [
        PG_FUNCTION_SQL,
        f"CREATE INDEX IF NOT EXISTS {postgres_index_name(table, column)} ON {table} "
        f"USING gin ({PG_FUNCTION}({column}))",
    ]


def index_operation(table: str, column: str) -> RunPython:
    """A migration operation creating the right index for whichever database runs it."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        statements = (
            sqlite_fts_sql(table, column)
            if vendor == "sqlite"
            else (postgres_fts_sql(table, column) if vendor == "postgresql" else [])
        )
        for sql in statements:
            schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        fts = fts_table(table, column)
        if vendor == "sqlite":
            for suffix in ("_ai", "_ad", "_au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {postgres_index_name(table, column)}")

    return migrations.RunPython(forwards, backwards)


def prefix_index_operation(table: str, column: str) -> RunPython:
    """A migration operation moving a PostgreSQL name index of `index_operation`'s first form
    (GIN over to_tsvector('simple', column), prefixes answered by partial match) to the
    prefix-lexeme index `match_q` queries now. Nothing to do on SQLite (FTS5 has prefixes)
    nor where the index is already in the new form (a database created after the change).
    """
    from django.db import migrations

    name = postgres_index_name(table, column)

    def indexdef(schema_editor: Any) -> str | None:
        with schema_editor.connection.cursor() as cur:
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
            row = cur.fetchone()
        return row[0] if row else None

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        current = indexdef(schema_editor)
        if current is not None and PG_FUNCTION in current:
            return
        # Built under another name first: CREATE INDEX only blocks writes, while DROP INDEX
        # locks the table until the migration commits — keep that lock for a moment only.
        schema_editor.execute(PG_FUNCTION_SQL)
        schema_editor.execute(f"CREATE INDEX {name}_new ON {table} USING gin ({PG_FUNCTION}({column}))")
        # Statistics of the new expression, else the planner guesses one match until the next
        # autoanalyze, which no row change triggers.
        # See docs/decisions/0001-postgres-name-search-prefix-lexemes.md.
        schema_editor.execute(f"ANALYZE {table}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"ALTER INDEX {name}_new RENAME TO {name}")

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('simple', {column}))")

    return migrations.RunPython(forwards, backwards)


def rebuild_sqlite_index(table: str, column: str) -> None:
    """After bulk loads with triggers dropped: rebuild the FTS5 index from the content table."""
    if connection.vendor == "sqlite":
        fts = fts_table(table, column)
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {fts}({fts}) VALUES('rebuild')")
