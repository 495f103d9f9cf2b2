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
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from edudx.core import history
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import search
from ..cartridge import resource_entry as cartridge_resource_entry  # noqa: F401  (learning's export)
from ..filters import OWN_SORTS, OwnFilter
from ..models import (
    Collection,
    CollectionItem,
    Comment,
    LtiPlatform,
    Resource,
    ResourceVersion,
    State,
    Use,
)
from .ranking import FACETS, SearchResult, resource_search, suggestions
from .visibility import PATH, published, resource_get, resources_visible

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from edudx.accounts.models import User
    from edudx.core.models import HistoryEntry
    from edudx.registry.models import School

__all__ = [
    "FACETS",
    "PATH",
    "SearchResult",
    "collection_get",
    "collection_items",
    "collection_list",
    "contributor_schools",
    "most_used",
    "most_used_by_subject",
    "own_list",
    "platform_list",
    "published",
    "resource_comments",
    "resource_get",
    "resource_history",
    "resource_search",
    "resource_versions",
    "resources_visible",
    "review_queue",
    "suggestions",
    "usage_month_start",
    "user_rating",
    "version_get",
]


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
        found = search.matching(qs, f.q)  # `is None`: a QuerySet's truth value fetches its rows
        qs = found if found is not None else qs.none()
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
    if scope.is_authenticated and scope.has_perm(perms.VIEW):
        # Every published resource is visible (visibility.published): the state of each use's
        # resource, one lookup per use — `resource__in` the published ones listed ~800,000 ids
        # at a million resources (~1 s for the landing page's 5 most used).
        uses = uses.filter(resource__state=State.PUBLISHED)
    else:
        uses = uses.filter(resource__in=published(scope=scope))
    top = list(uses.values("resource_id").annotate(n=Count("id")).order_by("-n", "resource_id")[:limit])
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


def platform_list(*, scope: Scope) -> list[LtiPlatform]:
    """The LMSs registered as LTI platforms, for an LTI administrator."""
    scope.require_any(perms.LTI_ADMIN)
    return list(LtiPlatform.objects.order_by("name"))
