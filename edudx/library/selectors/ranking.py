"""Search of published resources: filters, relevance windows, facets, suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet

from edudx.core.pagination import Page, paginate
from edudx.core.scope import Scope
from edudx.core.search import rank

from .. import permissions as perms
from .. import search, search_facets
from ..filters import RESOURCE_SORTS, ResourceFilter
from ..models import (
    Resource,
    ResourceGrade,
)

if TYPE_CHECKING:
    from edudx.core.search.query import Query
from .visibility import published


def _apply_filters(qs: QuerySet[Resource], f: ResourceFilter) -> QuerySet[Resource]:
    if f.subject:
        qs = qs.filter(subject=f.subject)
    if f.grade is not None:
        # A test on each row (the (resource, grade) unique index), not a list of every id of
        # the grade built first.
        qs = qs.filter(Exists(ResourceGrade.objects.filter(resource_id=OuterRef("pk"), grade=f.grade)))
    if f.resource_type:
        qs = qs.filter(resource_type=f.resource_type)
    if f.licence:
        qs = qs.filter(licence=f.licence)
    if f.series:
        qs = qs.filter(series=f.series)
    if f.language:
        qs = qs.filter(language=f.language)
    if f.school:
        qs = qs.filter(school_id=f.school)
    return qs


@dataclass
class SearchResult:
    page: Page
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    ranked: bool = False
    # The facets and total were counted over the newest `counted` matches only (at most
    # search.FACET_CAP, fewer when the walk's time ran out: search_facets.FACET_BUDGET), and
    # there may be more: each count is a lower bound ("3,000+").
    capped: bool = False
    counted: int = 0
    # The query matched nothing and these are the results of the closest query (its folded
    # words), offered as "Did you mean …".
    corrected: str = ""


FACETS = ("subject", "resource_type", "licence", "series")


def _offset_cursor(cursor: str | None) -> int:
    try:
        return max(0, min(int(cursor or 0), 10_000))
    except ValueError:
        return 0


def resource_search(
    *,
    scope: Scope,
    filters: ResourceFilter | None = None,
    cursor: str | None = None,
    limit: int = 20,
    with_facets: bool = True,
) -> SearchResult:
    """Published resources matching the filters. With a query and relevance sort, the best
    match first in the librarian's order (edudx.core.search.rank); the cursor is then an
    offset. A query that matches nothing falls back to the closest terms (`corrected`)."""
    f = filters or ResourceFilter()
    base = _apply_filters(published(scope=scope), f)
    # SQLite, for a viewer who sees every published resource: filters and facets in the walk
    # of the index (search_facets); PostgreSQL: the facets from one read of the newest matches
    # with their values (search_facets.pg_walk_sql), the ranking over the ORM; other scopes:
    # the ORM over `base`.
    sees_all = _sees_all_published(scope)
    walk = f if connection.vendor == "sqlite" and sees_all else None
    counted = f if connection.vendor in ("sqlite", "postgresql") and sees_all else None
    query = search.parse(f.q)
    walker = _walker(query, walk)
    counter = walker or _walker(query, counted)
    page = _search_page(base, query, f.sort, cursor, limit, walker)
    corrected = ""
    if query is not None and not page.items and not cursor and not _filters_emptied(scope, f, query, counter):
        fixed = search.corrected(base, query)
        if fixed is not None:
            query, corrected = fixed, fixed.text
            if counter is not None:
                counter.close()
            walker = _walker(query, walk)
            counter = walker or _walker(query, counted)
            page = _search_page(base, query, f.sort, cursor, limit, walker)
    result = SearchResult(
        page=page, total=0, ranked=query is not None and f.sort == "relevance", corrected=corrected
    )
    if with_facets and counter is not None:
        _walk_facets(result, counter)
    elif counter is not None:
        counter.close()
    elif with_facets:
        _count_facets(result, base, query if query is not None else (f.q if f.q.strip() else None))
    return result


def _run(sql: str, params: list[Any]) -> list[Any]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _stream(sql: str, params: list[Any]) -> Iterator[list[Any]]:
    """The rows of `sql` a batch at a time (the cursor stays open between batches)."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while batch := cur.fetchmany(search_facets.BATCH):
            yield list(batch)


def _walker(query: Query | None, walk: ResourceFilter | None) -> search_facets.Walk | None:
    if walk is None:
        return None
    return search_facets.Walk(query, walk, search.FACET_CAP, _run, connection.vendor, stream=_stream)


def _filters_emptied(
    scope: Scope, f: ResourceFilter, query: Query, walker: search_facets.Walk | None
) -> bool:
    """The query matches resources the viewer sees and only the filters leave the page empty:
    no typo to correct (a correction would change the words to something the filters let
    through, and costs a count per combination tried). The walk's rows answer it; else one
    EXISTS over the unfiltered match."""
    if walker is not None:
        return walker.matches_published()
    filtered = (f.subject, f.grade is not None, f.resource_type, f.licence, f.series, f.language, f.school)
    if not any(filtered):
        return False
    found = search.matching(published(scope=scope), query)
    return found is not None and found.exists()


def _sees_all_published(scope: Scope) -> bool:
    return scope.is_authenticated and scope.has_perm(perms.VIEW)


def _search_page(
    base: QuerySet[Resource],
    query: Query | None,
    sort: str,
    cursor: str | None,
    limit: int,
    walker: search_facets.Walk | None,
) -> Page:
    related = ("school__unit", "current_version")
    if query is not None and sort == "relevance":
        offset = _offset_cursor(cursor)
        items = _ranked_window(base, query, offset, limit, related, walker)
        if items is None and walker is not None:  # past the windows, filters on the facet rows
            items = _past_the_windows(base, query, offset, limit, related, walker)
        elif items is None:  # the windows were too small for this page: exact ranking
            # `is None`, never `or`: a QuerySet's truth value fetches every row it selects
            # (the whole ranked match list, wide rows, before the page's slice).
            ranked = search.ranked(base, query)
            rows = ranked if ranked is not None else base.none()
            items = list(
                rows.select_related(*related).prefetch_related("grade_rows")[offset : offset + limit + 1]
            )
        return Page(
            items=items[:limit],
            next_cursor=str(offset + limit) if len(items) > limit else None,
            prev_cursor=str(max(0, offset - limit)) if offset else None,
        )
    matched = base
    if query is not None:
        found = search.matching(base, query)
        matched = found if found is not None else base.none()
    order = RESOURCE_SORTS.get(sort) or RESOURCE_SORTS["newest"]
    return paginate(
        matched.select_related(*related).prefetch_related("grade_rows"),
        order=order,
        cursor=cursor,
        limit=limit,
    )


def _count_facets(result: SearchResult, base: QuerySet[Resource], query: str | Query | None) -> None:
    # Counted over the newest search.FACET_CAP matches, since exact counts grow with a
    # broad query's matches; `capped` says so.
    # See docs/decisions/0003-library-search-windows-and-capped-facets.md.
    sample, result.capped = search.newest_matching(base, query)
    # One GROUP BY over the four facet columns evaluates the full-text match once (instead
    # of a count and four group-bys); the per-facet counts are summed here.
    combos = sample.order_by().values(*FACETS).annotate(n=Count("id"))
    totals: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for row in combos:
        result.total += row["n"]
        for name in FACETS:
            if row[name]:
                totals[name][row[name]] = totals[name].get(row[name], 0) + row["n"]
    for name in FACETS:
        result.facets[name] = sorted(totals[name].items(), key=lambda kv: (-kv[1], kv[0]))
    result.facets["grade"] = [
        (str(r["grade"]), r["n"])
        for r in ResourceGrade.objects.filter(resource_id__in=sample.order_by().values("id"))
        .values("grade")
        .annotate(n=Count("id"))
        .order_by("grade")
    ]


def _walk_facets(result: SearchResult, walker: search_facets.Walk) -> None:
    """Facets and total from the request's one pass over the newest search.FACET_CAP matches,
    the filters tested on each (search_facets.Walk); `capped` when there may be more."""
    result.total, result.capped, totals, result.counted = walker.count(FACETS)
    for name in FACETS:
        result.facets[name] = sorted(totals[name].items(), key=lambda kv: (-kv[1], kv[0]))
    result.facets["grade"] = sorted(totals["grade"].items(), key=lambda kv: int(kv[0]))


def _ranked_window(
    base: QuerySet[Resource],
    q: Query,
    offset: int,
    limit: int,
    related: tuple[str, ...],
    walker: search_facets.Walk | None,
) -> list[Resource] | None:
    need = offset + limit + 1
    # In the walk, every id found passed the filters already: only titles and use are read.
    rows_of = Resource.objects.all() if walker is not None else base

    def visible(ids: list[int]) -> dict[int, search.Candidate]:
        rows = (
            rows_of.filter(pk__in=ids).order_by().values_list("pk", "search_title", "use_count", "rating_sum")
        )
        return {pk: search.Candidate(title, usage=uses + 5 * stars) for pk, title, uses, stars in rows}

    tiers = walker.tiers() if walker is not None else None
    found = search.candidates(q, visible=visible, need=need, tiers=tiers, walks=search_facets.WALKS)
    if found is None:
        return None
    ordered, capped = found
    if capped and len(ordered) < need:
        return None
    page_ids = ordered[offset:need]
    by_id = base.select_related(*related).prefetch_related("grade_rows").in_bulk(page_ids)
    return [by_id[pk] for pk in page_ids if pk in by_id]


def _past_the_windows(
    base: QuerySet[Resource],
    q: Query,
    offset: int,
    limit: int,
    related: tuple[str, ...],
    walker: search_facets.Walk,
) -> list[Resource]:
    """SQLite's walk: the windows read too few matches that pass the filters for this page. When
    at most search_facets.EXACT_ORDER_MAX matches pass, all of them in the librarian's order
    (the windows' own order, now over every match); else bm25 over every match that passes.
    Which pass: the walk's own rows (read on from the third window), and the index for the
    matches older than the walk's LIMIT (search_facets.Walk.passing)."""
    f = walker.f
    with connection.cursor() as cur:
        passing = walker.passing(search_facets.EXACT_ORDER_MAX)
        if passing is None:
            cur.execute(*search_facets.passing_sql(q, f, search_facets.EXACT_ORDER_MAX + 1))
            passing = [row[0] for row in cur.fetchall()]
        ids = passing
        if len(ids) <= search_facets.EXACT_ORDER_MAX:
            rows = Resource.objects.filter(pk__in=ids).values_list(
                "pk", "search_title", "use_count", "rating_sum"
            )
            found = {pk: search.Candidate(title, usage=uses + 5 * stars) for pk, title, uses, stars in rows}
            ids = rank.order(found, q, search.GENERIC)[offset : offset + limit + 1]  # the windows' order
        else:
            cur.execute(*search_facets.exact_sql(q, f, offset, limit + 1))
            ids = [row[0] for row in cur.fetchall()]
    by_id = base.select_related(*related).prefetch_related("grade_rows").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def suggestions(*, scope: Scope, q: str, limit: int = 8) -> list[Resource]:
    qs = search.title_prefix(published(scope=scope), q)
    if qs is None:
        return []
    return list(qs.only("id", "title", "subject").order_by("-use_count", "-id")[:limit])
