"""Review by the supervising unit: adjust points with a reason, return or approve, record the
external evaluation, publish levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core.actor import Actor
from edudx.core.errors import ErrorCollector, ValidationFailed
from edudx.core.services import update_with_history

from .. import permissions as perms
from ..models import Assessment, Campaign, Entry
from .assessments import recompute_results, record_move
from .common import ZERO, Locked, lock, parse_points


def _not_now(a: Assessment) -> Locked:
    return Locked(
        _("This action is not possible while the assessment is “%(s)s”.") % {"s": a.get_status_display()}
    )


def _require_review(actor: Actor, a: Assessment, *allowed: str) -> None:
    """The reviewer's scope, and a status in which a step that is not a move (an adjustment, an
    external evaluation) may be taken."""
    actor.scope.require(perms.REVIEW, a.review_path)
    if a.status not in allowed:
        raise _not_now(a)


def _require_move(actor: Actor, a: Assessment, move: Any) -> None:
    """The reviewer's scope, and a workflow move the assessment's status allows."""
    actor.scope.require(perms.REVIEW, a.review_path)
    if not can_proceed(move):
        raise _not_now(a)


@transaction.atomic
def assessment_return(
    *, actor: Actor, assessment: Assessment, comments: dict[int, str], note: str = ""
) -> Assessment:
    a = lock(assessment)
    _require_move(actor, a, a.send_back)
    comments = {int(k): v.strip() for k, v in comments.items() if v and v.strip()}
    if not comments and not note.strip():
        raise ValidationFailed(_("Say what the school must fix: add a comment to at least one criterion."))
    for e in a.entries.filter(criterion_id__in=comments):
        e.review_comment = comments[e.criterion_id]
        e.save(update_fields=["review_comment"])
    text = "\n".join([note.strip()] + [f"{k}: {v}" for k, v in comments.items()]).strip()
    a.review_note = note.strip()
    return record_move(actor, a, a.send_back, "assessment_return", note=text)


@transaction.atomic
def entry_adjust(*, actor: Actor, entry: Entry, points: Any, reason: str) -> Entry:
    a = lock(entry.assessment)
    _require_review(actor, a, Assessment.Status.SUBMITTED, Assessment.Status.APPROVED)
    if entry.criterion.is_mandatory:
        raise ValidationFailed(_("Mandatory conditions have no points to adjust."))
    errors = ErrorCollector()
    d = parse_points(points, "points", errors)
    errors.raise_if_any()
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for adjusting the points."))
    if d is not None and not (ZERO <= d <= entry.max_points):
        raise ValidationFailed(_("Points must be between 0 and %(max)s.") % {"max": entry.max_points})
    update_with_history(
        actor=actor,
        obj=entry,
        data={"reviewed_points": d, "review_reason": reason.strip()},
        fields=("reviewed_points", "review_reason"),
        operation="entry_adjust",
        note=reason.strip(),
    )
    recompute_results(a)
    return entry


@transaction.atomic
def assessment_approve(*, actor: Actor, assessment: Assessment, note: str = "") -> Assessment:
    a = lock(assessment)
    _require_move(actor, a, a.approve)
    recompute_results(a)
    return record_move(actor, a, a.approve, "assessment_approve", note=note)


@transaction.atomic
def assessment_record_external(
    *, actor: Actor, assessment: Assessment, evaluator: str, date: dt.date, note: str
) -> Assessment:
    a = lock(assessment)
    _require_review(
        actor, a, Assessment.Status.SUBMITTED, Assessment.Status.APPROVED, Assessment.Status.PUBLISHED
    )
    if not evaluator.strip():
        raise ValidationFailed(_("Name the team or unit that evaluated."))
    update_with_history(
        actor=actor,
        obj=a,
        data={"external_evaluator": evaluator.strip(), "external_date": date, "external_note": note.strip()},
        fields=("external_evaluator", "external_date", "external_note"),
        operation="assessment_external",
    )
    return a


@transaction.atomic
def assessment_publish(*, actor: Actor, assessment: Assessment) -> Assessment:
    a = lock(assessment)
    _require_move(actor, a, a.publish)
    recompute_results(a)
    return record_move(actor, a, a.publish, "assessment_publish")


@transaction.atomic
def campaign_publish(*, actor: Actor, campaign: Campaign) -> int:
    """Publish the levels of every approved assessment the actor supervises in the campaign."""
    actor.scope.require_any(perms.REVIEW)
    qs = campaign.assessments.filter(
        actor.scope.filter_q(perms.REVIEW, "unit_path"), status=Assessment.Status.APPROVED
    )
    n = 0
    for a in qs:
        assessment_publish(actor=actor, assessment=a)
        n += 1
    if n == 0:
        raise ValidationFailed(_("There is no approved assessment to publish."))
    return n


REVIEW_ACTIONS = ("save", "return", "approve")


@transaction.atomic
def assessment_review(
    *,
    actor: Actor,
    assessment: Assessment,
    adjustments: dict[int, tuple[str, str]],
    action: str = "save",
    comments: dict[int, str] | None = None,
    note: str = "",
) -> Assessment:
    """The reviewer's one form, all or nothing: the point adjustments (criterion id → (points,
    reason)) that differ from what is on record, then return the assessment to the school with
    `comments` (criterion id → comment), approve it, or only save the adjustments."""
    if action not in REVIEW_ACTIONS:
        raise ValidationFailed(_("Choose what to do with the assessment."), code="invalid_action")
    entries = assessment.entries.select_related("criterion").filter(criterion_id__in=list(adjustments))
    for e in entries:
        points, reason = adjustments[e.criterion_id]
        points = points.strip()
        current = "" if e.reviewed_points is None else f"{e.reviewed_points}"
        if points and points != current:
            entry_adjust(actor=actor, entry=e, points=points, reason=reason)
    if action == "return":
        return assessment_return(actor=actor, assessment=assessment, comments=comments or {}, note=note)
    if action == "approve":
        return assessment_approve(actor=actor, assessment=assessment, note=note)
    return assessment
