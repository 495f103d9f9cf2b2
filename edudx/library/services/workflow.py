"""The review workflow: the moves are Resource's transitions (models.py); here each is guarded,
called and recorded (docs/decisions/0010)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, ValidationFailed
from edudx.core.services import full_clean_or_raise

from .. import permissions as perms
from ..models import (
    Resource,
    State,
)

if TYPE_CHECKING:
    pass

from .access import require_contributor, require_reviewer


# ----- workflow: the moves are Resource's transitions (models.py); here each is guarded,
# called and recorded (docs/decisions/0010).
def _transition(
    *,
    actor: Actor,
    resource: Resource,
    move: str,
    action: str,
    extra: dict[str, Any] | None = None,
    note: str = "",
) -> Resource:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    step = getattr(resource, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while the resource is “%(state)s”.")
            % {"state": resource.get_state_display()},
            code="bad_state",
        )
    extra = extra or {}
    fields = ["state", "published_at", *extra]
    before = history.snapshot(resource, fields)
    step()
    for key, value in extra.items():
        setattr(resource, key, value)
    changes = history.diff(before, history.snapshot(resource, fields))
    full_clean_or_raise(resource)
    resource.save(update_fields=[*changes, "updated_at"])
    history.record(
        actor=actor,
        obj=resource,
        action=action,
        changes=changes,
        operation=f"library.resource_{action}",
        note=note,
    )
    return resource


@transaction.atomic
def resource_submit(*, actor: Actor, resource: Resource) -> Resource:
    require_contributor(actor, resource)
    if not resource.is_link and not resource.current_version_id:
        raise ValidationFailed(_("Upload a file before submitting."), code="no_file")
    return _transition(actor=actor, resource=resource, move="submit", action="submit")


def _licence_check(resource: Resource) -> None:
    if not resource.licence:
        raise ValidationFailed(
            _("A resource without a licence cannot be published. Return it so the author sets one."),
            code="licence_required",
            details=[],
        )


@transaction.atomic
def resource_review(*, actor: Actor, resource: Resource, comment: str = "") -> Resource:
    """Reviewed: content and licence checked, ready to publish (a second pair of eyes may publish)."""
    require_reviewer(actor, resource)
    _licence_check(resource)
    return _transition(
        actor=actor,
        resource=resource,
        move="review",
        action="review",
        extra={"reviewed_by": actor.user, "review_comment": comment},
        note=comment,
    )


@transaction.atomic
def resource_publish(*, actor: Actor, resource: Resource, comment: str = "") -> Resource:
    require_reviewer(actor, resource)
    _licence_check(resource)
    extra: dict[str, Any] = {"takedown_reason": ""}
    if resource.state == State.SUBMITTED:
        extra["reviewed_by"] = actor.user
    if comment:
        extra["review_comment"] = comment
    return _transition(
        actor=actor, resource=resource, move="publish", action="publish", extra=extra, note=comment
    )


@transaction.atomic
def resource_return(*, actor: Actor, resource: Resource, comment: str) -> Resource:
    require_reviewer(actor, resource)
    if not comment.strip():
        raise ValidationFailed(
            details=[FieldError("comment", "required", str(_("Say what the author should change.")))]
        )
    return _transition(
        actor=actor,
        resource=resource,
        move="send_back",
        action="return",
        extra={"review_comment": comment.strip(), "reviewed_by": actor.user},
        note=comment,
    )


@transaction.atomic
def resource_takedown(*, actor: Actor, resource: Resource, reason: str) -> Resource:
    actor.scope.require(perms.REVIEW, resource.unit_path)
    if not reason.strip():
        raise ValidationFailed(
            details=[FieldError("reason", "required", str(_("Give the reason for the takedown.")))]
        )
    return _transition(
        actor=actor,
        resource=resource,
        move="take_down",
        action="takedown",
        extra={"takedown_reason": reason.strip()},
        note=reason,
    )
