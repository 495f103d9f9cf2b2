"""The one search engine of the platform (issue #20 item 5): folding and tokenising
(`query`), typo tolerance over an index's own vocabulary (`typos`), the librarian's order of
title matches (`rank`), and the indexes' dialects — SQLite FTS5 and PostgreSQL full-text
search. Apps keep only their tables and columns: the library's resources
(`edudx/library/search.py`), the registry's names (`names`), and every later app.

The names of `names` are re-exported here, where the registry, the bulk loaders and the
migrations have always imported them.
"""

from .names import (
    BROAD_MATCHES,
    PG_BROAD_MATCHES,
    PG_COUNT_WALK_MATCHES,
    PG_FUNCTION,
    PG_FUNCTION_SQL,
    fts_table,
    index_operation,
    match_count,
    match_q,
    page_ids_first,
    postgres_fts_sql,
    postgres_index_name,
    postgres_tsquery,
    prefix_index_operation,
    rebuild_sqlite_index,
    sqlite_fts_sql,
)

__all__ = [
    "BROAD_MATCHES",
    "PG_BROAD_MATCHES",
    "PG_COUNT_WALK_MATCHES",
    "PG_FUNCTION",
    "PG_FUNCTION_SQL",
    "fts_table",
    "index_operation",
    "match_count",
    "match_q",
    "page_ids_first",
    "postgres_fts_sql",
    "postgres_index_name",
    "postgres_tsquery",
    "prefix_index_operation",
    "rebuild_sqlite_index",
    "sqlite_fts_sql",
]
