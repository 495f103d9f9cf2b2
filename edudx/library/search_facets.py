# Table and column names are constants of this module, never input; values are bound parameters.
# ruff: noqa: S608
"""SQLite at a million resources: filters and facets inside the walk of the full-text index.

A narrow copy of what resources are filtered and counted by, `library_resource_facet` (narrow so
the walk reads little; grades as ",9,10,"), is kept by triggers on resources and their grades
(migration 0006). The search's windows and its facet sample walk the FTS5 index newest first
and test each match against that row (CROSS JOIN: the index is the outer loop), stopping at
their LIMIT: a filter is a test on the row, never a list of every matching id, and the facets
of the newest FACET_CAP matches are counted in the same pass that finds them. Why, and the
figures: docs/decisions/0011-one-search-engine-typos-librarian-order-facet-walk.md.

For a viewer who sees published resources only (everyone with library.view); other scopes, and
PostgreSQL, take the ORM path of library.selectors.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from edudx.core.search.query import Query, fts5, fts5_phrase, tsquery
from edudx.core.search.rank import Tier

from .filters import ResourceFilter
from .search import FTS, TABLE, TITLE_FTS

FACET_TABLE = "library_resource_facet"
FACET_COLUMNS = ("state", "subject", "resource_type", "licence", "series", "language", "school_id")
# ",9,10," — a resource's grades, so that a grade is tested on the row, not by a list of ids.
_GRADES_OF = (
    "coalesce((SELECT ',' || group_concat(grade, ',') || ',' FROM (SELECT grade FROM library_resourcegrade "
    "WHERE resource_id = {id} ORDER BY grade)), ',')"
)


def facet_sqlite_sql() -> list[str]:
    """A narrow copy of what resources are filtered and counted by (a row is ~40 bytes where
    a resource's is kilobytes), kept by triggers on resources and their grades, so that the
    walk of the full-text index tests filters and reads facet values row by row and stops at
    its LIMIT — no list of ids is built for a filter, and the facets of the newest matches
    are counted in the same pass."""
    cols = ", ".join(FACET_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FACET_COLUMNS)
    sets = ", ".join(f"{c} = new.{c}" for c in FACET_COLUMNS)
    return [
        f"CREATE TABLE IF NOT EXISTS {FACET_TABLE} (id INTEGER PRIMARY KEY, state TEXT, subject TEXT, "
        f"resource_type TEXT, licence TEXT, series TEXT, language TEXT, school_id INTEGER, "
        f"grades TEXT NOT NULL DEFAULT ',')",
        f"CREATE TRIGGER IF NOT EXISTS {FACET_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT OR REPLACE INTO {FACET_TABLE}(id, {cols}, grades) VALUES (new.id, {new}, "
        f"{_GRADES_OF.format(id='new.id')}); END",
        f"CREATE TRIGGER IF NOT EXISTS {FACET_TABLE}_au AFTER UPDATE OF {cols} ON {TABLE} BEGIN "
        f"UPDATE {FACET_TABLE} SET {sets} WHERE id = new.id; END",
        f"CREATE TRIGGER IF NOT EXISTS {FACET_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"DELETE FROM {FACET_TABLE} WHERE id = old.id; END",
        f"CREATE TRIGGER IF NOT EXISTS {FACET_TABLE}_gi AFTER INSERT ON library_resourcegrade BEGIN "
        f"UPDATE {FACET_TABLE} SET grades = {_GRADES_OF.format(id='new.resource_id')} "
        f"WHERE id = new.resource_id; END",
        f"CREATE TRIGGER IF NOT EXISTS {FACET_TABLE}_gd AFTER DELETE ON library_resourcegrade BEGIN "
        f"UPDATE {FACET_TABLE} SET grades = {_GRADES_OF.format(id='old.resource_id')} "
        f"WHERE id = old.resource_id; END",
        f"CREATE TRIGGER IF NOT EXISTS {FACET_TABLE}_gu AFTER UPDATE ON library_resourcegrade BEGIN "
        f"UPDATE {FACET_TABLE} SET grades = {_GRADES_OF.format(id='old.resource_id')} "
        f"WHERE id = old.resource_id; "
        f"UPDATE {FACET_TABLE} SET grades = {_GRADES_OF.format(id='new.resource_id')} "
        f"WHERE id = new.resource_id; END",
        f"INSERT OR REPLACE INTO {FACET_TABLE}(id, {cols}, grades) SELECT r.id, "
        f"{', '.join(f'r.{c}' for c in FACET_COLUMNS)}, {_GRADES_OF.format(id='r.id')} FROM {TABLE} r",
    ]


def facet_migration_operation():
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in facet_sqlite_sql():
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for suffix in ("_ai", "_au", "_ad", "_gi", "_gd", "_gu"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {FACET_TABLE}{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {FACET_TABLE}")

    return migrations.RunPython(forwards, backwards)


def _filter_terms(f: ResourceFilter, alias: str) -> tuple[list[str], list[Any]]:
    """The filters of `f` but the grade, as tests on the row `alias` (published only): the
    grade is tested apart, where each caller reads the row's grades."""
    conds: list[str] = [f"{alias}.state = 'published'"]
    params: list[Any] = []
    for column, value in (
        ("subject", f.subject),
        ("resource_type", f.resource_type),
        ("licence", f.licence),
        ("series", f.series),
        ("language", f.language),
    ):
        if value:
            conds.append(f"{alias}.{column} = %s")
            params.append(value)
    if f.school is not None:
        conds.append(f"{alias}.school_id = %s")
        params.append(int(f.school))
    return conds, params


def conditions(f: ResourceFilter) -> tuple[str, list[Any]]:
    """The filters of `f` as a test on the facet row `x` (published only)."""
    conds, params = _filter_terms(f, "x")
    if f.grade is not None:
        conds.append("instr(x.grades, %s) > 0")
        params.append(f",{int(f.grade)},")
    return " AND ".join(conds), params


def walk_sql(
    q: Query | None, tier: int, f: ResourceFilter, cap: int, columns: str = ""
) -> tuple[str, list[Any]]:
    """The newest `cap` resources matching `q` in `tier` (0: the phrase in the title, 1: every
    word in the title, 2: anywhere; no query: every resource), each with whether it passes the
    filters: rows (id, passes, columns…). The walk reads at most `cap` matches whatever the
    filters, so a filter that few matches pass costs no more than none."""
    where, params = conditions(f)
    if q is None:
        inner = f"SELECT id FROM {FACET_TABLE} ORDER BY id DESC LIMIT %s"
        inner_params: list[Any] = [cap]
    else:
        table, expr = ((TITLE_FTS, fts5_phrase(q)), (TITLE_FTS, fts5(q)), (FTS, fts5(q)))[tier]
        inner = f"SELECT rowid AS id FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s"
        inner_params = [expr, cap]
    extra = f", {columns}" if columns else ""
    return (
        f"SELECT x.id, ({where}) AS passes{extra} FROM ({inner}) AS m CROSS JOIN {FACET_TABLE} x "
        f"ON x.id = m.id ORDER BY m.id DESC",
        [*params, *inner_params],
    )


# Past the windows, up to this many matches passing the filters are put in the librarian's order
# (every one of them read: a title and a use count each); more are ranked by bm25 (exact_sql).
EXACT_ORDER_MAX = 2_000


def passing_sql(q: Query, f: ResourceFilter, cap: int, below: int | None = None) -> tuple[str, list[Any]]:
    """The ids of the matches (title + body) that pass the filters, at most `cap`: the filters
    tested on the facet row of each match, no ranking read (bm25 loads each match's positions:
    ~85 ms CPU for the 3,000 matches of a six-word query at a million resources, against ~25 ms
    for this pass). `below`: only the matches older than that id (the walk read the others)."""
    where, params = conditions(f)
    older = f" AND {FTS}.rowid < %s" if below is not None else ""
    return (
        f"SELECT x.id FROM {FTS} CROSS JOIN {FACET_TABLE} x ON x.id = {FTS}.rowid "
        f"WHERE {FTS} MATCH %s{older} AND {where} LIMIT %s",
        [fts5(q), *([below] if below is not None else []), *params, cap],
    )


def exact_sql(q: Query, f: ResourceFilter, offset: int, limit: int) -> tuple[str, list[Any]]:
    """Past the windows (a deep page, or a filter few of the walked matches pass): the ids of
    every match that passes the filters, in search.ranked's order (the phrase in the title,
    then bm25), one page. The filters are tested on the narrow facet row before the resource's
    own (wide) row is read for its title, so a match that fails them costs a facet lookup."""
    from .search import BODY_WEIGHT, TITLE_WEIGHT

    where, params = conditions(f)
    return (
        f"SELECT x.id FROM {FTS} CROSS JOIN {FACET_TABLE} x ON x.id = {FTS}.rowid "
        f"JOIN {TABLE} r ON r.id = x.id WHERE {FTS} MATCH %s AND {where} "
        f"ORDER BY instr(' ' || r.search_title || ' ', %s) > 0 DESC, "
        f"bm25({FTS}, {TITLE_WEIGHT}, {BODY_WEIGHT}), x.id DESC LIMIT %s OFFSET %s",
        [fts5(q), *params, f" {q.text} ", limit, offset],
    )


def pg_walk_sql(q: Query | None, f: ResourceFilter, cap: int) -> tuple[str, list[Any]]:
    """PostgreSQL: the newest `cap` resources matching `q` (title + body; every resource without
    a query), as `Walk.anywhere`'s rows. The GIN index finds the matches and the heap is read
    once for each (as the id-only sample read it), handing the facet values with the id — where
    the ORM's facet counts looked every sampled row up again, twice (facets, then grades). The
    grades and the filter test are evaluated past the sort and LIMIT, for the rows kept only."""
    from .search import INDEX

    conds, params = _filter_terms(f, "r")
    # The grade is tested on the row's grades (",9,10,"), read for the kept rows only: an EXISTS
    # here is planned as a hashed list of every resource of the grade (~107,000).
    grade = f",{int(f.grade)}," if f.grade is not None else ","
    match, match_params = (
        ("TRUE", []) if q is None else (f"{INDEX.pg_vector} @@ to_tsquery('simple', %s)", [tsquery(q)])
    )
    grades = (
        "coalesce((SELECT ',' || string_agg(g.grade::text, ',' ORDER BY g.grade) || ',' "
        "FROM library_resourcegrade g WHERE g.resource_id = r.id), ',')"
    )
    inner = (
        f"SELECT r.id, ({' AND '.join(conds)}) AS passes, r.state, r.subject, r.resource_type, r.licence, "
        f"r.series, {grades} AS grades FROM {TABLE} r WHERE {match} ORDER BY r.id DESC LIMIT %s"
    )
    return (
        f"SELECT w.id, w.passes AND strpos(w.grades, %s) > 0, w.state, w.subject, w.resource_type, w.licence, "
        f"w.series, w.grades FROM ({inner}) AS w ORDER BY w.id DESC",
        [grade, *params, *match_params, cap],
    )


# How many matches each window walks: more than the rows a window keeps, since a filter may pass
# only a few of them (decision 0011).
WALKS = (1000, 2000, 2000)

FACET_ROW = "x.state, x.subject, x.resource_type, x.licence, x.series, x.grades"


# The facets and total read the walk's rows for at most this long (seconds of reading), then
# count what they read: "at least N", and the page says over how many matches. A query whose
# few matches are spread over very common words' doclists ("phieu hoc tap so huu ti": 3,035
# matches; phieu, tap, so in half the resources, hoc in every one) reads ~80 ms for its newest
# 3,000 at a million resources; a query of rarer words reads them in a few ms and is exact.
# Decision 0011, update of 7 December (third session).
FACET_BUDGET = 0.012
# Rows fetched between two looks at the clock.
BATCH = 100
# How far the walk may read on SQLite (its LIMIT): past the windows, every match of a query with
# fewer is in it, so the matches that pass the filters are taken from the rows already read
# instead of walking the index again (`Walk.passing`).
WALK_LIMIT = 5_000


def stream_sql(q: Query | None, f: ResourceFilter, cap: int) -> tuple[str, list[Any]]:
    """`walk_sql`'s anywhere walk (tier 2 with the facet values) as one join that FTS5 hands
    newest first without a sort, so its rows can be fetched a batch at a time and the reading
    stopped: the same rows, in the same order."""
    where, params = conditions(f)
    if q is None:
        return (
            f"SELECT x.id, ({where}) AS passes, {FACET_ROW} FROM {FACET_TABLE} x ORDER BY x.id DESC LIMIT %s",
            [*params, cap],
        )
    return (
        f"SELECT x.id, ({where}) AS passes, {FACET_ROW} FROM {FTS} CROSS JOIN {FACET_TABLE} x "
        f"ON x.id = {FTS}.rowid WHERE {FTS} MATCH %s ORDER BY {FTS}.rowid DESC LIMIT %s",
        [*params, fts5(q), cap],
    )


class Walk:
    """One request's walk of the index. The newest `cap` matches anywhere (title + body, the
    costly walk: a broad query's doclists are long) are read once, with their facet values, a
    batch at a time: they serve the third window of the ranking (its newest WALKS[2], always
    read whole, so the ranking never depends on time) and the facets and total (read for at
    most FACET_BUDGET, then counted over what was read, "at least" past it) — one pass over the
    big index per request, not two."""

    def __init__(
        self,
        q: Query | None,
        f: ResourceFilter,
        cap: int,
        run: Callable[[str, list[Any]], list[Any]],
        vendor: str = "sqlite",
        stream: Callable[[str, list[Any]], Iterator[list[Any]]] | None = None,
    ):
        self.q, self.f, self.cap, self._run, self.vendor = q, f, cap, run, vendor
        self._stream = stream
        # The walk's LIMIT: on SQLite, read a batch at a time, it may go on past `cap`
        # (`passing`); the facets read at most `cap` of it.
        self.limit = max(cap, WALK_LIMIT) if vendor == "sqlite" and stream is not None else cap
        self._rows: list[tuple[Any, ...]] = []
        self._batches: Iterator[list[Any]] | None = None
        self._started = False
        self._ended = False  # every row of the walk (up to its LIMIT) is read
        self._spent = 0.0
        self._passing = 0
        self._wanted = 0  # the most rows a caller asked for (a batch may hold more)

    def _read(
        self,
        want: int,
        budget: float | None = None,
        until: Callable[[tuple[Any, ...]], bool] | None = None,
        most_passing: int | None = None,
    ) -> None:
        """Read on until `want` rows are held (or a row passes `until`, or more than
        `most_passing` rows pass the filters), the walk ends, or the reading has taken
        `budget` seconds in all (one batch at least)."""
        self._wanted = max(self._wanted, want)
        if not self._started:
            self._started = True
            if self.vendor == "postgresql":
                sql, params = pg_walk_sql(self.q, self.f, self.limit)
            else:
                sql, params = stream_sql(self.q, self.f, self.limit)
            if self.vendor == "postgresql" or self._stream is None:
                self._rows, self._ended = [tuple(row) for row in self._run(sql, params)], True
                self._passing = sum(1 for row in self._rows if row[1])
                return
            self._batches = self._stream(sql, params)
        if until is not None and any(until(row) for row in self._rows):
            return
        while not self._ended and self._batches is not None and len(self._rows) < want:
            if most_passing is not None and self._passing > most_passing:
                return
            if budget is not None and self._spent >= budget and self._rows:
                return
            started = time.perf_counter()
            batch = next(self._batches, None)
            self._spent += time.perf_counter() - started
            if not batch:
                self._ended = True
                self.close()
                return
            rows = [tuple(row) for row in batch]
            self._rows.extend(rows)
            self._passing += sum(1 for row in rows if row[1])
            if len(rows) < BATCH:  # a short batch is the last (`stream` fetches BATCH rows at a time)
                self._ended = True
                self.close()
            if until is not None and any(until(row) for row in rows):
                return

    def close(self) -> None:
        """Let the walk's cursor go (it stays open between batches)."""
        batches, self._batches = self._batches, None
        close = getattr(batches, "close", None)
        if close is not None:
            close()

    def anywhere(self) -> list[tuple[Any, ...]]:
        """(id, passes, state, subject, type, licence, series, grades), newest first: every
        row of the walk (no time limit)."""
        self._read(self.cap)
        return self._rows

    def tiers(self) -> list[Tier]:
        """The windows of search.window: the phrase in the title, every word in it (the title
        index), then the newest WALKS[2] of the walk."""
        assert self.q is not None and self.vendor == "sqlite"
        shared = self.cap >= WALKS[2]

        def third() -> list[tuple[Any, ...]]:
            self._read(WALKS[2])
            return self._rows[: WALKS[2]]

        return [
            walk_sql(self.q, 0, self.f, WALKS[0]),
            walk_sql(self.q, 1, self.f, WALKS[1]),
            third if shared else walk_sql(self.q, 2, self.f, WALKS[2]),
        ]

    def matches_published(self) -> bool:
        """Whether the query, filters aside, matches a published resource among the walked
        ones (then an empty page is the filters' doing, not a typo's)."""
        self._read(self.cap, until=lambda row: row[2] == "published")
        return any(row[2] == "published" for row in self._rows)

    def passing(self, most: int) -> list[int] | None:
        """Past the windows: the ids of the matches that pass the filters, as `passing_sql`
        gives them (at most `most` + 1; more than `most` says there are more), from the walk's
        own rows, read on to the end of the match — and when the match goes on past the walk's
        LIMIT, from the index for the older matches only (`passing_sql(below=…)`: the walk's
        rows are every match down to its last id, so they are not read twice). None on
        PostgreSQL (its walk holds the newest `cap` only): then ask the index."""
        if self.vendor != "sqlite":
            return None
        self._read(self.limit, most_passing=most)
        ids = [row[0] for row in self._rows if row[1]]
        if len(ids) > most:
            return ids[: most + 1]
        if self._ended and len(self._rows) < self.limit:
            return ids
        assert self.q is not None
        rows = self._run(*passing_sql(self.q, self.f, most + 1 - len(ids), below=self._rows[-1][0]))
        return ids + [row[0] for row in rows]

    def count(self, facets: tuple[str, ...]) -> tuple[int, bool, dict[str, dict[str, int]], int]:
        """(total, capped, {facet: {value: count}}, matches read), grades included, over the
        matches read that pass the filters; capped: the walk read `cap` matches or stopped at
        FACET_BUDGET, so there may be more."""
        self._read(self.cap, budget=FACET_BUDGET)
        # Every match when the walk ended; else the newest rows asked for (a batch may hold
        # more than the facets asked for: they count the newest `cap`).
        rows = self._rows[: max(self.cap, self._wanted)]
        capped = len(rows) < len(self._rows) or not self._ended or len(rows) >= self.limit
        self.close()
        groups = Counter(row[3:] for row in rows if row[1])
        totals: dict[str, dict[str, int]] = {name: {} for name in (*facets, "grade")}
        total = 0
        for (*values, grades), n in groups.items():
            total += n
            for name, value in zip(facets, values, strict=True):
                if value:
                    totals[name][value] = totals[name].get(value, 0) + n
            for g in grades.strip(",").split(","):
                if g:
                    totals["grade"][g] = totals["grade"].get(g, 0) + n
        return total, capped, totals, len(rows)
