# Table and column names are constants of this module, never input; values are bound parameters.
# ruff: noqa: S608, S610, S611
"""Full-text search over resources, one interface for SQLite (FTS5) and PostgreSQL.

The indexed columns are folded copies (edudx.core.text.fold: accents stripped, đ→d, lower
case) because FTS5's remove_diacritics does not fold đ. Two columns are indexed so that a
match in the title outranks a match in the body:

- SQLite: an external-content FTS5 table over (search_title, search_body) kept in sync by
  triggers, ranked with bm25(…, TITLE_WEIGHT, BODY_WEIGHT);
- PostgreSQL: a GIN index over setweight(title,'A') || setweight(body,'B'), ranked with
  ts_rank (weights {D,C,B,A} = {0, 0, BODY, TITLE}).

Every word of the query must match; the last word matches as a prefix (typing "quang h"
finds "quang hop"), earlier words match whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.db import connection
from django.db.models import FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from edudx.core.text import fold, search_tokens

TABLE = "library_resource"
FTS = "library_resource_fts"
TITLE_FTS = "library_resource_title_fts"
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

# Unqualified column names: Django aliases the table inside subqueries (U0), where
# "library_resource.search_title" would not resolve; no other table has these columns.
_PG_VECTOR = (
    "(setweight(to_tsvector('simple', search_title), 'A') || "
    "setweight(to_tsvector('simple', search_body), 'B'))"
)


def fold_title(title: str) -> str:
    return fold(title)


def fold_body(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))


def fts5_expression(query: str, *, column: str | None = None) -> str | None:
    tokens = search_tokens(query)
    if not tokens:
        return None
    words = [f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*']
    expr = " ".join(words)
    return f"{column} : ({expr})" if column else expr


def phrase(query: str) -> str:
    return " ".join(search_tokens(query))


def tsquery(query: str) -> str | None:
    tokens = search_tokens(query)
    if not tokens:
        return None
    return " & ".join([*tokens[:-1], f"{tokens[-1]}:*"])


def matching(qs: QuerySet, query: str) -> QuerySet | None:
    """`qs` limited to resources matching `query`; None when the query has no word."""
    if connection.vendor == "sqlite":
        expr = fts5_expression(query)
        if expr is None:
            return None
        return qs.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [expr]))
    if connection.vendor == "postgresql":
        tsq = tsquery(query)
        if tsq is None:
            return None
        return qs.filter(Q(RawSQL(f"{_PG_VECTOR} @@ to_tsquery('simple', %s)", [tsq], output_field=_bool())))
    tokens = search_tokens(query)
    if not tokens:
        return None
    q = Q()
    for t in tokens:
        q &= Q(search_title__contains=t) | Q(search_body__contains=t)
    return qs.filter(q)


def ranked(qs: QuerySet, query: str) -> QuerySet | None:
    """Matching resources annotated with `rank` (higher is better), best first."""
    if connection.vendor == "sqlite":
        expr = fts5_expression(query)
        if expr is None:
            return None
        # A join on the FTS table (not IN + correlated subquery): FTS5 evaluates MATCH once and
        # hands bm25 for each row; bm25 is lower-is-better, so negate it. A title holding the
        # words as typed, in order ("phuong trinh bac hai"), comes before titles that merely
        # hold all the words ("Hệ hai phương trình bậc nhất hai ẩn").
        return qs.extra(
            tables=[FTS],
            where=[f"{FTS}.rowid = {TABLE}.id", f"{FTS} MATCH %s"],
            params=[expr],
            select={
                "phrase": f"instr({TABLE}.search_title, %s) > 0",
                "rank": f"-bm25({FTS}, {TITLE_WEIGHT}, {BODY_WEIGHT})",
            },
            select_params=[phrase(query)],
        ).order_by("-phrase", "-rank", "-id")
    if connection.vendor == "postgresql":
        tsq = tsquery(query)
        if tsq is None:
            return None
        weights = f"'{{0, 0, {BODY_WEIGHT / TITLE_WEIGHT}, 1}}'"
        return (
            matching(qs, query)
            .annotate(
                phrase=RawSQL("strpos(search_title, %s) > 0", [phrase(query)], output_field=_bool()),
            )
            .annotate(
                rank=RawSQL(
                    f"ts_rank({weights}::float4[], {_PG_VECTOR}, to_tsquery('simple', %s))",
                    [tsq],
                    output_field=FloatField(),
                )
            )
            .order_by("-phrase", "-rank", "-id")
        )
    m = matching(qs, query)
    return None if m is None else m.annotate(rank=RawSQL("0", [], output_field=FloatField()))


CANDIDATES = 1000
PHRASE_CANDIDATES = 500
FACET_CAP = 10_000

_WORD = re.compile(r"[0-9a-z]+")


def phrase_expression(query: str) -> str | None:
    """FTS5 phrase over the title-only table: the words in order, the last one as a prefix."""
    tokens = search_tokens(query)
    if not tokens:
        return None
    return f'"{" ".join(tokens)}"*'


def score_title(title_key: str, tokens: list[str]) -> tuple[bool, float, int]:
    """A BM25F-like order for a window of candidates that all match every word somewhere:
    the words in order in the title first, then the share of the words found in the title
    (the last one as a prefix), then shorter titles (bm25's length normalisation)."""
    words = _WORD.findall(title_key)
    hits = sum(1 for t in tokens[:-1] if t in words) + (
        1 if any(w.startswith(tokens[-1]) for w in words) else 0
    )
    in_order = f" {' '.join(tokens)}" in f" {' '.join(words)}"
    return (in_order, hits / len(tokens), -len(words))


def window_tiers(query: str) -> list[tuple[str, str, int]]:
    """The windows `window` reads, best first: (FTS table, MATCH expression, LIMIT)."""
    expr = fts5_expression(query)
    if expr is None:
        return []
    return [
        (TITLE_FTS, phrase_expression(query) or expr, PHRASE_CANDIDATES),
        (TITLE_FTS, expr, CANDIDATES),
        (FTS, expr, CANDIDATES),
    ]


WINDOW_SQL = "SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s"


def window(
    query: str,
    *,
    run: Callable[[str, list], list[tuple]],
    visible_titles: Callable[[list[int]], dict[int, str]],
    need: int,
) -> tuple[list[int], bool]:
    """SQLite fast path for relevance ranking at millions of rows.

    Exact bm25 ranking reads every hit's positions, too slow for a broad query at a million
    resources (docs/decisions/0003-library-search-windows-and-capped-facets.md), so the fast path
    ranks windows of the newest matches, read in tiers until `need` visible resources are found:

    1. the newest `PHRASE_CANDIDATES` whose title holds the typed words in order,
    2. the newest `CANDIDATES` whose title holds every word,
    3. the newest `CANDIDATES` matching anywhere (title or body).

    Tiers 1-2 read the small title-only index, which common words do not flood as they flood
    the bodies. Every resource of tier 1 outranks every other (`score_title`
    puts words-in-order first), and tier 2 outranks body-only matches, so once the tiers read
    hold `need` visible resources the later tiers cannot change the page and are not read.

    `run(sql, params)` executes SQL (%s placeholders) and returns its rows;
    `visible_titles(ids)` returns {id: folded title} for the ids the viewer may see.
    Returns the visible ids best first, and whether a window read was full (more matches
    exist beyond it: a caller needing rows past the list falls back to exact ranking).
    """
    tokens = search_tokens(query)
    titles: dict[int, str] = {}
    seen: set[int] = set()
    full = False
    for table, expr, cap in window_tiers(query):
        found = [r[0] for r in run(WINDOW_SQL.format(table=table), [expr, cap])]
        full = full or len(found) >= cap
        new = [pk for pk in found if pk not in seen]
        seen.update(new)
        for k in range(0, len(new), 900):
            titles.update(visible_titles(new[k : k + 900]))
        if len(titles) >= need:
            break
    rows = sorted(titles, key=lambda pk: (score_title(titles[pk], tokens), pk), reverse=True)
    return rows, full


def candidates(query: str, *, visible_titles, need: int) -> tuple[list[int], bool] | None:
    """`window` on the default connection; None on other databases than SQLite."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cur:

        def run(sql: str, params: list) -> list[tuple]:
            cur.execute(sql, params)
            return cur.fetchall()

        return window(query, run=run, visible_titles=visible_titles, need=need)


def sample_sql(
    query: str | None, cap: int | None = None, *, vendor: str | None = None
) -> tuple[str, list] | None:
    """SQL selecting the ids of the newest `cap` resources matching `query` (any state; all
    resources when the query is empty), for facet counts: (sql, params), or None when the
    query has no searchable word."""
    cap = cap or FACET_CAP
    if query is None or not query.strip():
        return f"SELECT id FROM {TABLE} ORDER BY id DESC LIMIT %s", [cap]
    if (vendor or connection.vendor) == "postgresql":
        tsq = tsquery(query)
        if tsq is None:
            return None
        return (
            f"SELECT id FROM {TABLE} WHERE {_PG_VECTOR} @@ to_tsquery('simple', %s) ORDER BY id DESC LIMIT %s",
            [tsq, cap],
        )
    expr = fts5_expression(query)
    if expr is None:
        return None
    return WINDOW_SQL.format(table=FTS), [expr, cap]


def newest_matching(qs: QuerySet, query: str | None, cap: int | None = None) -> tuple[QuerySet, bool]:
    """`qs` limited to the newest `cap` resources matching `query` (empty query: the newest
    `cap` resources), and whether that sample was full — counts over it are then a lower
    bound, labelled so ("10,000+"), because counts over every match grow with the matches.

    The sample's ids are read once and handed to the facet queries as one parameter
    (`ids_sql`), so the full-text match runs once instead of three times (is the sample full,
    the GROUP BY, grades). See docs/decisions/0003-library-search-windows-and-capped-facets.md."""
    cap = cap or FACET_CAP
    if connection.vendor not in ("sqlite", "postgresql"):
        m = matching(qs, query) if query and query.strip() else qs
        return (m if m is not None else qs.none()), False
    found = sample_sql(query, cap)
    if found is None:
        return qs.none(), False
    with connection.cursor() as cur:
        cur.execute(*found)
        ids = [r[0] for r in cur.fetchall()]
    return qs.filter(pk__in=RawSQL(*ids_sql(ids))), len(ids) >= cap


def ids_sql(ids: list[int], *, vendor: str | None = None) -> tuple[str, list]:
    """A subquery over a list of ids passed as one parameter (SQLite: a JSON array;
    PostgreSQL: a bigint array), instead of one placeholder per id."""
    if (vendor or connection.vendor) == "postgresql":
        return "SELECT unnest(%s::bigint[])", [ids]
    return "SELECT value FROM json_each(%s)", [json.dumps(ids)]


SUGGEST_CANDIDATES = 2000


def title_prefix(qs: QuerySet, query: str, cap: int = SUGGEST_CANDIDATES) -> QuerySet | None:
    """For suggestions as one types: resources among the newest `cap` whose title matches the
    words typed so far (the last one as a prefix). The window bounds the work of a short
    prefix, which can match tens of thousands of titles. See
    docs/decisions/0003-library-search-windows-and-capped-facets.md."""
    tokens = search_tokens(query)
    if not tokens:
        return None
    if connection.vendor == "sqlite":
        expr = fts5_expression(query)
        return qs.filter(
            pk__in=RawSQL(
                f"SELECT rowid FROM {TITLE_FTS} WHERE {TITLE_FTS} MATCH %s ORDER BY rowid DESC LIMIT %s",
                [expr, cap],
            )
        )
    if connection.vendor == "postgresql":
        tsq = " & ".join([*tokens[:-1], f"{tokens[-1]}:*"])
        return qs.filter(
            pk__in=RawSQL(
                f"SELECT id FROM {TABLE} WHERE to_tsvector('simple', search_title) @@ to_tsquery('simple', %s) "
                f"ORDER BY id DESC LIMIT %s",
                [tsq, cap],
            )
        )
    q = Q()
    for t in tokens:
        q &= Q(search_title__contains=t)
    return qs.filter(q)


def _bool():
    from django.db.models import BooleanField

    return BooleanField()


# ----- DDL
def sqlite_sql() -> list[str]:
    cols = "search_title, search_body"
    old = "old.search_title, old.search_body"
    new = "new.search_title, new.search_body"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5({cols}, content='{TABLE}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {cols}) VALUES('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF {cols} ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {cols}) VALUES('delete', old.id, {old}); "
        f"INSERT INTO {FTS}(rowid, {cols}) VALUES (new.id, {new}); END",
    ]


def title_sqlite_sql() -> list[str]:
    """The title-only FTS5 index (migration 0003): much smaller than the title+body one, so
    the in-title windows of `window` and the suggestions read short doclists."""
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TITLE_FTS} USING fts5(search_title, content='{TABLE}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {TITLE_FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {TITLE_FTS}(rowid, search_title) VALUES (new.id, new.search_title); END",
        f"CREATE TRIGGER IF NOT EXISTS {TITLE_FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {TITLE_FTS}({TITLE_FTS}, rowid, search_title) VALUES('delete', old.id, old.search_title); END",
        f"CREATE TRIGGER IF NOT EXISTS {TITLE_FTS}_au AFTER UPDATE OF search_title ON {TABLE} BEGIN "
        f"INSERT INTO {TITLE_FTS}({TITLE_FTS}, rowid, search_title) VALUES('delete', old.id, old.search_title); "
        f"INSERT INTO {TITLE_FTS}(rowid, search_title) VALUES (new.id, new.search_title); END",
        f"INSERT INTO {TITLE_FTS}({TITLE_FTS}) VALUES('rebuild')",
    ]


def title_migration_operation():
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in title_sqlite_sql():
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for suffix in ("_ai", "_ad", "_au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {TITLE_FTS}{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {TITLE_FTS}")

    return migrations.RunPython(forwards, backwards)


def postgres_sql() -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS library_resource_tsv ON {TABLE} USING gin ({_PG_VECTOR})",
        f"CREATE INDEX IF NOT EXISTS library_resource_title_tsv ON {TABLE} "
        f"USING gin (to_tsvector('simple', search_title))",
    ]


def migration_operation():
    from django.db import migrations

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = sqlite_sql() if vendor == "sqlite" else postgres_sql() if vendor == "postgresql" else []
        for sql in statements:
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for suffix in ("_ai", "_ad", "_au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif vendor == "postgresql":
            schema_editor.execute("DROP INDEX IF EXISTS library_resource_tsv")
            schema_editor.execute("DROP INDEX IF EXISTS library_resource_title_tsv")

    return migrations.RunPython(forwards, backwards)


def rebuild() -> None:
    """After bulk loads: rebuild the FTS5 index from the content table."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            for table in (FTS, TITLE_FTS):
                cur.execute(f"INSERT INTO {table}({table}) VALUES('rebuild')")
