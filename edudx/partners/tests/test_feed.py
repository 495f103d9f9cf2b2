"""The change feed and the OneRoster delta: creations, updates, deletions, transfers and consent
withdrawals, each seen by an app only for its approved schools."""

from __future__ import annotations

import datetime as dt

import pytest

from edudx.core.actor import Actor
from edudx.partners import services
from edudx.partners.models import Change
from edudx.partners.oneroster.feed import latest_version
from edudx.registry import services as registry
from edudx.registry.schemas import StudentPatch

pytestmark = pytest.mark.django_db


def feed(partner, resource, **params):
    return partner.http.get(
        f"/partners/feed/v1/{resource}", params, HTTP_AUTHORIZATION=f"Bearer {partner.token}"
    )


def changes(partner, resource, after):
    r = feed(partner, resource, after=str(after))
    assert r.status_code == 200, r.content
    return r.json()


def test_triggers_log_every_write_per_school(city):
    pupil = city.students[0]
    start = latest_version()
    registry.student_update(
        actor=Actor.system(source="test"), student=pupil, data=StudentPatch(full_name="Lê Văn Tám")
    )
    rows = list(Change.objects.filter(id__gt=start).values_list("prefix", "object_id", "school_id"))
    assert ("s", pupil.pk, city.schools[0].pk) in rows


def test_feed_gives_updates_once_per_page_with_a_cursor(city, partner):
    start = latest_version()
    a = Actor.system(source="test")
    pupil = city.students[0]
    registry.student_update(actor=a, student=pupil, data=StudentPatch(full_name="Lê Văn Tám"))
    registry.student_update(actor=a, student=pupil, data=StudentPatch(full_name="Lê Văn Chín"))
    body = changes(partner, "users", start)
    mine = [c for c in body["changes"] if c["sourcedId"] == f"s{pupil.pk}"]
    assert len(mine) == 1 and mine[0]["givenName"] == "Chín" and mine[0]["status"] == "active"
    assert "identifier" not in mine[0]  # A1 rests on a public task: roster only
    assert int(body["cursor"]) >= mine[0]["version"] > start
    assert changes(partner, "users", body["cursor"])["changes"] == []


def test_foreign_schools_never_appear(city, partner):
    start = latest_version()
    a = Actor.system(source="test")
    foreign = city.students[6]  # B1: did not approve the app
    registry.student_update(actor=a, student=foreign, data=StudentPatch(full_name="Lê Văn Tám"))
    for resource in ("users", "enrollments", "classes", "orgs", "demographics"):
        text = feed(partner, resource, after=str(start)).content.decode()
        assert f's{foreign.pk}"' not in text and "Tám" not in text


def test_transfer_out_of_the_approved_schools_is_a_deletion_in_feed_and_delta(city, partner):
    a = Actor.system(source="test")
    pupil = city.students[1]  # A1 → B1 (B1 did not approve the app)
    before = partner.get(f"users/s{pupil.pk}").json()["user"]["dateLastModified"]
    start = latest_version()
    registry.enrolment_transfer(actor=a, student=pupil, to_class=city.classes[2], on=dt.date(2026, 1, 5))
    assert partner.get(f"users/s{pupil.pk}").status_code == 404
    got = {c["sourcedId"]: c for c in changes(partner, "users", start)["changes"]}
    assert got[f"s{pupil.pk}"] == {
        "version": got[f"s{pupil.pk}"]["version"],
        "sourcedId": f"s{pupil.pk}",
        "status": "tobedeleted",
        "dateLastModified": got[f"s{pupil.pk}"]["dateLastModified"],
    }
    enrol = {c["sourcedId"]: c["status"] for c in changes(partner, "enrollments", start)["changes"]}
    assert "tobedeleted" in enrol.values()
    delta = partner.get("users", filter=f"dateLastModified>'{before}'").json()["users"]
    gone = [u for u in delta if u["sourcedId"] == f"s{pupil.pk}"]
    assert gone == [
        {
            "sourcedId": f"s{pupil.pk}",
            "status": "tobedeleted",
            "dateLastModified": gone[0]["dateLastModified"],
        }
    ]
    students = partner.get("students", filter=f"dateLastModified>'{before}' AND status='tobedeleted'").json()
    assert f"s{pupil.pk}" in {u["sourcedId"] for u in students["users"]}


def test_consent_given_then_withdrawn_in_the_feed(city, partner):
    a = Actor.system(source="test")
    pupil, never = city.students[3], city.students[4]  # A2 rests on consent
    start = latest_version()
    registry.student_update(actor=a, student=never, data=StudentPatch(full_name="Lê Văn Tám"))
    for party in ("parent", "pupil"):
        services.consent_set(actor=a, app=partner.app, student=pupil, party=party, given=True)
    body = changes(partner, "users", start)
    sids = {c["sourcedId"]: c for c in body["changes"]}
    assert sids[f"s{pupil.pk}"]["status"] == "active"
    assert f"s{never.pk}" not in sids  # nobody answered for this pupil: never announced
    services.consent_set(actor=a, app=partner.app, student=pupil, party="pupil", given=False)
    after = changes(partner, "users", body["cursor"])["changes"]
    assert [(c["sourcedId"], c["status"]) for c in after] == [(f"s{pupil.pk}", "tobedeleted")]
    assert set(after[0]) == {"version", "sourcedId", "status", "dateLastModified"}


def test_bad_feed_input_is_a_400_never_a_500(partner):
    for params in (
        {"after": "-1"},
        {"after": "x"},
        {"after": "9" * 40},
        {"limit": "0"},
        {"limit": "99999"},
        {"after": "1\x00"},
    ):
        r = feed(partner, "users", **params)
        assert r.status_code == 400, (params, r.status_code)
        assert r.json()["imsx_codeMajor"] == "failure"
    assert feed(partner, "nothing").status_code == 404
    assert partner.http.get("/partners/feed/v1/users").status_code == 401


def test_paging_walks_every_change(city, partner):
    a = Actor.system(source="test")
    start = latest_version()
    for i, pupil in enumerate(city.students[0:3]):
        registry.student_update(actor=a, student=pupil, data=StudentPatch(full_name=f"Lê Văn T{'abc'[i]}"))
    seen, cursor, pages = set(), start, 0
    while True:
        body = feed(partner, "users", after=str(cursor), limit="1").json()
        seen |= {c["sourcedId"] for c in body["changes"]}
        cursor, pages = body["cursor"], pages + 1
        if not body["more"]:
            break
    assert {f"s{p.pk}" for p in city.students[0:3]} <= seen and pages >= 3
