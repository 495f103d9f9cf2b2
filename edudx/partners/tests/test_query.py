"""OneRoster sort (names in Vietnamese order), filter with every operator of the spec, and junk
parameters: always the spec's status-info body, never a 500."""

from __future__ import annotations

import jsonschema
import pytest

from edudx.core.actor import Actor
from edudx.partners.oneroster.documents import json_schema
from edudx.registry import services as registry
from edudx.registry.schemas import StudentPatch

pytestmark = pytest.mark.django_db
NAMES = ("Lê Văn Dũng", "Phạm Thị Ánh", "Trần Đức")  # given: Dũng, Ánh, Đức


@pytest.fixture
def named(city, partner):
    a = Actor.system(source="test")
    for pupil, name in zip(city.students[0:3], NAMES, strict=True):  # A1: public task
        registry.student_update(actor=a, student=pupil, data=StudentPatch(full_name=name))
    return partner


def _names(partner, **params):
    r = partner.get("students", limit="10", **params)
    assert r.status_code == 200, r.content
    return [
        f"{u['familyName']} {u['givenName']}" for u in r.json()["users"] if u["familyName"] in "LêPhạmTrần"
    ]


def test_sort_on_names_follows_vietnamese_order(named):
    # Vietnamese order: Ánh < Dũng < Đức (code points would put D before Á, Đ after both).
    assert _names(named, sort="givenName") == ["Phạm Ánh", "Lê Dũng", "Trần Đức"]
    assert _names(named, sort="givenName", orderBy="desc") == ["Trần Đức", "Lê Dũng", "Phạm Ánh"]
    assert _names(named, sort="familyName") == ["Lê Dũng", "Phạm Ánh", "Trần Đức"]
    for field in ("sourcedId", "dateLastModified", "status", "role"):
        assert named.get("users", sort=field).status_code == 200, field
    # username holds the MOET code, which a public-task school keeps back from this app.
    assert named.get("users", sort="username").status_code == 400
    assert named.get("orgs", sort="name").status_code == 200
    assert named.get("classes", sort="title").status_code == 200
    assert named.get("academicSessions", sort="startDate").status_code == 200
    assert named.get("academicSessions", sort="nothing").json()["imsx_CodeMinor"]["imsx_codeMinorField"][0][
        "imsx_codeMinorFieldValue"
    ] == ("invalid_selection_field")


def test_filter_with_every_operator(named, city):
    sids = {f"s{p.pk}" for p in city.students[0:3]}

    def got(expr):
        r = named.get("students", filter=expr, limit="50")
        assert r.status_code == 200, (expr, r.content)
        return {u["sourcedId"] for u in r.json()["users"]} & sids

    dung, anh, duc = (f"s{p.pk}" for p in city.students[0:3])
    assert got("givenName='Dũng'") == {dung}
    assert got("givenName!='Dũng'") == {anh, duc}
    assert got("familyName~'ạ'") == {anh}
    assert got("familyName>'Lê'") == {anh, duc}
    assert got("familyName>='Phạm'") == {anh, duc}
    assert got("familyName<'Phạm'") == {dung}
    assert got("familyName<='Phạm'") == {dung, anh}
    assert got("givenName='Dũng' OR givenName='Đức'") == {dung, duc}
    assert got("givenName='Dũng' AND familyName='Trần'") == set()
    assert got("dateLastModified>'2000-01-01T00:00:00Z'") == sids


@pytest.mark.parametrize(
    "params",
    [
        {"filter": "x"},
        {"filter": "givenName='a"},
        {"filter": "nothing='a'"},
        {"filter": "givenName=='a'"},
        {"filter": "givenName='a' AND familyName='b' OR status='active'"},
        {"filter": "givenName='" + "a" * 10_000 + "'"},
        {"filter": "givenName='a\x00'"},
        {"filter": "dateLastModified>'2026-13-45'"},
        {"filter": "dateLastModified>'yesterday'"},
        {"filter": " AND ".join(["status='active'"] * 9)},
        {"sort": "nothing"},
        {"sort": "password"},
        {"sort": "a" * 10_000},
        {"sort": "givenName", "orderBy": "sideways"},
        {"fields": "givenName,,status"},
        {"fields": "nothing"},
        {"limit": "0"},
        {"limit": "x"},
        {"offset": "-1"},
        {"offset": "9" * 40},
    ],
)
def test_junk_parameters_are_a_400_in_the_spec_format(partner, params):
    for collection in ("users", "students", "classes", "orgs", "enrollments", "academicSessions"):
        r = partner.get(collection, **params)
        assert r.status_code == 400, (collection, params, r.status_code)
        body = r.json()
        jsonschema.validate(body, json_schema("status"))
        assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
        assert body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] in (
            "invalid_filter_field",
            "invalid_selection_field",
            "invaliddata",
        )


def test_an_app_without_identifiers_gets_no_moet_code_in_username_nor_filters_on_it(city):
    from .conftest import make_partner

    roster_only = make_partner(city, name="Lớp học Thử", categories=("roster",))
    users = roster_only.get("students", limit="50").json()["users"]
    codes = {p.moet_code for p in city.students if p.moet_code}
    assert users and all(u["username"] == u["sourcedId"] for u in users)
    assert not codes & {u["username"] for u in users}
    code = next(iter(codes))
    r = roster_only.get("students", filter=f"username='{code}'")
    assert r.status_code == 400
    # Per school: where the app receives the identifier, the username is the MOET code; where
    # the school keeps it back (public task), the username is the sourcedId.
    for u in make_partner(city).get("students", limit="50").json()["users"]:
        assert u["username"] == (u.get("identifier") or u["sourcedId"]), u
