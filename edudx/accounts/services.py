"""Users, roles and tokens. Granting a role is allowed only inside the granter's own scope
and only for roles the granter's role may grant (core.roles.GRANTABLE)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import FieldError, PermissionDenied, ValidationFailed
from edudx.core.roles import GRANTABLE
from edudx.core.scope import Grant, Scope
from edudx.orgs.selectors import member_paths

from . import permissions as perms
from .models import ApiToken, Membership, User

if TYPE_CHECKING:
    from edudx.orgs.models import Grouping, OrgUnit


def scope_for_user(user: User) -> Scope:
    memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    grouping_ids = [m.grouping_id for m in memberships if m.grouping_id]
    g_paths = member_paths(grouping_ids) if grouping_ids else {}
    grants = []
    for m in memberships:
        if m.unit is not None:
            grants.append(Grant(role=m.role, paths=(m.unit.path,), unit_id=m.unit_id))
        elif m.grouping_id is not None:
            grants.append(
                Grant(role=m.role, paths=tuple(g_paths.get(m.grouping_id, ())), grouping_id=m.grouping_id)
            )
    return Scope(user_id=user.pk, grants=tuple(grants))


def _may_grant(actor: Actor, role: str, unit: OrgUnit | None, grouping: Grouping | None) -> bool:
    if actor.scope.is_system:
        return True
    targets = [unit.path] if unit else [grouping.owner.path] if grouping else []
    for g in actor.scope.grants:
        if role not in GRANTABLE.get(g.role, frozenset()):
            continue
        if all(any(t.startswith(p) for p in g.paths) for t in targets):
            return True
    return False


@transaction.atomic
def user_create(
    *, actor: Actor, username: str, full_name: str, password: str | None, email: str = ""
) -> User:
    actor.scope.require_any(perms.MANAGE_ROLES)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(
            details=[FieldError("username", "duplicate", str(_("This username is taken.")))]
        )
    user = User(username=username, full_name=full_name, email=email)
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                details=[FieldError("password", "weak_password", m) for m in exc.messages]
            ) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    history.record(
        actor=actor,
        obj=user,
        action="create",
        changes={"username": [None, username]},
        operation="user_create",
    )
    return user


@transaction.atomic
def user_create_with_role(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str | None,
    email: str = "",
    role: str,
    unit: OrgUnit | None = None,
    grouping: Grouping | None = None,
) -> User:
    """A user together with their first role, in one transaction: a user without a role inside
    the administrator's scope would be invisible to that administrator straight away."""
    user = user_create(actor=actor, username=username, full_name=full_name, password=password, email=email)
    membership_grant(actor=actor, user=user, role=role, unit=unit, grouping=grouping)
    return user


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: User, role: str, unit: OrgUnit | None = None, grouping: Grouping | None = None
) -> Membership:
    if (unit is None) == (grouping is None):
        raise ValidationFailed(_("Choose either a unit or a grouping."), code="unit_or_grouping")
    if not _may_grant(actor, role, unit, grouping):
        raise PermissionDenied(_("You may not grant this role here."))
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, unit=unit, grouping=grouping, defaults={"granted_by": actor.user}
    )
    if created:
        history.record(
            actor=actor,
            obj=user,
            action="grant",
            changes={
                "role": [None, role],
                "unit": [None, unit.code if unit else None],
                "grouping": [None, grouping.code if grouping else None],
            },
            operation="membership_grant",
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    if not _may_grant(actor, membership.role, membership.unit, membership.grouping):
        raise PermissionDenied(_("You may not revoke this role."))
    if actor.user is not None and membership.user_id == actor.user.pk and membership.role in GRANTABLE:
        raise ValidationFailed(_("You cannot revoke your own administrator role."), code="self_revoke")
    user = membership.user
    history.record(
        actor=actor,
        obj=user,
        action="revoke",
        changes={
            "role": [membership.role, None],
            "unit": [membership.unit.code if membership.unit else None, None],
            "grouping": [membership.grouping.code if membership.grouping else None, None],
        },
        operation="membership_revoke",
    )
    membership.delete()


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Actor, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns (token, key). The key is shown once and never stored."""
    if actor.user is None or actor.user.pk != user.pk:
        actor.scope.require_any(perms.MANAGE_ROLES)
    key = "edx_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:12], key_hash=_hash(key), expires_at=expires_at
    )
    history.record(
        actor=actor,
        obj=user,
        action="other",
        changes={"token": [None, token.prefix]},
        operation="token_create",
    )
    return token, key


def token_authenticate(key: str) -> User | None:
    if not key or not key.startswith("edx_"):
        return None
    token = ApiToken.objects.filter(key_hash=_hash(key)).select_related("user").first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def token_user_id(key: str) -> int | None:
    """The id of a usable token's active user, reading only (the search throttle keys API
    callers by it before the API authenticates them; token_authenticate records the use)."""
    if not key or not key.startswith("edx_"):
        return None
    token = ApiToken.objects.filter(key_hash=_hash(key)).select_related("user").first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token.user_id


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> None:
    if actor.user is None or actor.user.pk != token.user_id:
        actor.scope.require_any(perms.MANAGE_ROLES)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
