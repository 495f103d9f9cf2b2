"""Staff self-assessment campaigns (issue #16 item 2) on the campaign pattern of
`core.campaigns`: the department opens a campaign on a teachers' framework, every working staff
member of the city gets a self-assessment, rates themselves per competence (with optional
evidence) and submits; the principal confirms or returns it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.campaigns import default_deadlines
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.rules.people import StaffStatus
from edudx.core.services import create_with_history
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import Campaign, Competence, Framework, Rating, SelfAssessment
from ..schemas import CampaignIn, RatingIn
from .common import city_path, own_staff_id, require_city, touch

CAMPAIGN_FIELDS = ("name", "school_year", "self_deadline", "review_deadline", "state", "framework", "owner")


@transaction.atomic
def campaign_create(*, actor: Actor, framework: Framework, data: CampaignIn) -> Campaign:
    path = require_city(actor, perms.MANAGE)
    if framework.audience != Framework.Audience.TEACHER:
        raise ValidationFailed(
            _("Staff assess themselves against a teachers' framework."), code="not_staff_framework"
        )
    d_self, d_review = default_deadlines(data.school_year)
    owner = org_selectors.root_units().filter(path=path).first()
    campaign = Campaign(
        framework=framework,
        owner=owner,
        name=data.name,
        school_year=data.school_year,
        self_deadline=data.self_deadline or d_self,
        review_deadline=data.review_deadline or d_review,
    )
    if campaign.review_deadline < campaign.self_deadline:
        raise ValidationFailed(
            _("The confirmation deadline comes after the self-assessment deadline."), code="deadlines_order"
        )
    return create_with_history(
        actor=actor, obj=campaign, fields=CAMPAIGN_FIELDS, operation="skills.campaign_create"
    )


@transaction.atomic
def campaign_open(*, actor: Actor, campaign: Campaign) -> int:
    """Open the campaign: one self-assessment for every working staff member in the actor's
    scope (the department's: the city). Returns how many."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_city(actor, perms.MANAGE)
    if not can_proceed(campaign.open):
        raise Conflict(_("This campaign is already open or closed."), code="bad_state")
    staff, _order = registry_selectors.staff_list(scope=actor.scope)
    rows = staff.filter(status=StaffStatus.WORKING, school__isnull=False).values_list(
        "pk", "school_id", "school__unit__path", "position"
    )
    objs = [
        SelfAssessment(campaign=campaign, staff_id=pk, school_id=sid, unit_path=path, position=pos)
        for pk, sid, path, pos in rows.order_by()
    ]
    SelfAssessment.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
    campaign.open()
    campaign.save(update_fields=["state", "updated_at"])
    history.record(
        actor=actor,
        obj=campaign,
        action="status",
        changes={"state": ["draft", "open"]},
        operation="skills.campaign_open",
        note=_g("%(n)s staff covered") % {"n": len(objs)},
    )
    return len(objs)


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_city(actor, perms.MANAGE)
    if not can_proceed(campaign.close):
        raise Conflict(_("Only an open campaign can be closed."), code="bad_state")
    campaign.close()
    campaign.save(update_fields=["state", "updated_at"])
    history.record(
        actor=actor,
        obj=campaign,
        action="status",
        changes={"state": ["open", "closed"]},
        operation="skills.campaign_close",
    )
    return campaign


def _own(actor: Actor, assessment: SelfAssessment) -> SelfAssessment:
    """The caller's own self-assessment, locked, still editable, campaign open, before its deadline."""
    a = SelfAssessment.objects.select_for_update().select_related("campaign").get(pk=assessment.pk)
    actor.scope.require(perms.ASSESS, a.unit_path)
    if own_staff_id(actor) != a.staff_id:
        raise PermissionDenied()
    if a.campaign.state != Campaign.State.OPEN:
        raise Conflict(_("The campaign is not open."), code="campaign_not_open")
    if not a.is_editable:
        raise Conflict(_("This self-assessment has been submitted."), code="not_editable")
    if timezone.localdate() > a.deadline:
        raise Conflict(_("The deadline has passed."), code="deadline_passed")
    return a


@transaction.atomic
def ratings_save(*, actor: Actor, assessment: SelfAssessment, ratings: list[RatingIn]) -> SelfAssessment:
    a = _own(actor, assessment)
    framework_id = a.campaign.framework_id
    comps = set(Competence.objects.filter(framework_id=framework_id).values_list("pk", flat=True))
    top = a.campaign.framework.levels.order_by("-rank").values_list("rank", flat=True).first() or 0
    for r in ratings:
        if r.competence_id not in comps:
            raise ValidationFailed(
                _("This competence is not in the campaign's framework."), code="foreign_competence"
            )
        if r.rank > top:
            raise ValidationFailed(
                _("The framework's highest level is %(n)s.") % {"n": top}, code="rank_above_top"
            )
    before = {c: (rk, ev) for c, rk, ev in a.ratings.values_list("competence_id", "rank", "evidence")}
    changes = {}
    for r in ratings:
        ev = r.evidence.strip()
        if before.get(r.competence_id) != (r.rank, ev):
            Rating.objects.update_or_create(
                assessment=a, competence_id=r.competence_id, defaults={"rank": r.rank, "evidence": ev}
            )
            changes[str(r.competence_id)] = [before.get(r.competence_id, (None,))[0], r.rank]
    if changes:
        if can_proceed(a.start):
            a.start()
        a.save(update_fields=["status", "updated_at"])
        history.record(actor=actor, obj=a, action="update", changes=changes, operation="skills.ratings_save")
    return a


def _status(actor: Actor, a: SelfAssessment, move: str, operation: str, note: str = "") -> SelfAssessment:
    step = getattr(a, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while the self-assessment is “%(s)s”.")
            % {"s": a.get_status_display()},
            code="bad_state",
        )
    before = a.status
    step()
    a.review_note = note or a.review_note
    a.save(update_fields=["status", "submitted_at", "confirmed_at", "review_note", "updated_at"])
    history.record(
        actor=actor,
        obj=a,
        action="status",
        changes={"status": [before, a.status]},
        operation=operation,
        note=note,
    )
    return a


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: SelfAssessment) -> SelfAssessment:
    a = _own(actor, assessment)
    missing = Competence.objects.filter(framework_id=a.campaign.framework_id).exclude(
        pk__in=a.ratings.values("competence_id")
    )
    if missing.exists():
        raise ValidationFailed(
            _("Rate every competence before submitting (%(n)s left).") % {"n": missing.count()},
            code="ratings_missing",
        )
    return _status(actor, a, "submit", "skills.assessment_submit")


def _reviewed(actor: Actor, assessment: SelfAssessment) -> SelfAssessment:
    a = SelfAssessment.objects.select_for_update().select_related("campaign").get(pk=assessment.pk)
    actor.scope.require(perms.CONFIRM, a.unit_path)
    if a.campaign.state != Campaign.State.OPEN:
        raise Conflict(_("The campaign is not open."), code="campaign_not_open")
    return a


@transaction.atomic
def assessment_confirm(*, actor: Actor, assessment: SelfAssessment, note: str = "") -> SelfAssessment:
    """The principal confirms: the ratings count in the heatmaps and indicators from now on."""
    a = _status(
        actor, _reviewed(actor, assessment), "confirm", "skills.assessment_confirm", note.strip()[:2000]
    )
    touch([a.school_id], heatmap=True)
    return a


@transaction.atomic
def assessment_return(*, actor: Actor, assessment: SelfAssessment, note: str) -> SelfAssessment:
    note = note.strip()[:2000]
    if not note:
        raise ValidationFailed(_("Say what to change."), code="note_required")
    return _status(actor, _reviewed(actor, assessment), "send_back", "skills.assessment_return", note)


__all__ = [
    "assessment_confirm",
    "assessment_return",
    "assessment_submit",
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "city_path",
    "ratings_save",
]
