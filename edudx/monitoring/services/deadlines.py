"""Deadline extensions: a department officer moves a campaign's self-assessment deadline later
for every school; a ward officer (or the department) moves it for one school of their scope.
Either way the reason and both dates are recorded, and the school may edit again until the new
day (`assessments.edit_refusal` reads `Assessment.deadline`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed

from .. import permissions as perms
from ..models import Assessment, Campaign, DeadlineExtension
from .common import Locked, lock, today

# An extension further than this is a typing mistake, not a plan.
MAX_AHEAD = dt.timedelta(days=366)


def _check(new_deadline: dt.date, previous: dt.date, reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the deadline is extended."), code="reason_required")
    if new_deadline < today():
        raise ValidationFailed(_("The new deadline cannot be in the past."), code="deadline_in_past")
    if new_deadline <= previous:
        raise ValidationFailed(
            _("The new deadline must be later than the current one (%(d)s).")
            % {"d": previous.strftime("%d/%m/%Y")},
            code="deadline_not_later",
        )
    if new_deadline > today() + MAX_AHEAD:
        raise ValidationFailed(
            _("The new deadline may be at most a year from today."), code="deadline_too_far"
        )
    return reason


@transaction.atomic
def campaign_extend_deadline(
    *, actor: Actor, campaign: Campaign, new_deadline: dt.date, reason: str
) -> DeadlineExtension:
    """Every school of the campaign may self-assess until `new_deadline` (the review deadline
    moves along when it would fall before it)."""
    campaign = Campaign.objects.select_for_update().select_related("owner").get(pk=campaign.pk)
    actor.scope.require(perms.EXTEND_DEADLINE, campaign.owner.path)
    if campaign.state != Campaign.State.OPEN:
        raise Locked(
            _("Only an open campaign's deadline can be extended; reopen it for self-assessment first."),
            code="campaign_not_open",
        )
    previous = campaign.self_deadline
    reason = _check(new_deadline, previous, reason)
    before = {"self_deadline": previous, "review_deadline": campaign.review_deadline}
    campaign.self_deadline = new_deadline
    campaign.review_deadline = max(campaign.review_deadline, new_deadline)
    campaign.save(update_fields=["self_deadline", "review_deadline", "updated_at"])
    ext = DeadlineExtension.objects.create(
        campaign=campaign,
        previous_deadline=previous,
        new_deadline=new_deadline,
        reason=reason,
        created_by=actor.user,
    )
    changes = {
        k: [v.isoformat(), getattr(campaign, k).isoformat()]
        for k, v in before.items()
        if v != getattr(campaign, k)
    }
    history.record(
        actor=actor,
        obj=campaign,
        action="update",
        operation="campaign_extend_deadline",
        changes=changes,
        note=reason,
    )
    return ext


@transaction.atomic
def assessment_extend_deadline(
    *, actor: Actor, assessment: Assessment, new_deadline: dt.date, reason: str
) -> DeadlineExtension:
    """This school may self-assess (or resubmit, once returned) until `new_deadline`."""
    a = lock(assessment)
    actor.scope.require(perms.EXTEND_DEADLINE, a.unit_path)
    if not a.is_editable_by_school:
        raise Locked(
            _("This self-assessment has been submitted: there is no deadline to extend."),
            code="nothing_to_extend",
        )
    if a.campaign.state not in (Campaign.State.OPEN, Campaign.State.REVIEW):
        raise Locked(_("The campaign is not open for self-assessment."), code="campaign_not_open")
    previous = a.deadline
    reason = _check(new_deadline, previous, reason)
    before = a.extended_until
    a.extended_until = new_deadline
    a.version += 1
    a.save(update_fields=["extended_until", "version", "updated_at"])
    ext = DeadlineExtension.objects.create(
        campaign=a.campaign,
        assessment=a,
        unit_path=a.unit_path,
        previous_deadline=previous,
        new_deadline=new_deadline,
        reason=reason,
        created_by=actor.user,
    )
    history.record(
        actor=actor,
        obj=a,
        action="update",
        operation="assessment_extend_deadline",
        changes={"extended_until": [before.isoformat() if before else None, new_deadline.isoformat()]},
        note=reason,
    )
    return ext
