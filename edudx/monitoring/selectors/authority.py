"""The authority index (Decision 3806), read: the group "results of the schools managed" computed
from the published school results (4725 levels of the authority's schools), and the ranking of
the authorities of a campaign."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from edudx.core import roles
from edudx.core.scope import Scope, subtree_q

from .. import permissions as perms
from ..models import Assessment, Campaign, Framework, GroupResult
from .common import PATH

ZERO = Decimal("0")
DONE = (Assessment.Status.APPROVED, Assessment.Status.PUBLISHED)


@dataclass(frozen=True)
class AuthorityIndicator:
    """An indicator of an authority computed from its schools' published results: the share (%)
    of the schools a school campaign covered under the authority whose group `group_code` was
    published at Level 2 or above."""

    code: str
    group_code: str
    formula: Any
    source: Any


AUTHORITY_INDICATORS = {
    i.code: i
    for i in (
        AuthorityIndicator(
            "authority.schools_level2_teaching",
            "I",
            _(
                "Schools of the unit whose group I (teaching and learning) was published at Level 2 or"
                " above ÷ schools of the unit the school campaign covered × 100"
            ),
            _("Published results of the school evaluation (Decision 4725) of the same school year"),
        ),
        AuthorityIndicator(
            "authority.schools_level2_management",
            "II",
            _(
                "Schools of the unit whose group II (management) was published at Level 2 or above"
                " ÷ schools of the unit the school campaign covered × 100"
            ),
            _("Published results of the school evaluation (Decision 4725) of the same school year"),
        ),
    )
}


def school_campaigns_for(school_year: str) -> list[int]:
    """The school campaigns whose published results an authority campaign of `school_year` reads:
    those of the same school year, or else of the latest year with published results."""
    base = Campaign.objects.filter(
        framework__subject=Framework.Subject.SCHOOL,
        assessments__status=Assessment.Status.PUBLISHED,
    ).distinct()
    same = list(base.filter(school_year=school_year).values_list("pk", flat=True))
    if same:
        return same
    latest = base.order_by("-school_year").values_list("school_year", flat=True).first()
    return list(base.filter(school_year=latest).values_list("pk", flat=True)) if latest else []


def authority_values(
    codes: set[str], authorities: dict[int, str], school_year: str
) -> dict[str, dict[int, object]]:
    """{indicator: {authority id: share %}} for the authorities given as {id: unit path}; an
    authority none of whose schools a school campaign covered has no value (no data)."""
    wanted = [AUTHORITY_INDICATORS[c] for c in codes if c in AUTHORITY_INDICATORS]
    out: dict[str, dict[int, object]] = {i.code: {} for i in wanted}
    campaigns = school_campaigns_for(school_year)
    if not wanted or not campaigns or not authorities:
        return out
    for aid, path in authorities.items():
        covered = Assessment.objects.filter(
            subtree_q(path, PATH), campaign_id__in=campaigns, school__isnull=False
        )
        total = covered.count()
        if not total:
            continue
        reached = dict(
            GroupResult.objects.filter(
                assessment__in=covered, assessment__status=Assessment.Status.PUBLISHED, level__gte=2
            )
            .values_list("group__code")
            .annotate(n=Count("id"))
            .order_by()
        )
        for ind in wanted:
            share = Decimal(100 * reached.get(ind.group_code, 0)) / Decimal(total)
            out[ind.code][aid] = share.quantize(Decimal("0.01"))
    return out


def total_level(framework: Framework, points: Decimal, mandatory_met: bool) -> int:
    """Level on the total (3806): Level 1 below level2_min, 2 up to level3_above, 3 above; an
    unmet mandatory condition means no level."""
    if not mandatory_met:
        return 0
    if points > framework.level3_above:
        return 3
    if points >= framework.level2_min:
        return 2
    return 1


def authority_ranking(*, scope: Scope, campaign: Campaign) -> list[dict[str, Any]]:
    """The authorities of an authority campaign the caller may see, with their points per group,
    total and level on the total; `rank` is the place among every approved or published
    authority of the campaign (ties share a place), None until approved."""
    fw = campaign.framework
    groups = list(fw.groups.order_by("order").values_list("pk", "code"))
    every = Assessment.objects.filter(campaign=campaign, authority__isnull=False)
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    per_group: dict[int, dict[str, Decimal]] = defaultdict(dict)
    met: dict[int, bool] = defaultdict(lambda: True)
    codes = dict(groups)
    for aid, gid, pts, ok in GroupResult.objects.filter(assessment__in=every).values_list(
        "assessment_id", "group_id", "points", "mandatory_met"
    ):
        totals[aid] += pts
        per_group[aid][codes.get(gid, "")] = pts
        met[aid] = met[aid] and ok
    done = list(every.filter(status__in=DONE).values_list("pk", flat=True))
    ordered = sorted(done, key=lambda a: -totals[a])
    rank: dict[int, int] = {}
    for i, a in enumerate(ordered, start=1):
        prev = ordered[i - 2] if i > 1 else None
        rank[a] = rank[prev] if prev is not None and totals[prev] == totals[a] else i
    visible = every.filter(scope.filter_q(perms.VIEW, PATH)).select_related("authority", "supervisor")
    rows = [
        {
            "assessment": a,
            "name": a.subject_name,
            "code": a.authority.code if a.authority else "",
            "groups": [per_group[a.pk].get(code, ZERO) for _pk, code in groups],
            "total": totals[a.pk],
            "level": total_level(fw, totals[a.pk], met[a.pk]) if a.pk in rank else None,
            "rank": rank.get(a.pk),
            "status": a.get_status_display(),
        }
        for a in visible
    ]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    return rows


def ranking_groups(campaign: Campaign) -> list[str]:
    return [f"{c}. {n}" for c, n in campaign.framework.groups.order_by("order").values_list("code", "name")]


def authority_assessments(*, scope: Scope, permission: str = perms.VIEW) -> Any:
    """Authority assessments the caller may see (a ward officer: their ward's own)."""
    return Assessment.objects.filter(scope.filter_q(permission, PATH), Q(authority__isnull=False))


def own_authority_assessments(*, scope: Scope) -> Any:
    """The self-assessments of the authorities the caller is an officer of (held on that very
    unit: a department officer's list has the department's, not every ward's)."""
    allowed = roles.roles_with(perms.ASSESS_AUTHORITY)
    paths = sorted({p for g in scope.grants if g.role in allowed for p in g.paths})
    return Assessment.objects.filter(authority__isnull=False, unit_path__in=paths).order_by(
        "-campaign__school_year", "unit_path"
    )
