"""Who may write a resource: its school's contributors; reviewers, never of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied

from .. import permissions as perms
from ..models import (
    Resource,
)

if TYPE_CHECKING:
    pass


def is_author(actor: Actor, resource: Resource) -> bool:
    return actor.user is not None and resource.created_by_id == actor.user.pk


def require_contributor(actor: Actor, resource: Resource) -> None:
    """The author, or a contributor of the resource's school (colleagues edit together)."""
    actor.scope.require(perms.CONTRIBUTE, resource.unit_path)


def require_reviewer(actor: Actor, resource: Resource) -> None:
    actor.scope.require(perms.REVIEW, resource.unit_path)
    if is_author(actor, resource):
        raise PermissionDenied(_("A reviewer cannot review their own resource."), code="own_resource")
