"""Campaigns: create, change, move through their states; opening one creates its assessments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.core.scope import subtree_q
from edudx.core.services import create_with_history, update_with_history
from edudx.orgs import selectors as org_selectors
from edudx.policies import selectors as policies
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import Assessment, Campaign, Framework
from ..schemas import CampaignPatch
from .autoscore import queue_autoscore
from .common import Locked

if TYPE_CHECKING:
    from edudx.orgs.models import Grouping, OrgUnit
    from edudx.registry.models import School

CAMPAIGN_FIELDS = ("name", "school_year", "self_deadline", "review_deadline", "levels", "ownerships", "state")
TRANSITIONS = {
    Campaign.State.DRAFT: {Campaign.State.OPEN},
    Campaign.State.OPEN: {Campaign.State.REVIEW},
    Campaign.State.REVIEW: {Campaign.State.OPEN, Campaign.State.PUBLISHED},
    Campaign.State.PUBLISHED: {Campaign.State.CLOSED},
    Campaign.State.CLOSED: set(),
}


def default_deadlines(school_year: str) -> tuple[dt.date, dt.date]:
    """31 May and 20 June of the year the school year ends in."""
    end_year = int(school_year.split("-")[1])
    return dt.date(end_year, 5, 31), dt.date(end_year, 6, 20)


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    framework: Framework,
    owner: OrgUnit,
    name: str,
    school_year: str,
    self_deadline: dt.date | None = None,
    review_deadline: dt.date | None = None,
    units: list[OrgUnit] | None = None,
    groupings: list[Grouping] | None = None,
    levels: list[str] | None = None,
    ownerships: list[str] | None = None,
) -> Campaign:
    actor.scope.require(perms.MANAGE_CAMPAIGNS, owner.path)
    if framework.subject == Framework.Subject.AUTHORITY:
        # An authority campaign (3806) evaluates units of the owner's subtree: `units` are the
        # authorities themselves (none: the owner and the wards, communes and zones under it).
        if any(not u.path.startswith(owner.path) for u in units or []):
            raise ValidationFailed(_("An authority campaign evaluates the owner and units under it."))
        if levels or ownerships or groupings:
            raise ValidationFailed(_("An authority campaign has no school levels, ownerships or groupings."))
    d_self, d_review = default_deadlines(school_year)
    campaign = Campaign(
        framework=framework,
        owner=owner,
        name=name,
        school_year=school_year,
        self_deadline=self_deadline or d_self,
        review_deadline=review_deadline or d_review,
        levels=list(levels or []),
        ownerships=list(ownerships or []),
    )
    create_with_history(actor=actor, obj=campaign, fields=CAMPAIGN_FIELDS, operation="campaign_create")
    if units:
        campaign.units.set(units)
    if groupings:
        campaign.groupings.set(groupings)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Actor,
    campaign: Campaign,
    data: CampaignPatch,
    units: list[OrgUnit] | None = None,
    groupings: list[Grouping] | None = None,
) -> Campaign:
    actor.scope.require(perms.MANAGE_CAMPAIGNS, campaign.owner.path)
    values = data.model_dump(exclude_unset=True)
    if campaign.state != Campaign.State.DRAFT and (
        {"levels", "ownerships"} & set(values) or units is not None
    ):
        raise Locked(_("The coverage of an opened campaign cannot change."))
    update_with_history(
        actor=actor, obj=campaign, data=values, fields=CAMPAIGN_FIELDS, operation="campaign_update"
    )
    if units is not None:
        campaign.units.set(units)
    if groupings is not None:
        campaign.groupings.set(groupings)
    return campaign


def covered_schools(*, actor: Actor, campaign: Campaign) -> QuerySet[School]:
    from edudx.registry.filters import SchoolFilter

    qs, _order = registry_selectors.school_list(scope=actor.scope, filters=SchoolFilter())
    unit_paths = list(campaign.units.values_list("path", flat=True))
    if unit_paths:
        q = subtree_q(unit_paths[0], "unit__path")
        for p in unit_paths[1:]:
            q |= subtree_q(p, "unit__path")
        qs = qs.filter(q)
    grouping_ids = list(campaign.groupings.values_list("pk", flat=True))
    if grouping_ids:
        paths = [p for ps in org_selectors.member_paths(grouping_ids).values() for p in ps]
        qs = qs.filter(unit__path__in=paths)
    if campaign.levels:
        qs = qs.filter(level__in=campaign.levels)
    # A framework evaluates only the levels it names — or a framework-levels policy in force.
    levels = policies.framework_levels(campaign.framework.code, campaign.framework.levels)
    if levels:
        qs = qs.filter(level__in=levels)
    if campaign.ownerships:
        qs = qs.filter(ownership__in=campaign.ownerships)
    return qs


@transaction.atomic
def campaign_transition(*, actor: Actor, campaign: Campaign, to: str) -> Campaign:
    actor.scope.require(perms.MANAGE_CAMPAIGNS, campaign.owner.path)
    if to not in TRANSITIONS[Campaign.State(campaign.state)]:
        raise ValidationFailed(
            _("A campaign cannot go from “%(a)s” to “%(b)s”.")
            % {"a": campaign.get_state_display(), "b": Campaign.State(to).label}
        )
    if to == Campaign.State.OPEN and campaign.state == Campaign.State.DRAFT:
        _create_assessments(actor=actor, campaign=campaign)
        # the self-assessments arrive pre-filled with their automatic points (in the worker)
        campaign_pk = campaign.pk
        transaction.on_commit(lambda: queue_autoscore(campaign_pk))
        campaign.framework.state = Framework.State.ACTIVE
        campaign.framework.save(update_fields=["state", "updated_at"])
    data: dict[str, Any] = {"state": to}
    update_with_history(
        actor=actor,
        obj=campaign,
        data=data,
        fields=CAMPAIGN_FIELDS,
        operation="campaign_transition",
        action="status",
    )
    if to == Campaign.State.PUBLISHED:
        Campaign.objects.filter(pk=campaign.pk).update(published_at=timezone.now())
    return campaign


def covered_authorities(*, actor: Actor, campaign: Campaign) -> list[OrgUnit]:
    """The units an authority campaign (3806) evaluates: those it names, or its owner and the
    wards, communes and special zones right under it."""
    named = list(campaign.units.all())
    if named:
        return named
    children = org_selectors.area_list(scope=actor.scope).filter(parent=campaign.owner)
    return [campaign.owner, *children]


def _create_authority_assessments(*, actor: Actor, campaign: Campaign) -> int:
    objs = [
        Assessment(
            campaign=campaign,
            authority=u,
            unit_path=u.path,
            # a ward is reviewed by the unit above it; the department by itself (the Ministry
            # evaluates it outside the platform)
            supervisor_id=u.parent_id or u.pk,
        )
        for u in covered_authorities(actor=actor, campaign=campaign)
    ]
    Assessment.objects.bulk_create(objs, ignore_conflicts=True)
    history.record(
        actor=actor,
        obj=campaign,
        action="other",
        operation="campaign_open",
        note=_g("%(n)s authorities covered") % {"n": len(objs)},
    )
    return len(objs)


def _create_assessments(*, actor: Actor, campaign: Campaign) -> int:
    if campaign.framework.subject == Framework.Subject.AUTHORITY:
        return _create_authority_assessments(actor=actor, campaign=campaign)
    rows = covered_schools(actor=actor, campaign=campaign).values_list(
        "pk", "unit__path", "unit__parent_id", "level", "ownership"
    )
    objs = [
        Assessment(
            campaign=campaign,
            school_id=pk,
            unit_path=path,
            supervisor_id=parent,
            school_level=lvl,
            ownership=own,
        )
        for pk, path, parent, lvl, own in rows
        if parent is not None  # a school always sits under a unit; the tree's root is no school
    ]
    Assessment.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=True)
    history.record(
        actor=actor,
        obj=campaign,
        action="other",
        operation="campaign_open",
        note=_g("%(n)s schools covered") % {"n": len(objs)},
    )
    return len(objs)
