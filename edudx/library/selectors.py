"""Every read of the library, through the caller's Scope.

Who sees what:
- a published resource: everyone signed in (the repository is shared by the whole sector);
- any other state: the author, contributors of the resource's school, and reviewers whose
  scope covers the school;
- a collection: its owner; "school" collections also the contributors and reviewers of the
  school; "shared" collections everyone signed in. Inside a collection a viewer only sees
  the resources they may see themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from edudx.core import history
from edudx.core.errors import NotFound
from edudx.core.pagination import Page, paginate
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from . import permissions as perms
from . import search, search_facets
from .filters import OWN_SORTS, RESOURCE_SORTS, OwnFilter, ResourceFilter
from .models import Collection, CollectionItem, Comment, Resource, ResourceGrade, ResourceVersion, State, Use

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from edudx.accounts.models import User
    from edudx.core.models import HistoryEntry
    from edudx.core.search.query import Query
    from edudx.registry.models import School

PATH = "unit_path"


def _visible_q(scope: Scope) -> Q:
    if scope.is_system:
        return Q()
    if not scope.is_authenticated:
        return Q(pk__in=[])
    q = Q(state=State.PUBLISHED) if scope.has_perm(perms.VIEW) else Q(pk__in=[])
    if scope.has_perm(perms.CONTRIBUTE):
        q |= scope.filter_q(perms.CONTRIBUTE, PATH)
    if scope.has_perm(perms.REVIEW):
        q |= scope.filter_q(perms.REVIEW, PATH) & ~Q(state=State.DRAFT)
    q |= Q(created_by_id=scope.user_id)
    return q


def resources_visible(*, scope: Scope) -> QuerySet[Resource]:
    return Resource.objects.filter(_visible_q(scope))


def resource_get(*, scope: Scope, pk: int) -> Resource:
    try:
        return (
            resources_visible(scope=scope)
            .select_related("school__unit", "current_version", "created_by", "reviewed_by")
            .prefetch_related("grade_rows")
            .get(pk=pk)
        )
    except (Resource.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def published(*, scope: Scope) -> QuerySet[Resource]:
    if scope.is_authenticated and scope.has_perm(perms.VIEW):
        # Every published resource is visible to a viewer: the state alone, so search's row
        # checks read one column (not "(published OR own) AND published").
        return Resource.objects.filter(state=State.PUBLISHED)
    return resources_visible(scope=scope).filter(state=State.PUBLISHED)


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
    # The facets and total were counted over the newest search.FACET_CAP matches only, and
    # there are more: each count is a lower bound ("10,000+").
    capped: bool = False
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
    # of the index (search_facets); otherwise the ORM over `base`.
    walk = f if connection.vendor == "sqlite" and _sees_all_published(scope) else None
    query = search.parse(f.q)
    page = _search_page(base, query, f.sort, cursor, limit, walk)
    corrected = ""
    if query is not None and not page.items and not cursor:
        fixed = search.corrected(base, query)
        if fixed is not None:
            query, corrected = fixed, fixed.text
            page = _search_page(base, query, f.sort, cursor, limit, walk)
    result = SearchResult(
        page=page, total=0, ranked=query is not None and f.sort == "relevance", corrected=corrected
    )
    if with_facets and walk is not None:
        _walk_facets(result, query, walk)
    elif with_facets:
        _count_facets(result, base, query if query is not None else (f.q if f.q.strip() else None))
    return result


def _sees_all_published(scope: Scope) -> bool:
    return scope.is_authenticated and scope.has_perm(perms.VIEW)


def _search_page(
    base: QuerySet[Resource],
    query: Query | None,
    sort: str,
    cursor: str | None,
    limit: int,
    walk: ResourceFilter | None,
) -> Page:
    related = ("school__unit", "current_version")
    if query is not None and sort == "relevance":
        offset = _offset_cursor(cursor)
        items = _ranked_window(base, query, offset, limit, related, walk)
        if items is None:  # the windows were too small for this page: exact ranking
            rows = search.ranked(base, query) or base.none()
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
        matched = search.matching(base, query) or base.none()
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


def _walk_facets(result: SearchResult, query: Query | None, f: ResourceFilter) -> None:
    """Facets and total from one pass over the newest search.FACET_CAP matches, the filters
    tested on each (search_facets.facet_sql); `capped` when there may be more."""
    with connection.cursor() as cur:
        cur.execute(*search_facets.facet_sql(query, f, search.FACET_CAP))
        rows = cur.fetchall()
    result.total, result.capped, totals = search_facets.count(rows, FACETS, search.FACET_CAP)
    for name in FACETS:
        result.facets[name] = sorted(totals[name].items(), key=lambda kv: (-kv[1], kv[0]))
    result.facets["grade"] = sorted(totals["grade"].items(), key=lambda kv: int(kv[0]))


def _ranked_window(
    base: QuerySet[Resource],
    q: Query,
    offset: int,
    limit: int,
    related: tuple[str, ...],
    walk: ResourceFilter | None,
) -> list[Resource] | None:
    need = offset + limit + 1
    # In the walk, every id found passed the filters already: only titles and use are read.
    rows_of = Resource.objects.all() if walk is not None else base

    def visible(ids: list[int]) -> dict[int, search.Candidate]:
        rows = (
            rows_of.filter(pk__in=ids).order_by().values_list("pk", "search_title", "use_count", "rating_sum")
        )
        return {pk: search.Candidate(title, usage=uses + 5 * stars) for pk, title, uses, stars in rows}

    tiers = search_facets.tiers(q, walk) if walk is not None else None
    found = search.candidates(q, visible=visible, need=need, tiers=tiers, walks=search_facets.WALKS)
    if found is None:
        return None
    ordered, capped = found
    if capped and len(ordered) < need:
        return None
    page_ids = ordered[offset:need]
    by_id = base.select_related(*related).prefetch_related("grade_rows").in_bulk(page_ids)
    return [by_id[pk] for pk in page_ids if pk in by_id]


def suggestions(*, scope: Scope, q: str, limit: int = 8) -> list[Resource]:
    qs = search.title_prefix(published(scope=scope), q)
    if qs is None:
        return []
    return list(qs.only("id", "title", "subject").order_by("-use_count", "-id")[:limit])


def own_list(
    *, scope: Scope, user: User, filters: OwnFilter | None = None
) -> tuple[QuerySet[Resource], tuple[str, ...]]:
    """What a contributor works on: their own resources and their school's unpublished ones."""
    f = filters or OwnFilter()
    q = Q(created_by=user)
    if scope.has_perm(perms.CONTRIBUTE):
        q |= scope.filter_q(perms.CONTRIBUTE, PATH) & ~Q(state=State.PUBLISHED)
    qs = Resource.objects.filter(q).select_related("school__unit")
    if f.state:
        qs = qs.filter(state=f.state)
    if f.q.strip():
        qs = search.matching(qs, f.q) or qs.none()
    return qs, OWN_SORTS[f.sort]


def review_queue(*, scope: Scope, state: str = "") -> QuerySet[Resource]:
    """Resources waiting for a reviewer in scope; a reviewer's own resources are left to others."""
    states = [state] if state else [State.SUBMITTED, State.REVIEWED]
    qs = Resource.objects.filter(scope.filter_q(perms.REVIEW, PATH), state__in=states)
    if scope.user_id is not None:
        qs = qs.exclude(created_by_id=scope.user_id)
    return qs.select_related("school__unit", "created_by")


def resource_versions(resource: Resource) -> QuerySet[ResourceVersion]:
    return resource.versions.select_related("created_by").order_by("-number")


def version_get(*, scope: Scope, resource: Resource, pk: int) -> ResourceVersion:
    v = resource.versions.filter(pk=pk).first()
    if v is None:
        raise NotFound()
    return v


def resource_history(resource: Resource) -> list[HistoryEntry]:
    return history.entries_for(resource)


def resource_comments(resource: Resource) -> QuerySet[Comment]:
    return resource.comments.select_related("user")


def user_rating(resource: Resource, user: User | AnonymousUser) -> int | None:
    if not user.is_authenticated:
        return None
    r = resource.ratings.filter(user_id=user.pk).first()
    return r.stars if r else None


def usage_month_start(now: dt.datetime) -> dt.datetime:
    """Start of this month; if nothing was used yet this month (a new month, or demo data dated
    earlier), the start of the latest month with use, so the page is never empty for no reason."""
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if Use.objects.filter(at__gte=start).exists():
        return start
    last = Use.objects.order_by("-at").values_list("at", flat=True).first()
    if last is None:
        return start
    last = last.astimezone(now.tzinfo)
    return last.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def most_used(*, scope: Scope, since: dt.datetime, subject: str = "", limit: int = 10) -> list[Resource]:
    """Most used published resources since `since` (views + downloads + LMS picks)."""
    uses = Use.objects.filter(at__gte=since)
    if subject:
        uses = uses.filter(subject=subject)
    top = list(
        uses.filter(resource__in=published(scope=scope))
        .values("resource_id")
        .annotate(n=Count("id"))
        .order_by("-n", "resource_id")[:limit]
    )
    by_id = Resource.objects.in_bulk([t["resource_id"] for t in top])
    out = []
    for t in top:
        r = by_id[t["resource_id"]]
        r.period_uses = t["n"]
        out.append(r)
    return out


def most_used_by_subject(
    *, scope: Scope, since: dt.datetime, per_subject: int = 3
) -> dict[str, list[Resource]]:
    subjects = (
        Use.objects.filter(at__gte=since).values_list("subject", flat=True).distinct().order_by("subject")
    )
    return {s: most_used(scope=scope, since=since, subject=s, limit=per_subject) for s in subjects}


# ----- collections
def _collection_q(scope: Scope) -> Q:
    if scope.is_system:
        return Q()
    if not scope.is_authenticated:
        return Q(pk__in=[])
    q = Q(owner_id=scope.user_id) | Q(visibility=Collection.Visibility.SHARED)
    school_q = Q(pk__in=[])
    if scope.has_perm(perms.CONTRIBUTE):
        school_q |= scope.filter_q(perms.CONTRIBUTE, PATH)
    if scope.has_perm(perms.REVIEW):
        school_q |= scope.filter_q(perms.REVIEW, PATH)
    return q | (Q(visibility=Collection.Visibility.SCHOOL) & school_q)


def collection_list(*, scope: Scope, mine_only: bool = False, q: str = "") -> QuerySet[Collection]:
    qs = Collection.objects.filter(_collection_q(scope)).select_related("owner", "school__unit")
    if mine_only:
        qs = qs.filter(owner_id=scope.user_id)
    if q.strip():
        from edudx.core.text import fold

        # Collections are few per user; a plain scan over the titles is fine.
        key = fold(q)
        # values_list, not only(): the queryset follows owner and school with select_related,
        # which cannot be combined with deferring those fields (FieldError on every search).
        ids = [pk for pk, title in qs.values_list("id", "title") if key in fold(title)]
        qs = qs.filter(pk__in=ids)
    return qs.annotate(n_items=Count("items"))


def collection_get(*, scope: Scope, pk: int) -> Collection:
    try:
        return (
            Collection.objects.filter(_collection_q(scope)).select_related("owner", "school__unit").get(pk=pk)
        )
    except (Collection.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def collection_items(*, scope: Scope, collection: Collection) -> list[CollectionItem]:
    visible = resources_visible(scope=scope).values("id")
    return list(
        collection.items.filter(resource_id__in=visible)
        .select_related("resource", "resource__current_version", "resource__school__unit")
        .order_by("position", "id")
    )


def contributor_schools(*, scope: Scope) -> list[School]:
    """Schools where the user may contribute (usually exactly one: their own)."""
    qs, _order = registry.school_list(scope=scope)
    return [s for s in qs[:200] if scope.can(perms.CONTRIBUTE, s.unit.path)]
