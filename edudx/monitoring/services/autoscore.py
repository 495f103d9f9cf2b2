"""Automatic points: an indicator's value for the school, read through the criterion's scoring
bands (`ScoringBand`, data), fills a sub-item of the self-assessment with its evidence (the
indicator, value, formula, source, as of). The school accepts them or enters other points with
a reason (`assessments.entry_save`); a refresh never overwrites points the school changed."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core import indicators as core_indicators
from edudx.core.actor import Actor

from .. import permissions as perms
from ..models import Assessment, AutoPoint, Campaign, Entry
from ..selectors.authority import AUTHORITY_INDICATORS, authority_values
from ..selectors.coverage import Rule, as_number, band_points, framework_rules, indicator_values
from .common import ZERO, Locked


def _current(entry: Entry, key: str) -> Decimal | None:
    raw = entry.points if not key else (entry.sub_points or {}).get(key)
    return as_number(raw)


def _texts(code: str) -> tuple[str, str]:
    if code in AUTHORITY_INDICATORS:
        return str(AUTHORITY_INDICATORS[code].formula), str(AUTHORITY_INDICATORS[code].source)
    try:
        ind = core_indicators.get(code)
    except KeyError:
        return "", ""
    return str(ind.formula), str(ind.freshness)


def _apply(
    actor: Actor, assessment: Assessment, rules: list[Rule], values: dict[str, dict[int, object]]
) -> list[AutoPoint]:
    entries = {e.criterion_id: e for e in assessment.entries.all()}
    previous = {(p.entry_id, p.key): p for p in AutoPoint.objects.filter(entry__assessment=assessment)}
    now = timezone.now()
    out: list[AutoPoint] = []
    changed: dict[int, Entry] = {}
    for rule in rules:
        entry = entries.get(rule.criterion_id)
        if entry is None:
            continue
        value = as_number(values.get(rule.indicator_code, {}).get(subject_key(assessment)))
        points = None if value is None else min(band_points(rule.bands, value), rule.max_points)
        formula, source = _texts(rule.indicator_code)
        out.append(
            AutoPoint(
                entry=entry,
                key=rule.key,
                max_points=rule.max_points,
                indicator_code=rule.indicator_code,
                value=None if value is None else value.quantize(Decimal("0.0001")),
                points=points,
                formula=formula,
                source=source,
                as_of=now,
            )
        )
        old = previous.get((entry.pk, rule.key))
        current = _current(entry, rule.key)
        untouched = current is None or (old is not None and old.points is not None and current == old.points)
        if points is not None and untouched and current != points:
            if rule.key:
                entry.sub_points = {**(entry.sub_points or {}), rule.key: str(points)}
            else:
                entry.points = points
            changed[entry.pk] = entry
    AutoPoint.objects.bulk_create(
        out,
        update_conflicts=True,
        unique_fields=["entry", "key"],
        update_fields=["max_points", "indicator_code", "value", "points", "formula", "source", "as_of"],
    )
    for entry in changed.values():
        if entry.sub_points:
            entry.points = sum((as_number(v) or ZERO for v in entry.sub_points.values()), ZERO)
        Entry.objects.filter(pk=entry.pk).update(
            points=entry.points, sub_points=entry.sub_points, version=F("version") + 1
        )
    filled = sum((p.max_points for p in out if p.value is not None), ZERO)
    history.record(
        actor=actor,
        obj=assessment,
        action="other",
        operation="assessment_autoscore",
        note=gettext("Automatic points: %(filled)s points from indicators, %(changed)s criteria pre-filled")
        % {"filled": filled, "changed": len(changed)},
    )
    if changed:
        from .assessments import recompute_results

        recompute_results(assessment)
    return out


def subject_key(assessment: Assessment) -> int:
    """Whom an indicator's values are keyed by: the school, or the authority (3806)."""
    return assessment.school_id if assessment.school_id is not None else assessment.authority_id or 0


def _values(
    campaign: Campaign, rules: list[Rule], assessments: list[Assessment]
) -> dict[str, dict[int, object]]:
    codes = {r.indicator_code for r in rules}
    schools = [a.school_id for a in assessments if a.school_id is not None]
    authorities = {a.authority_id: a.unit_path for a in assessments if a.authority_id is not None}
    out = indicator_values(codes - set(AUTHORITY_INDICATORS), schools) if schools else {}
    if authorities:
        out.update(authority_values(codes & set(AUTHORITY_INDICATORS), authorities, campaign.school_year))
    return out


@transaction.atomic
def assessment_autoscore(*, actor: Actor, assessment: Assessment) -> list[AutoPoint]:
    """Compute the automatic points of one self-assessment now and pre-fill them: a sub-item the
    school left empty or still at the previous automatic points takes the new ones; one it
    changed stays as the school entered it. The school may ask for it while it may edit."""
    from .assessments import assessment_ensure_entries, require_school_can_edit

    require_school_can_edit(actor, assessment)
    rules = framework_rules(assessment.campaign.framework)
    if not rules:
        return []
    assessment_ensure_entries(assessment)
    values = _values(assessment.campaign, rules, [assessment])
    return _apply(actor, assessment, rules, values)


def campaign_autoscore_request(*, actor: Actor, campaign: Campaign) -> None:
    """The campaign's owner asks for the automatic points again (new data since it opened): the
    worker fills them once this request commits."""
    actor.scope.require(perms.MANAGE_CAMPAIGNS, campaign.owner.path)
    if campaign.state != Campaign.State.OPEN:
        raise Locked(_("Automatic points are filled while self-assessment is open."))
    campaign_pk = campaign.pk
    transaction.on_commit(lambda: queue_autoscore(campaign_pk))


def queue_autoscore(campaign_pk: int) -> None:
    from ..tasks import campaign_autoscore as job

    job.enqueue(campaign_pk)


@transaction.atomic
def campaign_autoscore(*, actor: Actor, campaign: Campaign) -> int:
    """Pre-fill the automatic points of every self-assessment of an open campaign the schools can
    still edit (each indicator computed once for all its schools). Returns the assessments."""
    from .assessments import assessment_ensure_entries, edit_refusal

    actor.scope.require(perms.MANAGE_CAMPAIGNS, campaign.owner.path)
    if campaign.state != Campaign.State.OPEN:
        raise Locked(_("Automatic points are filled while self-assessment is open."))
    rules = framework_rules(campaign.framework)
    if not rules:
        return 0
    todo = [
        a
        for a in campaign.assessments.select_related("campaign", "supervisor").order_by("id")
        if edit_refusal(a) is None
    ]
    values = _values(campaign, rules, todo)
    for a in todo:
        assessment_ensure_entries(a)
        _apply(actor, a, rules, values)
    return len(todo)
