"""A school leaving an app's view (approval revoked, app suspended) is a deletion of every record
the app saw there — in the feed, the OneRoster delta and the CSV delta; entering it again (approval
given again, app approved again) brings them back as records; a narrowed profile sends them again
cut. Each from the app's own change rows (services.announce), never a scan of the registry."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from edudx.core.actor import Actor
from edudx.partners import services
from edudx.partners.models import Change, SchoolApp
from edudx.partners.oneroster.feed import latest_version
from edudx.partners.schemas import AppIn

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(source="test")


def changes(partner, resource, after):
    got, cursor = [], str(after)
    while True:  # every page, as a partner syncs
        r = partner.http.get(
            f"/partners/feed/v1/{resource}",
            {"after": cursor, "limit": "2"},
            HTTP_AUTHORIZATION=f"Bearer {partner.token}",
        )
        assert r.status_code == 200, r.content
        body = r.json()
        got += body["changes"]
        cursor = body["cursor"]
        if not body["more"]:
            return got


def school_records(city, k):
    pupils = city.students[3 * k : 3 * k + 3]
    return {
        "orgs": {f"org{city.schools[k].pk}"},
        "classes": {f"cl{city.classes[k].pk}"},
        "users": {f"s{p.pk}" for p in pupils} | {f"st{city.staff[k].pk}"},
        "enrollments": {f"e{p.enrolments.get().pk}" for p in pupils},
    }


def test_revoked_school_is_exactly_its_records_as_deletions_then_back_on_approval(city, partner):
    a1 = SchoolApp.objects.get(app=partner.app, school=city.schools[0])
    since = timezone.now() - dt.timedelta(milliseconds=1)
    start = latest_version()
    services.use_revoke(actor=SYSTEM, use=a1)
    expected = school_records(city, 0)
    for resource, sids in expected.items():
        got = changes(partner, resource, start)
        assert {c["sourcedId"] for c in got} == sids, resource
        for c in got:
            assert set(c) == {"version", "sourcedId", "status", "dateLastModified"}
            assert c["status"] == "tobedeleted"
    # The OneRoster delta says the same: every A1 person and enrolment, nothing else.
    delta = partner.get("users", filter=f"dateLastModified>'{since:%Y-%m-%dT%H:%M:%S.%fZ}'", limit="50")
    assert {u["sourcedId"]: u["status"] for u in delta.json()["users"]} == dict.fromkeys(
        expected["users"], "tobedeleted"
    )
    orgs = partner.get("orgs", filter=f"dateLastModified>'{since:%Y-%m-%dT%H:%M:%S.%fZ}'").json()["orgs"]
    assert [(o["sourcedId"], o["status"]) for o in orgs] == [(f"org{city.schools[0].pk}", "tobedeleted")]
    # Approved again: the same records come back, whole, as they are.
    again = latest_version()
    services.use_request(actor=SYSTEM, app=partner.app, school=city.schools[0], legal_basis="public_task")
    services.use_decide(actor=SYSTEM, use=a1, approve=True)
    for resource, sids in expected.items():
        got = changes(partner, resource, again)
        assert {c["sourcedId"] for c in got} == sids, resource
        assert {c["status"] for c in got} == {"active"}, resource
    back = [c for c in changes(partner, "users", again) if c["sourcedId"] == f"s{city.students[0].pk}"]
    assert back[0]["givenName"] and back[0]["roles"][0]["role"] == "student"


def test_a_consent_school_revoked_names_only_the_pupils_the_app_received(city, partner):
    sent, never = city.students[3], city.students[4]  # A2 rests on consent
    for party in ("parent", "pupil"):
        services.consent_set(actor=SYSTEM, app=partner.app, student=sent, party=party, given=True)
    start = latest_version()
    services.use_revoke(actor=SYSTEM, use=SchoolApp.objects.get(app=partner.app, school=city.schools[1]))
    users = {c["sourcedId"]: c["status"] for c in changes(partner, "users", start)}
    assert users == {f"s{sent.pk}": "tobedeleted", f"st{city.staff[1].pk}": "tobedeleted"}
    assert f"s{never.pk}" not in users


def test_suspended_app_reads_only_its_deletions_and_approval_brings_all_back(city, partner):
    start = latest_version()
    services.app_move(actor=SYSTEM, app=partner.app, move="suspend")
    assert partner.get("users").json()["users"] == []  # nothing flows
    assert partner.get(f"users/s{city.students[0].pk}").status_code == 404
    a1 = school_records(city, 0)
    got = changes(partner, "users", start)
    assert {c["status"] for c in got} == {"tobedeleted"}
    assert {c["sourcedId"] for c in got} == a1["users"] | {f"st{city.staff[1].pk}"}  # A2: no consent yet
    # A CSV delta since before the suspension lists them as deletions too.
    since = (timezone.now() - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = partner.http.get(
        "/partners/oneroster/csv/v1p2/delta.zip",
        {"since": since},
        HTTP_AUTHORIZATION=f"Bearer {partner.token}",
    )
    assert r.status_code == 200
    users_csv = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content))).read("users.csv").decode()
    assert f"s{city.students[0].pk}," in users_csv and "tobedeleted" in users_csv
    back = latest_version()
    services.app_move(actor=SYSTEM, app=partner.app, move="approve")
    again = changes(partner, "users", back)
    assert {c["sourcedId"] for c in again} == a1["users"] | {f"st{city.staff[1].pk}"}
    assert {c["status"] for c in again} == {"active"}


def test_narrowed_profile_sends_every_record_again_cut(city):
    from edudx.partners.tests.conftest import make_partner

    p = make_partner(city, schools=((1, "consent"),), categories=("roster", "identifiers", "birth"))
    pupil = city.students[3]
    for party in ("parent", "pupil"):
        services.consent_set(actor=SYSTEM, app=p.app, student=pupil, party=party, given=True)
    assert "identifier" in p.get(f"users/s{pupil.pk}").json()["user"]
    start = latest_version()
    services.app_update(
        actor=SYSTEM, app=p.app, data=AppIn(name=p.app.name, kind=p.app.kind, categories=["roster", "birth"])
    )
    got = {c["sourcedId"]: c for c in changes(p, "users", start)}
    assert got[f"s{pupil.pk}"]["status"] == "active" and "identifier" not in got[f"s{pupil.pk}"]
    assert Change.objects.filter(id__gt=start, app_id=p.app.pk).exists()


def test_other_apps_never_hear_of_another_apps_departure(city, partner):
    from edudx.partners.tests.conftest import make_partner

    other = make_partner(city, schools=((0, "public_task"),), name="Ứng dụng Khác")
    start = latest_version()
    services.use_revoke(actor=SYSTEM, use=SchoolApp.objects.get(app=partner.app, school=city.schools[0]))
    assert changes(other, "users", start) == []
