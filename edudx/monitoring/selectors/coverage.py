"""Automatic points, read: the scoring rules of a framework (its bands, per sub-item), what
they give a school, and how much of the framework they cover — counted per sub-item, never by
crediting a whole criterion for partial evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Sum

from edudx.core import indicators as core_indicators
from edudx.core import scoped_figures
from edudx.core.scope import Scope

from .. import permissions as perms
from ..aggregates import SCHOOLS
from ..models import Assessment, AutoPoint, Campaign, Criterion, Framework, ScoringBand

ZERO = Decimal("0")


@dataclass(frozen=True)
class Rule:
    """How one sub-item (`key` = its code; "" = a criterion without sub-items) is scored."""

    criterion_id: int
    key: str
    max_points: Decimal
    indicator_code: str
    bands: tuple[tuple[Decimal, Decimal], ...]  # (from value, points), ascending


def as_number(value: object) -> Decimal | None:
    """An indicator's value as a number: yes/no as 1/0; None when there is no figure."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def band_points(bands: Iterable[tuple[Decimal, Decimal]], value: Decimal) -> Decimal:
    """The points of the highest band whose lower bound the value reaches (0 below them all)."""
    points = ZERO
    for lower, pts in sorted(bands):
        if value >= lower:
            points = pts
    return points


def framework_rules(framework: Framework) -> list[Rule]:
    """Every automatically scored sub-item of the framework, with its maximum."""
    bands: dict[tuple[int, str], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    indicator: dict[tuple[int, str], str] = {}
    for b in ScoringBand.objects.filter(criterion__group__framework=framework).order_by(
        "criterion_id", "subitem_code", "lower"
    ):
        bands[(b.criterion_id, b.subitem_code)].append((b.lower, b.points))
        indicator[(b.criterion_id, b.subitem_code)] = b.indicator_code
    if not bands:
        return []
    criteria = Criterion.objects.filter(pk__in={k[0] for k in bands}).prefetch_related("subitems")
    maxima: dict[tuple[int, str], Decimal] = {}
    for c in criteria:
        maxima[(c.pk, "")] = c.max_points
        for s in c.subitems.all():
            maxima[(c.pk, s.code)] = s.max_points
    return [
        Rule(key[0], key[1], maxima[key], indicator[key], tuple(bands[key]))
        for key in sorted(bands)
        if key in maxima and (key[1] or not any(k[0] == key[0] and k[1] for k in maxima))
    ]


def indicator_values(codes: set[str], school_ids: list[int]) -> dict[str, dict[int, object]]:
    """Each indicator computed once for all the schools (an indicator's failure leaves its
    sub-items to the schools)."""
    out: dict[str, dict[int, object]] = {}
    for code in codes:
        try:
            out[code] = dict(core_indicators.get(code).compute(school_ids))
        except Exception:  # noqa: BLE001 — a failing or unknown indicator scores nothing
            out[code] = {}
    return out


def framework_points(framework: Framework) -> Decimal:
    """The framework's points: every scored criterion's maximum (190 for 4725 as published)."""
    total = Criterion.objects.filter(group__framework=framework, kind=Criterion.Kind.POINTS).aggregate(
        t=Sum("max_points")
    )["t"]
    return total or ZERO


def scoring_coverage(framework: Framework) -> dict[str, Any]:
    """The share of the framework's points an automatic indicator scores through bands, counted
    per sub-item (a criterion with one automatic sub-item of 8 points counts 8, not its 20)."""
    rules = framework_rules(framework)
    total = framework_points(framework)
    auto = sum((r.max_points for r in rules), ZERO)
    return {
        "rules": rules,
        "points": auto,
        "points_total": total,
        "share": round(float(100 * auto / total), 1) if total else 0.0,
    }


def school_coverage(framework: Framework, school_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each school: the points its automatic indicators fill now (a sub-item whose indicator
    has a figure for the school), and the points they give."""
    rules = framework_rules(framework)
    values = indicator_values({r.indicator_code for r in rules}, school_ids)
    total = framework_points(framework)
    out: dict[int, dict[str, Any]] = {}
    for sid in school_ids:
        filled = given = ZERO
        for r in rules:
            value = as_number(values.get(r.indicator_code, {}).get(sid))
            if value is None:
                continue
            filled += r.max_points
            given += min(band_points(r.bands, value), r.max_points)
        out[sid] = {
            "filled": filled,
            "points": given,
            "points_total": total,
            "share": round(float(100 * filled / total), 1) if total else 0.0,
        }
    return out


def campaign_coverage(*, scope: Scope, campaign: Campaign) -> dict[str, Any]:
    """Over the campaign's self-assessments the caller may see: how many carry automatic points
    and the average share of the framework's points they fill. The same for every user of one
    scope: counted once per change of the schools' figures (and at least every minute), per
    process — the department's count walked the city's automatic points on every view of a
    campaign's dashboard (core.scoped_figures; issue #21)."""
    return scoped_figures.get(
        "monitoring.campaign_coverage",
        (scoped_figures.scope_key(scope), campaign.pk),
        lambda: _campaign_coverage(scope=scope, campaign=campaign),
        aggregates_read=[SCHOOLS],
    )


def _campaign_coverage(*, scope: Scope, campaign: Campaign) -> dict[str, Any]:
    qs = AutoPoint.objects.filter(
        scope.filter_q(perms.VIEW, "entry__assessment__unit_path"),
        entry__assessment__campaign=campaign,
        value__isnull=False,
    )
    per = list(qs.values("entry__assessment_id").annotate(f=Sum("max_points"), n=Count("id")).order_by())
    total = framework_points(campaign.framework)
    shares = [float(100 * r["f"] / total) for r in per if total]
    assessed = Assessment.objects.filter(scope.filter_q(perms.VIEW, "unit_path"), campaign=campaign).count()
    return {
        "assessments": len(per),
        "assessments_total": assessed,
        "average_share": round(sum(shares) / len(shares), 1) if shares else 0.0,
    }


def assessment_auto_points(assessment: Assessment) -> dict[int, list[AutoPoint]]:
    """The automatic points of an assessment with their evidence, per criterion id."""
    out: dict[int, list[AutoPoint]] = defaultdict(list)
    for p in (
        AutoPoint.objects.filter(entry__assessment=assessment)
        .select_related("entry")
        .order_by("entry_id", "key")
    ):
        out[p.entry.criterion_id].append(p)
    return dict(out)
