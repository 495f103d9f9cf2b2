"""Frameworks (their tree, problems, indicators) and campaigns, as the caller may read them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from edudx.core import indicators as core_indicators
from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from .. import permissions as perms
from ..models import (
    Assessment,
    Campaign,
    Criterion,
    Framework,
    FrameworkGroup,
    SubItem,
)
from .common import PATH


# ---------------------------------------------------------------- frameworks
def framework_list(*, scope: Scope) -> QuerySet[Framework]:
    """Frameworks the caller may read: every one for those who manage frameworks or campaigns,
    otherwise those used by a campaign the caller can see."""
    scope.require_any(perms.VIEW)
    qs = Framework.objects.all()
    if not (scope.has_perm(perms.MANAGE_FRAMEWORKS) or scope.has_perm(perms.MANAGE_CAMPAIGNS)):
        qs = qs.filter(pk__in=campaign_list(scope=scope).values("framework_id"))
    return qs.annotate(n_campaigns=Count("campaigns"))


def framework_get(*, scope: Scope, pk: int) -> Framework:
    try:
        return framework_list(scope=scope).get(pk=pk)
    except (Framework.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def framework_groups(framework: Framework) -> list[FrameworkGroup]:
    """Groups with their criteria and sub-items, in order (3 queries)."""
    return list(
        framework.groups.prefetch_related(
            Prefetch(
                "criteria", queryset=Criterion.objects.order_by("order", "code").prefetch_related("subitems")
            )
        ).order_by("order", "code")
    )


@dataclass
class Problem:
    group: FrameworkGroup
    criteria_total: Decimal
    message: str


def framework_problems(
    framework: Framework, groups: list[FrameworkGroup] | None = None
) -> list[dict[str, Any]]:
    """Inconsistencies an administrator must see: groups whose criteria do not add up to the
    group's maximum (the published 4725 Group II adds to 90), sub-items above their criterion."""
    out = []
    for g in groups if groups is not None else framework_groups(framework):
        total = sum((c.max_points for c in g.criteria.all() if c.kind == Criterion.Kind.POINTS), Decimal(0))
        if total != g.max_points:
            out.append({"kind": "group_sum", "group": g, "total": total, "max": g.max_points})
        for c in g.criteria.all():
            subs = list(c.subitems.all())
            if subs:
                st = sum((s.max_points for s in subs), Decimal(0))
                if st != c.max_points:
                    out.append(
                        {"kind": "subitem_sum", "group": g, "criterion": c, "total": st, "max": c.max_points}
                    )
    return out


def framework_editable(framework: Framework) -> bool:
    return not framework.campaigns.exclude(state=Campaign.State.DRAFT).exists()


def group_get(*, scope: Scope, pk: int) -> FrameworkGroup:
    scope.require_any(perms.VIEW)
    try:
        return FrameworkGroup.objects.select_related("framework").get(
            pk=pk, framework__in=framework_list(scope=scope)
        )
    except (FrameworkGroup.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def criterion_get(*, scope: Scope, pk: int) -> Criterion:
    scope.require_any(perms.VIEW)
    try:
        return Criterion.objects.select_related("group__framework").get(
            pk=pk, group__framework__in=framework_list(scope=scope)
        )
    except (Criterion.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def subitem_get(*, scope: Scope, pk: int) -> SubItem:
    scope.require_any(perms.VIEW)
    try:
        return SubItem.objects.select_related("criterion__group__framework").get(
            pk=pk, criterion__group__framework__in=framework_list(scope=scope)
        )
    except (SubItem.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def criterion_indicators(framework: Framework, criterion: Criterion) -> list[core_indicators.Indicator]:
    found = {i.code: i for i in core_indicators.for_criterion(f"{framework.code}:{criterion.code}")}
    if criterion.indicator_code:
        with contextlib.suppress(KeyError):
            found.setdefault(criterion.indicator_code, core_indicators.get(criterion.indicator_code))
    return list(found.values())


def automatic_coverage(framework: Framework, groups: list[FrameworkGroup] | None = None) -> dict[str, Any]:
    """How many criteria, and how many of their points, an automatic indicator evidences."""
    n = total_n = 0
    pts = total_pts = Decimal(0)
    for g in groups if groups is not None else framework_groups(framework):
        for c in g.criteria.all():
            total_n += 1
            total_pts += c.max_points
            if criterion_indicators(framework, c):
                n += 1
                pts += c.max_points
    return {"criteria": n, "criteria_total": total_n, "points": pts, "points_total": total_pts}


# ---------------------------------------------------------------- campaigns
def campaign_list(*, scope: Scope) -> QuerySet[Campaign]:
    """Campaigns owned within the caller's scope, or covering at least one school in it."""
    scope.require_any(perms.VIEW)
    qs = Campaign.objects.select_related("framework", "owner")
    if not scope.is_system:
        covering = Assessment.objects.filter(scope.filter_q(perms.VIEW, PATH)).values("campaign_id")
        qs = qs.filter(scope.filter_q(perms.VIEW, "owner__path") | Q(pk__in=covering))
    return qs.order_by("-school_year", "-id")


def campaign_get(*, scope: Scope, pk: int) -> Campaign:
    """The campaign if `campaign_list` holds it: owned within the scope, or covering one of its
    schools — asked of this one campaign (an indexed EXISTS), not by filtering every campaign
    through the scope's assessments (the department's covering subquery walked the city's
    self-assessments on every campaign page; issue #21)."""
    scope.require_any(perms.VIEW)
    try:
        campaign = Campaign.objects.select_related("framework", "owner").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if scope.is_system or scope.can(perms.VIEW, campaign.owner.path):
        return campaign
    if Assessment.objects.filter(scope.filter_q(perms.VIEW, PATH), campaign=campaign).exists():
        return campaign
    raise NotFound()
