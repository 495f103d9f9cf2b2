"""OneRoster 1.2 CSV bulk and delta zips: the manifest, the approved schools and profile fields
only, deletions in the delta."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest

from edudx.core.actor import Actor
from edudx.partners import services
from edudx.registry import services as registry

pytestmark = pytest.mark.django_db


def download(partner, mode, **params):
    r = partner.http.get(
        f"/partners/oneroster/csv/v1p2/{mode}.zip", params, HTTP_AUTHORIZATION=f"Bearer {partner.token}"
    )
    assert r.status_code == 200, r.content[:300]
    assert r.streaming and r["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    return {
        name[:-4]: list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8")))) for name in zf.namelist()
    }


def test_bulk_zip_has_the_manifest_and_only_approved_schools(city, partner):
    files = download(partner, "bulk")
    manifest = {row["propertyName"]: row["value"] for row in files["manifest"]}
    assert manifest["oneroster.version"] == "1.2" and manifest["manifest.version"] == "1.0"
    for name in (
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "roles",
        "enrollments",
        "demographics",
    ):
        assert manifest[f"file.{name}"] == "bulk" and name in files
    assert manifest["file.results"] == "absent"
    assert {r["sourcedId"] for r in files["orgs"]} == {f"org{city.schools[0].pk}", f"org{city.schools[1].pk}"}
    users = {r["sourcedId"]: r for r in files["users"]}
    assert set(users) >= {f"s{s.pk}" for s in city.students[0:3]}
    assert not {f"s{s.pk}" for s in city.students[3:]} & set(users)  # A2: no consent yet; B: never
    for row in files["users"]:
        assert row["status"] == "" and row["dateLastModified"] == ""  # bulk: empty
        assert row["userIds"] == ""  # a personal ID never flows
    for pupil in city.students[0:3]:  # A1 rests on a public task: the roster only
        row = users[f"s{pupil.pk}"]
        assert row["phone"] == "" and row["identifier"] == "" and row["givenName"]
    roles = {r["userSourcedId"]: r for r in files["roles"]}
    assert roles[f"s{city.students[0].pk}"]["role"] == "student"
    assert roles[f"s{city.students[0].pk}"]["orgSourcedId"] == f"org{city.schools[0].pk}"
    text = repr(files)
    for pupil in city.students:
        assert pupil.personal_id not in text
    for foreign in city.students[6:]:
        assert foreign.full_name.split()[-1] not in text


def test_delta_shows_withdrawals_and_transfers_as_deletions(city, partner):
    a = Actor.system(source="test")
    consented, moved = city.students[3], city.students[1]
    for party in ("parent", "pupil"):
        services.consent_set(actor=a, app=partner.app, student=consented, party=party, given=True)
    bulk = download(partner, "bulk")
    assert f"s{consented.pk}" in {r["sourcedId"] for r in bulk["users"]}
    since = dt.datetime.now(dt.UTC)
    services.consent_set(actor=a, app=partner.app, student=consented, party="parent", given=False)
    registry.enrolment_transfer(actor=a, student=moved, to_class=city.classes[2], on=dt.date(2026, 1, 5))
    files = download(partner, "delta", since=since.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    manifest = {row["propertyName"]: row["value"] for row in files["manifest"]}
    assert manifest["file.users"] == "delta"
    users = {r["sourcedId"]: r for r in files["users"]}
    assert users[f"s{consented.pk}"]["status"] == "tobedeleted"
    assert users[f"s{consented.pk}"]["givenName"] == ""  # a deletion carries nothing else
    assert users[f"s{moved.pk}"]["status"] == "tobedeleted"
    assert users[f"s{moved.pk}"]["dateLastModified"] > since.isoformat()[:19]
    assert f"s{city.students[0].pk}" not in users  # unchanged since


def test_bad_csv_input_is_a_400_never_a_500(partner):
    for params in ({}, {"since": "x"}, {"since": "2026-13-45"}, {"since": "2026\x00"}, {"since": "9" * 80}):
        r = partner.http.get(
            "/partners/oneroster/csv/v1p2/delta.zip", params, HTTP_AUTHORIZATION=f"Bearer {partner.token}"
        )
        assert r.status_code == 400, params
    assert partner.http.get("/partners/oneroster/csv/v1p2/bulk.zip").status_code == 401
