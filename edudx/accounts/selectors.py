"""Reads of users and memberships: an administrator sees the people holding roles inside
their own scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

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


def own_token_list(*, user) -> QuerySet[ApiToken]:
    """A user's own API tokens: the only tokens anyone is shown."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-id")


def own_token_get(*, user, pk: int) -> ApiToken:
    token = own_token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def memberships_of(*, user) -> QuerySet[Membership]:
    """The requesting user's own memberships (for "me")."""
    return Membership.objects.filter(user=user).select_related("unit", "grouping").order_by("id")
