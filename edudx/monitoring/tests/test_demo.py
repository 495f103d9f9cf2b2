import datetime as dt

from edudx.core.demo import DemoContext
from edudx.monitoring import demo, selectors
from edudx.monitoring.models import Assessment, Campaign, GroupResult


def test_demo_builds_a_published_year_and_one_in_progress(city):
    demo.build(DemoContext(scale="small", today=dt.date(2026, 3, 16)))
    last = Campaign.objects.get(school_year="2024-2025", framework__code="4725")
    current = Campaign.objects.get(school_year="2025-2026", framework__code="4725")
    assert last.state == Campaign.State.PUBLISHED and current.state == Campaign.State.OPEN
    assert set(last.assessments.values_list("status", flat=True)) == {Assessment.Status.PUBLISHED}
    assert last.assessments.count() == current.assessments.count() == len(city.schools)
    # every published school has a level per group, from the group's own points
    results = GroupResult.objects.filter(assessment__campaign=last)
    assert results.count() == 2 * len(city.schools)
    for r in results.select_related("group"):
        expected = 0 if not r.mandatory_met else 3 if r.points > 75 else 2 if r.points >= 50 else 1
        assert r.level == expected
    assert current.framework.cloned_from == last.framework
    assert selectors.trends(scope=city.scope_of("dept_officer"))["years"][0] == "2024-2025"


def test_demo_shows_a_wards_authority_assessment_and_the_ranking(city, client_for):
    from django.urls import reverse

    demo.build(DemoContext(scale="small", today=dt.date(2026, 3, 16)))
    c = Campaign.objects.get(framework__code="3806")
    assert c.school_year == "2024-2025" and c.state == Campaign.State.REVIEW
    units = {a.authority_id: a for a in c.assessments.all()}
    assert set(units) == {city.dept.pk, *(w.pk for w in city.wards)}
    statuses = sorted(a.status for a in units.values())
    assert statuses.count(Assessment.Status.PUBLISHED) == len(units) - 1
    assert Assessment.Status.SUBMITTED in statuses  # one ward waits for the department's review
    ranking = selectors.authority_ranking(scope=city.scope_of("dept_officer"), campaign=c)
    ranked = [r for r in ranking if r["rank"] is not None]
    assert len(ranked) == len(units) - 1 and ranked[0]["rank"] == 1
    # the group on the schools managed was computed from last year's published school results
    assert any(r["groups"][1] > 0 for r in ranked)
    # a ward officer sees their own ward's assessment and row
    ward_a = units[city.wards[0].pk]
    client = client_for("ward_officer")
    assert (
        client.get(reverse("monitoring:assessment_detail", kwargs={"assessment_id": ward_a.pk})).status_code
        == 200
    )
    page = client.get(reverse("monitoring:ranking", kwargs={"campaign_id": c.pk})).content.decode()
    assert city.wards[0].name in page and city.wards[1].name not in page


def test_demo_status_mix_is_realistic_over_many_schools():
    import random

    rng = random.Random(1)
    picks = [demo._pick(rng, demo.IN_PROGRESS_MIX) for _ in range(2000)]
    shares = {s: picks.count(s) / len(picks) for s, _w in demo.IN_PROGRESS_MIX}
    assert all(share > 0.04 for share in shares.values())
    skills = [demo.maturity(rng, demo.SchoolRow(1, "", 1, "THCS", "cong_lap")) for _ in range(2000)]
    mean = sum(skills) / len(skills)
    assert 0.6 < mean < 0.78  # most schools at Level 2, a strong third at Level 3


def test_demo_evidence_links_most_filled_criteria(city):
    from edudx.monitoring.models import Evidence

    demo.build(DemoContext(scale="small", today=dt.date(2026, 3, 16)))
    links = Evidence.objects.filter(entry__assessment__campaign__school_year="2024-2025")
    assert links.exists() and set(links.values_list("kind", flat=True)) == {"link"}
