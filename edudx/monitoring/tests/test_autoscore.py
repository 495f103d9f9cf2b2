"""Evaluation that scores itself (issue #18 item 4): bands held as data give points per
sub-item, the self-assessment arrives pre-filled with their evidence, the school overrides with
a reason, coverage is counted per sub-item, and 4725 does not evaluate preschools."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edudx.core.errors import ValidationFailed
from edudx.core.history import entries_for
from edudx.monitoring import selectors, services
from edudx.monitoring.models import AutoPoint, Campaign, Criterion, ScoringBand, SubItem
from edudx.monitoring.schemas import EntryIn

from .conftest import assessment_of, open_campaign

D = Decimal


def test_bands_map_a_value_to_points():
    bands = [(D(0), D(0)), (D(50), D(4)), (D(80), D(8))]  # I.7a as shipped
    assert selectors.band_points(bands, D("49.9")) == 0
    assert selectors.band_points(bands, D(50)) == 4
    assert selectors.band_points(bands, D("79.99")) == 4
    assert selectors.band_points(bands, D(100)) == 8
    assert selectors.as_number(True) == 1 and selectors.as_number(False) == 0
    assert selectors.as_number(None) is None and selectors.as_number("n/a") is None


def test_shipped_bands_are_data_per_subitem(framework):
    i7a = ScoringBand.objects.filter(
        criterion__group__framework=framework, criterion__code="I.7", subitem_code="a"
    )
    assert i7a.count() == 3 and set(i7a.values_list("indicator_code", flat=True)) == {
        "infrastructure.presentation_share"
    }
    assert sorted(i7a.values_list("points", flat=True)) == [0, 4, 8]
    assert "MN" not in framework.levels and {"TH", "THCS", "THPT", "GDTX"} <= set(framework.levels)


def test_self_assessment_arrives_prefilled_with_points_and_evidence(city, campaign):
    officer = city.actor_of("dept_admin")
    assert services.campaign_autoscore(actor=officer, campaign=campaign) == 4
    a = assessment_of(campaign, city.schools[0])
    e = a.entries.get(criterion__code="II.3")
    autos = {p.key: p for p in e.auto_points.all()}
    # every pupil of the test city has a personal ID and a MOET code; one teacher per school
    assert autos["b"].value == 100 and autos["b"].points == 6
    assert autos["h"].value == 100 and autos["h"].points == 6
    assert autos["d"].value == 1 and autos["d"].points == 6
    for p in autos.values():
        assert p.indicator_code and p.formula and p.source and p.as_of is not None
    assert e.sub_points["b"] == "6.00" and e.sub_points["d"] == "6.00" and e.sub_points["h"] == "6.00"
    assert e.points == D(18)
    assert "assessment_autoscore" in [h.operation for h in entries_for(a)]
    # the page shows the automatic points with their evidence
    by_criterion = selectors.assessment_auto_points(a)
    assert {p.key for p in by_criterion[e.criterion_id]} >= {"b", "d", "h"}


def test_override_needs_a_reason_and_is_in_history(city, campaign):
    school = city.actor_of("school_admin")
    services.campaign_autoscore(actor=city.actor_of("dept_admin"), campaign=campaign)
    a = assessment_of(campaign, city.schools[0])
    e = a.entries.get(criterion__code="II.3")
    changed = {**e.sub_points, "b": "3"}
    with pytest.raises(ValidationFailed) as exc:
        services.entry_save(actor=school, entry=e, data=EntryIn(sub_points=changed), version=e.version)
    assert [d.code for d in exc.value.details] == ["override_reason_required"]
    e.refresh_from_db()
    assert e.sub_points["b"] == "6.00"  # nothing saved
    # accepting the automatic points needs no reason
    services.entry_save(actor=school, entry=e, data=EntryIn(sub_points=dict(e.sub_points)), version=e.version)
    e.refresh_from_db()
    reason = "Phần mềm quản lý học sinh mới dùng từ học kỳ II"
    services.entry_save(
        actor=school, entry=e, data=EntryIn(sub_points=changed, override_reason=reason), version=e.version
    )
    e.refresh_from_db()
    assert e.sub_points["b"] == "3.00" and e.override_reason == reason
    saved = [h for h in entries_for(e) if h.operation == "entry_save"]
    assert any((h.changes or {}).get("override_reason", [None, None])[1] == reason for h in saved)
    # a refresh keeps what the school changed
    services.assessment_autoscore(actor=school, assessment=a)
    e.refresh_from_db()
    assert e.sub_points["b"] == "3.00" and e.auto_points.get(key="b").points == 6


def test_preschools_are_not_assessed_by_4725(city, framework, today):
    from edudx.registry.models import School

    School.objects.filter(pk=city.schools[1].pk).update(level="MN")
    c = open_campaign(city, framework)
    schools = set(c.assessments.values_list("school_id", flat=True))
    assert city.schools[1].pk not in schools and city.schools[0].pk in schools


def test_coverage_is_counted_per_subitem_from_the_bands(city, campaign, framework):
    cov = selectors.scoring_coverage(framework)
    expected = D(0)
    for crit_id, key in set(
        ScoringBand.objects.filter(criterion__group__framework=framework).values_list(
            "criterion_id", "subitem_code"
        )
    ):
        expected += (
            SubItem.objects.get(criterion_id=crit_id, code=key).max_points
            if key
            else Criterion.objects.get(pk=crit_id).max_points
        )
    assert cov["points"] == expected and cov["points_total"] == 190
    # one band set fewer: the figure follows the data (I.7a is 8 of I.7's 20 points)
    ScoringBand.objects.filter(
        criterion__group__framework=framework, criterion__code="I.7", subitem_code="a"
    ).delete()
    assert selectors.scoring_coverage(framework)["points"] == expected - 8
    # per school: only sub-items whose indicator has a figure for it count
    per = selectors.school_coverage(framework, [city.schools[0].pk])[city.schools[0].pk]
    assert D(0) < per["filled"] <= expected - 8


def test_campaign_page_shows_the_honest_coverage(city, campaign, client_for):
    services.campaign_autoscore(actor=city.actor_of("dept_admin"), campaign=campaign)
    body = client_for("dept_officer").get(f"/monitoring/campaigns/{campaign.pk}/").content.decode()
    cov = selectors.scoring_coverage(campaign.framework)
    assert 'data-testid="auto-coverage"' in body
    points = format(cov["points"].normalize(), "f")  # 105 as shipped
    assert f"Chấm tự động: {points}/190 điểm" in body
    assert "140/190" not in body


def test_clone_keeps_bands_and_levels(city, framework):
    clone = services.framework_clone(actor=city.actor_of("dept_admin"), framework=framework, year=2027)
    assert clone.levels == framework.levels
    assert selectors.scoring_coverage(clone)["points"] == selectors.scoring_coverage(framework)["points"]


def test_autoscore_only_while_open(city, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.REVIEW)
    campaign.refresh_from_db()
    with pytest.raises(services.Locked):
        services.campaign_autoscore(actor=city.actor_of("dept_admin"), campaign=campaign)
    assert not AutoPoint.objects.exists()


def test_school_updates_its_automatic_points_from_the_page(city, campaign, client_for):
    services.campaign_autoscore(actor=city.actor_of("dept_admin"), campaign=campaign)
    a = assessment_of(campaign, city.schools[0])
    c = client_for("school_admin")
    page = c.get(f"/monitoring/assessments/{a.pk}/").content.decode()
    assert 'data-testid="auto-points"' in page and 'name="override_reason"' in page
    assert "registry.learner_personal_id_share" in page
    AutoPoint.objects.all().delete()
    r = c.post(f"/monitoring/assessments/{a.pk}/autoscore/")
    assert r.status_code == 302 and AutoPoint.objects.filter(entry__assessment=a).exists()
    # another school's self-assessment is not theirs to score
    other = assessment_of(campaign, city.schools[2])
    assert c.post(f"/monitoring/assessments/{other.pk}/autoscore/").status_code == 404
    assert not AutoPoint.objects.filter(entry__assessment=other).exists()


def test_outsider_points_are_refused_not_a_500(city, campaign, client_for):
    a = assessment_of(campaign, city.schools[0])
    services.assessment_ensure_entries(a)
    e = a.entries.get(criterion__code="I.4")
    c = client_for("school_admin")
    save = f"/monitoring/assessments/{a.pk}/criteria/{e.criterion_id}/save/"
    for junk in ("1e999999", "-1e999999", "NaN", "Infinity", "9" * 5000, "0x10"):
        r = c.post(save, {"points": junk, "version": str(e.version)}, HTTP_HX_REQUEST="true")
        assert r.status_code == 200 and 'data-testid="entry-error"' in r.content.decode(), junk
    r = c.post(save, {"points": "5", "override_reason": "x" * 100_000, "version": str(e.version)})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.points == 5 and len(e.override_reason) == 2000
