"""Which resources a scope sees (the rules in the package docstring), and one resource by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from .. import permissions as perms
from ..models import (
    Resource,
    State,
)

if TYPE_CHECKING:
    pass

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
