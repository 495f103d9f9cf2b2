# Table and column names are constants of the app declaring the index, never input; values are
# bound parameters.
# ruff: noqa: S608
"""A title + body full-text index over folded columns, in both dialects, and what every app
searching one needs: the match, the tiers of the librarian's order (`rank`), the typo
fallback (`typos`), a sample of the newest matches for facets, and a list of ids as one
parameter.

- SQLite: an external-content FTS5 table over (title, body) and a title-only one (~10 % of
  its size, read first), kept in sync by triggers;
- PostgreSQL: GIN indexes over setweight(title, 'A') || setweight(body, 'B') and over the
  title, and the term table of `typos` for corrections.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import typos
from .query import Query, fts5, fts5_phrase, tsquery, tsquery_phrase


@dataclass(frozen=True)
class TextIndex:
    table: str
    title: str  # folded title column
    body: str  # folded body column
    fts: str  # SQLite FTS5 table over (title, body)
    title_fts: str  # SQLite FTS5 table over the title
    space: str  # the PostgreSQL term table's space for this index
    # Words of a title that say what kind of thing it is, not what it is about.
    generic: re.Pattern[str] | None = None
    # PostgreSQL: a stored column holding `pg_vector_expression` (generated), so that a match's
    # rank and the recheck of a lossy bitmap read it instead of parsing title and body again.
    pg_vector_column: str = ""

    # ----- PostgreSQL expressions (unqualified columns: Django aliases the table in subqueries)
    @property
    def pg_vector_expression(self) -> str:
        return (
            f"(setweight(to_tsvector('simple', {self.title}), 'A') || "
            f"setweight(to_tsvector('simple', {self.body}), 'B'))"
        )

    @property
    def pg_vector(self) -> str:
        return self.pg_vector_column or self.pg_vector_expression

    @property
    def pg_title_vector(self) -> str:
        return f"to_tsvector('simple', {self.title})"

    # ----- matching
    def ids_sql(
        self, q: Query, vendor: str, *, title_only: bool = False, phrase: bool = False
    ) -> tuple[str, list[Any]]:
        """SQL selecting the ids matching `q`, newest first (no LIMIT: callers add one)."""
        if vendor == "postgresql":
            vector = self.pg_title_vector if (title_only or phrase) else self.pg_vector
            text = tsquery_phrase(q) if phrase else tsquery(q)
            return (
                f"SELECT id FROM {self.table} WHERE {vector} @@ to_tsquery('simple', %s) ORDER BY id DESC",
                [text],
            )
        table = self.title_fts if (title_only or phrase) else self.fts
        expr = fts5_phrase(q) if phrase else fts5(q)
        return f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC", [expr]

    def tiers(self, q: Query, vendor: str, caps: list[int]) -> list[tuple[str, list[Any]]]:
        """The windows of `rank.window`: phrase in title, every word in title, anywhere."""
        out = []
        for (title_only, phrase), cap in zip(
            ((True, True), (True, False), (False, False)), caps, strict=True
        ):
            sql, params = self.ids_sql(q, vendor, title_only=title_only, phrase=phrase)
            out.append((f"{sql} LIMIT %s", [*params, cap]))
        return out

    def count_sql(self, q: Query, vendor: str, cap: int) -> tuple[str, list[Any]]:
        """SQL counting `q`'s matches, at most `cap` (the typo fallback's order)."""
        sql, params = self.ids_sql(q, vendor)
        return f"SELECT count(*) FROM ({sql} LIMIT %s) AS m", [*params, cap]

    def sample_sql(self, q: Query | None, vendor: str, cap: int) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the newest `cap` rows matching `q` (every row: None)."""
        if q is None:
            return f"SELECT id FROM {self.table} ORDER BY id DESC LIMIT %s", [cap]
        sql, params = self.ids_sql(q, vendor)
        return f"{sql} LIMIT %s", [*params, cap]

    def vocabulary(self, connection: Any) -> typos.Vocabulary:
        if connection.vendor == "postgresql":
            return typos.PostgresVocabulary(connection, self.space)
        return typos.SqliteVocabulary(connection, self.fts, self.title_fts, self.table)

    def correct(self, q: Query, connection: Any, *, cap: int = 200) -> Query | None:
        """`typos.correct` over this index's vocabulary, combinations ordered by their
        matches (at most `cap` counted)."""
        if connection.vendor not in ("sqlite", "postgresql"):
            return None

        def matches(candidate: Query) -> int:
            # Titles holding the words as a phrase first ("quang hop" is a topic, "quan hop"
            # is not), then matches anywhere; both counted up to `cap`.
            with connection.cursor() as cur:
                sql, params = self.ids_sql(candidate, connection.vendor, phrase=True)
                cur.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) AS m", [*params, cap])
                in_titles = int(cur.fetchone()[0])
                cur.execute(*self.count_sql(candidate, connection.vendor, cap))
                return in_titles * (cap + 1) + int(cur.fetchone()[0])

        return typos.correct(q, self.vocabulary(connection), matches)


def ids_param(ids: list[int], vendor: str) -> tuple[str, list[Any]]:
    """A subquery over a list of ids passed as one parameter (SQLite: a JSON array;
    PostgreSQL: a bigint array), instead of one placeholder per id."""
    if vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [ids]
    return "SELECT value FROM json_each(%s)", [json.dumps(ids)]
