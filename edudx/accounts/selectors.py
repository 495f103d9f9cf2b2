"""Reads of users and memberships: an administrator sees the people holding roles inside
their own scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from edudx.core import history
from edudx.core.errors import NotFound
from edudx.core.models import HistoryEntry
from edudx.core.roles import GRANTABLE, Role
from edudx.core.scope import Scope
from edudx.orgs import selectors as org_selectors

from . import permissions as perms
from .models import ApiToken, Membership, User


def membership_list(*, scope: Scope) -> QuerySet[Membership]:
    qs = Membership.objects.select_related("user", "unit", "grouping", "grouping__owner")
    if scope.is_system:
        return qs
    return qs.filter(
        scope.filter_q(perms.MANAGE_ROLES, "unit__path")
        | scope.filter_q(perms.MANAGE_ROLES, "grouping__owner__path")
    )


def user_list(*, scope: Scope, q: str = "") -> QuerySet[User]:
    if not scope.has_perm(perms.MANAGE_ROLES):
        return User.objects.none()
    if scope.is_system:
        qs = User.objects.all()
    else:
        qs = User.objects.filter(pk__in=membership_list(scope=scope).values("user_id"))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs.order_by("username")


def user_get(*, scope: Scope, pk: int) -> User:
    try:
        return user_list(scope=scope).get(pk=pk)
    except User.DoesNotExist as exc:
        raise NotFound() from exc


def membership_get(*, scope: Scope, pk: int) -> Membership:
    try:
        return membership_list(scope=scope).get(pk=pk)
    except Membership.DoesNotExist as exc:
        raise NotFound() from exc


def own_token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens: the only tokens anyone is shown."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-id")


def own_token_get(*, user: User, pk: int) -> ApiToken:
    token = own_token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The requesting user's own memberships (for "me")."""
    return Membership.objects.filter(user=user).select_related("unit", "grouping").order_by("id")


def memberships_by_user(*, scope: Scope, users: Iterable[User]) -> dict[int, list[Membership]]:
    """The memberships the administrator sees, for each of `users` (one query for a page)."""
    out: dict[int, list[Membership]] = {}
    for m in membership_list(scope=scope).filter(user__in=list(users)):
        out.setdefault(m.user_id, []).append(m)
    return out


def grantable_roles(*, scope: Scope) -> set[str]:
    """The roles the scope's holder may grant (core.roles.GRANTABLE); the system grants any."""
    roles: set[str] = set(Role.values) if scope.is_system else set()
    for g in scope.grants:
        roles |= GRANTABLE.get(g.role, frozenset())
    return roles


def user_history(*, scope: Scope, person: User, viewer_id: int | None) -> list[HistoryEntry]:
    """The person's history as far as it concerns the administrator's scope: a user may also
    hold roles elsewhere (granted by someone else), and those grants are not this
    administrator's business; a user's tokens are their own business."""
    units = set(
        org_selectors.unit_list(scope=scope)
        .filter(scope.filter_q(perms.MANAGE_ROLES, "path"))
        .values_list("code", flat=True)
    )
    groupings = set(
        org_selectors.grouping_list(scope=scope)
        .filter(scope.filter_q(perms.MANAGE_ROLES, "owner__path"))
        .values_list("code", flat=True)
    )
    out = []
    for e in history.entries_for(person):
        if e.operation in ("membership_grant", "membership_revoke"):
            unit = next((v for v in e.changes.get("unit", []) if v), None)
            grouping = next((v for v in e.changes.get("grouping", []) if v), None)
            if unit not in units and grouping not in groupings:
                continue
        elif e.operation.startswith("token_") and person.pk != viewer_id:
            continue
        out.append(e)
    return out
