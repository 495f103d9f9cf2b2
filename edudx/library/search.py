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

from django.db import connection
from django.db.models import FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from edudx.core.text import fold, search_tokens

TABLE = "library_resource"
FTS = "library_resource_fts"
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


def phrase_expression(query: str) -> str | None:
    tokens = search_tokens(query)
    if not tokens:
        return None
    return f'search_title : "{" ".join(tokens)}"*'


def score_title(title_key: str, tokens: list[str]) -> tuple[bool, float, int]:
    """A BM25F-like order for a window of candidates that all match every word somewhere:
    the words in order in the title first, then the share of the words found in the title
    (the last one as a prefix), then shorter titles (bm25's length normalisation)."""
    words = title_key.split()
    hits = sum(1 for t in tokens[:-1] if t in words) + (
        1 if any(w.startswith(tokens[-1]) for w in words) else 0
    )
    return (" ".join(tokens) in title_key, hits / len(tokens), -len(words))


def candidates(query: str, *, cap: int = CANDIDATES) -> tuple[list[tuple[int, tuple]], bool] | None:
    """SQLite fast path for relevance ranking at millions of rows.

    bm25 costs ~30-100 µs a row (it reads every hit's positions); a query matching 30,000 of
    a million resources would take seconds. So the fast path ranks a window: the newest
    `PHRASE_CANDIDATES` resources whose title holds the typed words in order, plus the newest
    `cap` resources matching at all — FTS5 walks its index newest-first and stops at the
    LIMIT — ordered by `score_title`. Returns [(id, score)] best first, and whether a window
    was full (a caller needing rows beyond it falls back to the exact bm25 ranking, `ranked`).
    Returns None on other databases.
    """
    if connection.vendor != "sqlite":
        return None
    expr = fts5_expression(query)
    if expr is None:
        return [], False
    tokens = search_tokens(query)
    sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s ORDER BY rowid DESC LIMIT %s"
    with connection.cursor() as cur:
        cur.execute(sql, [phrase_expression(query), PHRASE_CANDIDATES])
        in_order = [r[0] for r in cur.fetchall()]
        cur.execute(sql, [expr, cap])
        anywhere = [r[0] for r in cur.fetchall()]
        ids = list(dict.fromkeys([*in_order, *anywhere]))
        titles: dict[int, str] = {}
        for k in range(0, len(ids), 900):
            chunk = ids[k : k + 900]
            cur.execute(
                f"SELECT id, search_title FROM {TABLE} WHERE id IN ({','.join(['%s'] * len(chunk))})", chunk
            )
            titles.update(cur.fetchall())
    rows = [(pk, score_title(titles.get(pk, ""), tokens)) for pk in ids]
    rows.sort(key=lambda t: (t[1], t[0]), reverse=True)
    return rows, len(anywhere) >= cap or len(in_order) >= PHRASE_CANDIDATES


def title_prefix(qs: QuerySet, query: str) -> QuerySet | None:
    """For suggestions as one types: resources whose title matches the words typed so far."""
    if connection.vendor == "sqlite":
        expr = fts5_expression(query, column="search_title")
        if expr is None:
            return None
        return qs.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [expr]))
    tokens = search_tokens(query)
    if not tokens:
        return None
    if connection.vendor == "postgresql":
        tsq = " & ".join([*tokens[:-1], f"{tokens[-1]}:*"])
        return qs.filter(
            Q(
                RawSQL(
                    "to_tsvector('simple', search_title) @@ to_tsquery('simple', %s)",
                    [tsq],
                    output_field=_bool(),
                )
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
            cur.execute(f"INSERT INTO {FTS}({FTS}) VALUES('rebuild')")
