# Table and column names are constants of this module, never input; values are bound parameters.
# ruff: noqa: S608, S610, S611
"""Full-text search over resources: the library's tables for the one engine of
`edudx.core.search` (folding, whole words and prefixes, typo fallback, the librarian's order,
both dialects).

The indexed columns are folded copies (edudx.core.text.fold: accents stripped, đ→d, lower
case) because FTS5's remove_diacritics does not fold đ. Two columns are indexed so that a
match in the title outranks a match in the body:

- SQLite: an external-content FTS5 table over (search_title, search_body) and a title-only
  one, kept in sync by triggers; exact ranking (past the windows) with bm25;
- PostgreSQL: GIN indexes over setweight(title,'A') || setweight(body,'B') and over the title;
  exact ranking with ts_rank; the term table `search_term` (pg_trgm) for corrections.

A submitted query matches every word whole ("truyen kieu"); suggestions as one types take the
last word as a prefix unless a space follows it (edudx.core.search.query). When a query
matches nothing, its words fall back to the closest terms of the index (`corrected`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from edudx.core.search import fulltext, rank, typos
from edudx.core.search.query import Query, fts5, parse, tsquery
from edudx.core.search.rank import Candidate, Tier
from edudx.core.text import fold

TABLE = "library_resource"
FTS = "library_resource_fts"
TITLE_FTS = "library_resource_title_fts"
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

# What a title says about the kind of resource (the demo's and the sector's usual prefixes),
# the class and the lesson: extra words of this sort do not make a title less about the query.
GENERIC = re.compile(
    r"\b(ke hoach bai day|bai giang|phieu hoc tap|de kiem tra( \d+ phut| giua (hoc )?k[iy]| cuoi (hoc )?k[iy])?"
    r"|bai trinh chieu|video bai giang|video|tro choi tuong tac|tu lieu tham khao|tai lieu( tham khao)?"
    r"|chuyen de|lop \d+|tiet \d+|bai \d+|phan \d+|slide|powerpoint)\b"
)

INDEX = fulltext.TextIndex(
    table=TABLE,
    title="search_title",
    body="search_body",
    fts=FTS,
    title_fts=TITLE_FTS,
    space="library",
    generic=GENERIC,
    pg_vector_column="search_vector",
)


def fold_title(title: str) -> str:
    return fold(title)


def fold_body(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))


def _q(query: str | Query | None) -> Query | None:
    return query if isinstance(query, Query) or query is None else parse(query)


def fts5_expression(query: str | Query) -> str | None:
    q = _q(query)
    return fts5(q) if q else None


def phrase(query: str | Query) -> str:
    q = _q(query)
    return q.text if q else ""


def _bool():
    return BooleanField()


def matching(qs: QuerySet, query: str | Query) -> QuerySet | None:
    """`qs` limited to resources matching `query`; None when the query has no word."""
    q = _q(query)
    if q is None:
        return None
    if connection.vendor == "sqlite":
        return qs.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [fts5(q)]))
    if connection.vendor == "postgresql":
        return qs.filter(
            Q(RawSQL(f"{INDEX.pg_vector} @@ to_tsquery('simple', %s)", [tsquery(q)], output_field=_bool()))
        )
    cond = Q()
    for t in q.words:
        cond &= Q(search_title__contains=t) | Q(search_body__contains=t)
    return qs.filter(cond)


def corrected(qs: QuerySet, query: str | Query) -> Query | None:
    """When `query` matches nothing in `qs`: the closest query that does (one edit for words
    of 4+ letters, two for 8+, from the index's vocabulary), else None."""
    q = _q(query)
    if q is None:
        return None
    if len(q.words) > 1 and len(q.words[-1]) == 1:
        # "phuong trinh b", submitted while a word was still being typed.
        shorter = q.with_words(q.words[:-1])
        m = matching(qs, shorter)
        if m is not None and m.exists():
            return shorter
    fixed = INDEX.correct(q, connection)
    if fixed is None:
        return None
    m = matching(qs, fixed)
    return fixed if m is not None and m.exists() else None


def ranked(qs: QuerySet, query: str | Query) -> QuerySet | None:
    """Matching resources annotated with `rank` (higher is better), best first: exact ranking
    over every match, the fallback for pages past the windows."""
    q = _q(query)
    if q is None:
        return None
    if connection.vendor == "sqlite":
        # A join on the FTS table (not IN + correlated subquery): FTS5 evaluates MATCH once and
        # hands bm25 for each row; bm25 is lower-is-better, so negate it.
        return qs.extra(
            tables=[FTS],
            where=[f"{FTS}.rowid = {TABLE}.id", f"{FTS} MATCH %s"],
            params=[fts5(q)],
            select={
                "phrase": f"instr(' ' || {TABLE}.search_title || ' ', %s) > 0",
                "rank": f"-bm25({FTS}, {TITLE_WEIGHT}, {BODY_WEIGHT})",
            },
            select_params=[f" {q.text} "],
        ).order_by("-phrase", "-rank", "-id")
    if connection.vendor == "postgresql":
        weights = f"'{{0, 0, {BODY_WEIGHT / TITLE_WEIGHT}, 1}}'"
        m = matching(qs, q)
        assert m is not None
        return (
            m.annotate(
                phrase=RawSQL(
                    "strpos(' ' || search_title || ' ', %s) > 0", [f" {q.text} "], output_field=_bool()
                ),
            )
            .annotate(
                rank=RawSQL(
                    f"ts_rank({weights}::float4[], {INDEX.pg_vector}, to_tsquery('simple', %s))",
                    [tsquery(q)],
                    output_field=FloatField(),
                )
            )
            .order_by("-phrase", "-rank", "-id")
        )
    m = matching(qs, q)
    return None if m is None else m.annotate(rank=RawSQL("0", [], output_field=FloatField()))


CANDIDATES = 1000
PHRASE_CANDIDATES = 500
# Facets and total are counted over the newest FACET_CAP matches (a lower bound past it, and
# the page says so), because counts over every match grow with a broad query's matches; the
# size and what it costs: docs/decisions/0011-one-search-engine-typos-librarian-order-facet-walk.md.
FACET_CAP = 3_000


def window(
    query: str | Query,
    *,
    run: Callable[[str, list], list[tuple]],
    visible: Callable[[list[int]], dict[int, Candidate]],
    need: int,
    vendor: str | None = None,
    tiers: list[Tier] | None = None,
    walks: tuple[int, ...] | None = None,
) -> tuple[list[int], bool]:
    """The first pages of relevance ranking at millions of rows, on both databases.

    Exact ranking reads every hit, too slow for a broad query at a million resources
    (docs/decisions/0003-library-search-windows-and-capped-facets.md), so the windows of the
    newest matches are read in tiers until `need` visible resources are found: the newest
    `PHRASE_CANDIDATES` whose title holds the query as a phrase, the newest `CANDIDATES`
    whose title holds every word, the newest `CANDIDATES` matching anywhere — then put in the
    librarian's order (edudx.core.search.rank).

    `run(sql, params)` executes SQL (%s placeholders) and returns its rows; `visible(ids)`
    returns {id: rank.Candidate} for the ids the viewer may see. Returns the visible ids best
    first, and whether a window read was full (a caller needing rows past the list falls
    back to exact ranking). `tiers`: other SQL for the same three windows (search_facets:
    the filters tested in the walk), each reading at most `walks` rows."""
    q = _q(query)
    if q is None:
        return [], False
    caps = [PHRASE_CANDIDATES, CANDIDATES, CANDIDATES]
    windows: list[Tier]
    if tiers is None:
        windows = list(INDEX.tiers(q, vendor or connection.vendor, caps))
    else:
        windows, caps = tiers, list(walks or caps)
    found, full = rank.window(windows, run=run, visible=visible, need=need, caps=caps)
    return rank.order(found, q, GENERIC), full


def candidates(
    query: str | Query,
    *,
    visible: Callable[[list[int]], dict[int, Candidate]],
    need: int,
    tiers: list[Tier] | None = None,
    walks: tuple[int, ...] | None = None,
) -> tuple[list[int], bool] | None:
    """`window` on the default connection; None on other databases than SQLite and PostgreSQL."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return None
    with connection.cursor() as cur:

        def run(sql: str, params: list) -> list[tuple]:
            cur.execute(sql, params)
            return cur.fetchall()

        return window(query, run=run, visible=visible, need=need, tiers=tiers, walks=walks)


def sample_sql(
    query: str | Query | None, cap: int | None = None, *, vendor: str | None = None
) -> tuple[str, list] | None:
    """SQL selecting the ids of the newest `cap` resources matching `query` (any state; all
    resources when the query is empty), for facet counts: (sql, params), or None when the
    query has no searchable word."""
    if query is None or (isinstance(query, str) and not query.strip()):
        return INDEX.sample_sql(None, vendor or connection.vendor, cap or FACET_CAP)
    q = _q(query)
    if q is None:
        return None
    return INDEX.sample_sql(q, vendor or connection.vendor, cap or FACET_CAP)


def newest_matching(qs: QuerySet, query: str | Query | None, cap: int | None = None) -> tuple[QuerySet, bool]:
    """`qs` limited to the newest `cap` resources matching `query` (empty query: the newest
    `cap` resources), and whether that sample was full — counts over it are then a lower
    bound, labelled so ("3,000+"), because counts over every match grow with the matches.

    The sample's ids are read once and handed to the facet queries as one parameter
    (`ids_sql`), so the full-text match runs once instead of three times (is the sample full,
    the GROUP BY, grades). See docs/decisions/0003-library-search-windows-and-capped-facets.md."""
    cap = cap or FACET_CAP
    if connection.vendor not in ("sqlite", "postgresql"):
        m = matching(qs, query) if query else qs
        return (m if m is not None else qs.none()), False
    found = sample_sql(query, cap)
    if found is None:
        return qs.none(), False
    with connection.cursor() as cur:
        cur.execute(*found)
        ids = [r[0] for r in cur.fetchall()]
    return qs.filter(pk__in=RawSQL(*ids_sql(ids))), len(ids) >= cap


def ids_sql(ids: list[int], *, vendor: str | None = None) -> tuple[str, list]:
    return fulltext.ids_param(ids, vendor or connection.vendor)


SUGGEST_CANDIDATES = 2000


def title_prefix(qs: QuerySet, query: str, cap: int = SUGGEST_CANDIDATES) -> QuerySet | None:
    """For suggestions as one types: resources among the newest `cap` whose title matches the
    words typed so far (the last one as a prefix while it is being typed: no space after it,
    two letters or more). The window bounds the work of a short prefix, which can match tens of
    thousands of titles. See docs/decisions/0003-library-search-windows-and-capped-facets.md."""
    q = parse(query, typing=True)
    if q is None:
        return None
    if connection.vendor in ("sqlite", "postgresql"):
        sql, params = INDEX.ids_sql(q, connection.vendor, title_only=True)
        return qs.filter(pk__in=RawSQL(f"{sql} LIMIT %s", [*params, cap]))
    cond = Q()
    for t in q.words:
        cond &= Q(search_title__contains=t)
    return qs.filter(cond)


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
        f"CREATE INDEX IF NOT EXISTS library_resource_tsv ON {TABLE} USING gin ({INDEX.pg_vector_expression})",
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
    typos.forget()


def terms_migration_operation():
    """PostgreSQL: the term table of the typo fallback (pg_trgm), kept by a trigger on
    resources and filled with the words already there. SQLite reads FTS5's own vocabulary
    (an fts5vocab table made per connection), so there is nothing to do there."""
    from django.db import migrations

    columns = ["search_title", "search_body"]

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in typos.postgres_sql(INDEX.space, TABLE, columns):
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_terms ON {TABLE}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_search_terms()")
            schema_editor.execute(f"DELETE FROM {typos.TERM_TABLE} WHERE space = %s", [INDEX.space])

    return migrations.RunPython(forwards, backwards)
