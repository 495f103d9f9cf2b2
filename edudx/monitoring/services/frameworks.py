"""Frameworks: clone one for a new year, correct its groups, criteria and sub-items."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ValidationFailed
from edudx.core.services import create_with_history, update_with_history

from .. import permissions as perms
from ..models import Campaign, Criterion, Framework, FrameworkGroup, ScoringBand, SubItem
from ..schemas import CriterionIn, FrameworkIn, GroupIn, SubItemIn
from .common import ZERO, Locked

FRAMEWORK_FIELDS = ("name", "state", "notes", "source", "levels_on_total", "level2_min", "level3_above")
GROUP_FIELDS = ("code", "name", "order", "max_points", "level2_min", "level3_above")
CRITERION_FIELDS = (
    "code",
    "name",
    "order",
    "kind",
    "max_points",
    "bands",
    "evidence_required",
    "indicator_code",
)
SUBITEM_FIELDS = ("code", "name", "order", "max_points")
BAND_FIELDS = ("subitem_code", "indicator_code", "lower", "points")


def _require_editable_framework(actor: Actor, framework: Framework) -> None:
    actor.scope.require_any(perms.MANAGE_FRAMEWORKS)
    in_use = framework.campaigns.exclude(state=Campaign.State.DRAFT).exists()
    if in_use:
        raise Locked(
            _("This framework is used by a running or finished campaign; clone it for a new year instead.")
        )


@transaction.atomic
def framework_clone(*, actor: Actor, framework: Framework, year: int) -> Framework:
    actor.scope.require_any(perms.MANAGE_FRAMEWORKS)
    if Framework.objects.filter(code=framework.code, year=year).exists():
        raise Conflict(
            _("A framework %(code)s for %(year)s already exists.") % {"code": framework.code, "year": year}
        )
    clone = Framework(
        code=framework.code,
        name=framework.name,
        year=year,
        subject=framework.subject,
        state=Framework.State.DRAFT,
        source=framework.source,
        levels_on_total=framework.levels_on_total,
        level2_min=framework.level2_min,
        level3_above=framework.level3_above,
        notes=framework.notes,
        levels=list(framework.levels),
        cloned_from=framework,
    )
    create_with_history(
        actor=actor, obj=clone, fields=("code", "name", "year", "cloned_from"), operation="framework_clone"
    )
    for g in framework.groups.all():
        ng = FrameworkGroup.objects.create(framework=clone, **{f: getattr(g, f) for f in GROUP_FIELDS})
        for c in g.criteria.all():
            nc = Criterion.objects.create(group=ng, **{f: getattr(c, f) for f in CRITERION_FIELDS})
            ScoringBand.objects.bulk_create(
                [
                    ScoringBand(criterion=nc, **{f: getattr(b, f) for f in BAND_FIELDS})
                    for b in c.scoring_bands.all()
                ]
            )
            SubItem.objects.bulk_create(
                [
                    SubItem(criterion=nc, **{f: getattr(s, f) for f in SUBITEM_FIELDS})
                    for s in c.subitems.all()
                ]
            )
    return clone


@transaction.atomic
def framework_update(*, actor: Actor, framework: Framework, data: FrameworkIn) -> Framework:
    """Set the fields `data` was given; anything but the state and notes needs an unused framework."""
    actor.scope.require_any(perms.MANAGE_FRAMEWORKS)
    values = data.model_dump(exclude_unset=True)
    structural = set(values) - {"state", "notes"}
    if structural:
        _require_editable_framework(actor, framework)
    update_with_history(
        actor=actor, obj=framework, data=values, fields=FRAMEWORK_FIELDS, operation="framework_update"
    )
    return framework


@transaction.atomic
def group_update(*, actor: Actor, group: FrameworkGroup, data: GroupIn) -> FrameworkGroup:
    _require_editable_framework(actor, group.framework)
    update_with_history(
        actor=actor,
        obj=group,
        data=data.model_dump(exclude_unset=True),
        fields=GROUP_FIELDS,
        operation="framework_group_update",
    )
    return group


def _check_subitems_fit(criterion: Criterion) -> None:
    total = sum((s.max_points for s in criterion.subitems.all()), ZERO)
    if total > criterion.max_points:
        raise ValidationFailed(
            _("The sub-items add up to %(total)s, more than the criterion's maximum of %(max)s.")
            % {"total": total, "max": criterion.max_points}
        )


@transaction.atomic
def criterion_create(*, actor: Actor, group: FrameworkGroup, data: CriterionIn) -> Criterion:
    _require_editable_framework(actor, group.framework)
    crit = Criterion(group=group, **data.model_dump())
    create_with_history(actor=actor, obj=crit, fields=CRITERION_FIELDS, operation="criterion_create")
    return crit


@transaction.atomic
def criterion_update(*, actor: Actor, criterion: Criterion, data: CriterionIn) -> Criterion:
    _require_editable_framework(actor, criterion.group.framework)
    values = data.model_dump(exclude_unset=True)
    if values.get("kind") == Criterion.Kind.MANDATORY:
        values["max_points"] = ZERO
    update_with_history(
        actor=actor, obj=criterion, data=values, fields=CRITERION_FIELDS, operation="criterion_update"
    )
    _check_subitems_fit(criterion)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Actor, criterion: Criterion) -> None:
    _require_editable_framework(actor, criterion.group.framework)
    history.record(
        actor=actor,
        obj=criterion.group.framework,
        action="update",
        operation="criterion_delete",
        changes={"criterion": [criterion.code, None]},
    )
    criterion.delete()


@transaction.atomic
def subitem_create(*, actor: Actor, criterion: Criterion, data: SubItemIn) -> SubItem:
    _require_editable_framework(actor, criterion.group.framework)
    item = SubItem(criterion=criterion, **data.model_dump())
    create_with_history(actor=actor, obj=item, fields=SUBITEM_FIELDS, operation="subitem_create")
    _check_subitems_fit(criterion)
    return item


@transaction.atomic
def subitem_update(*, actor: Actor, subitem: SubItem, data: SubItemIn) -> SubItem:
    _require_editable_framework(actor, subitem.criterion.group.framework)
    update_with_history(
        actor=actor,
        obj=subitem,
        data=data.model_dump(exclude_unset=True),
        fields=SUBITEM_FIELDS,
        operation="subitem_update",
    )
    _check_subitems_fit(subitem.criterion)
    return subitem


@transaction.atomic
def subitem_delete(*, actor: Actor, subitem: SubItem) -> None:
    _require_editable_framework(actor, subitem.criterion.group.framework)
    history.record(
        actor=actor,
        obj=subitem.criterion,
        action="update",
        operation="subitem_delete",
        changes={"subitem": [subitem.code, None]},
    )
    subitem.delete()
