"""Monitoring in the API (issue #18 item 5): scoped reads of frameworks, campaigns,
self-assessments (with evidence and automatic points), reviews and published levels."""

from __future__ import annotations

from edudx.monitoring import services

from .conftest import assessment_of, fill

API = "/api/v1/monitoring"


def test_principal_sees_only_their_schools_assessment(city, campaign, client_for):
    services.campaign_autoscore(actor=city.actor_of("dept_admin"), campaign=campaign)
    c = client_for("school_admin")
    own = assessment_of(campaign, city.schools[0])
    r = c.get(f"{API}/assessments/{own.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["school_id"] == city.schools[0].pk
    ii3 = next(e for e in body["entries"] if e["criterion"] == "II.3")
    auto = {p["subitem"]: p for p in ii3["automatic"]}
    assert auto["b"]["indicator"] == "registry.learner_personal_id_share"
    assert float(auto["b"]["points"]) == 6 and auto["b"]["formula"] and auto["b"]["as_of"]
    for other in city.schools[1:]:
        foreign = assessment_of(campaign, other)
        r = c.get(f"{API}/assessments/{foreign.pk}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    listed = c.get(f"{API}/campaigns/{campaign.pk}/assessments").json()["items"]
    assert [a["school_id"] for a in listed] == [city.schools[0].pk]


def test_ward_officer_sees_their_ward(city, campaign, client_for):
    c = client_for("ward_officer")
    ward = {s.pk for s in city.schools if s.unit.parent_id == city.wards[0].pk}
    listed = c.get(f"{API}/campaigns/{campaign.pk}/assessments").json()["items"]
    assert {a["school_id"] for a in listed} == ward and len(ward) == 2
    outside = next(s for s in city.schools if s.pk not in ward)
    assert c.get(f"{API}/assessments/{assessment_of(campaign, outside).pk}").status_code == 404
    assert c.get(f"{API}/assessments/{assessment_of(campaign, city.schools[0]).pk}").status_code == 200


def test_huge_and_foreign_ids_are_404_or_422(city, campaign, client_for):
    c = client_for("school_admin")
    assert c.get(f"{API}/assessments/999999999").status_code == 404
    assert c.get(f"{API}/campaigns/999999999").status_code == 404
    assert c.get(f"{API}/frameworks/999999999").status_code == 404
    assert c.get(f"{API}/assessments/99999999999999999999999").status_code in (404, 422)
    assert c.get(f"{API}/assessments/abc").status_code == 422
    assert c.get(f"{API}/campaigns?cursor=not-a-cursor").status_code in (400, 422)


def test_framework_carries_bands_and_honest_coverage(city, campaign, client_for):
    body = client_for("dept_officer").get(f"{API}/frameworks/{campaign.framework_id}").json()
    i7 = next(c for g in body["groups"] for c in g["criteria"] if c["code"] == "I.7")
    a_bands = [b for b in i7["scoring_bands"] if b["subitem"] == "a"]
    assert [float(b["points"]) for b in a_bands] == [0, 4, 8]
    assert float(body["coverage"]["points_total"]) == 190
    assert 50 <= body["coverage"]["share"] < 100
    assert "MN" not in body["levels"]


def test_reviews_and_published_levels(city, campaign, client_for):
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    a = assessment_of(campaign, city.schools[0])
    fill(school, a)
    services.assessment_submit(actor=school, assessment=a)
    ward = client_for("ward_officer")
    queue = ward.get(f"{API}/reviews").json()["items"]
    assert [q["id"] for q in queue] == [a.pk]
    assert client_for("school_admin").get(f"{API}/reviews").status_code == 403
    assert ward.get(f"{API}/campaigns/{campaign.pk}/levels").json() == []
    services.assessment_approve(actor=officer, assessment=a)
    services.assessment_publish(actor=officer, assessment=a)
    levels = ward.get(f"{API}/campaigns/{campaign.pk}/levels").json()
    assert {r["group"] for r in levels} == {"I", "II"}
    assert all(r["school_moet_code"] == city.schools[0].moet_code for r in levels)
    detail = ward.get(f"{API}/assessments/{a.pk}").json()
    assert detail["status"] == "published" and len(detail["results"]) == 2
