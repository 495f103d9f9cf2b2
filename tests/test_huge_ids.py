"""A number larger than the database's 64-bit integers, wherever an id is read: a 422 in the
API, an ignored filter in an HTML list — never a 500 (it used to reach SQLite's driver:
OverflowError)."""

from __future__ import annotations

import pytest

HUGE = "99999999999999999999"
ID_PARAMS = ("school", "school_class", "year", "area", "grouping", "room", "within", "school_id")
ALL_IDS = "&".join(f"{name}={HUGE}" for name in ID_PARAMS)

pytestmark = pytest.mark.django_db

HTML_LISTS = [
    "/registry/schools/",
    "/registry/schools/export/",
    "/registry/classes/",
    "/registry/classes/export/",
    "/registry/students/",
    "/registry/students/export/",
    "/registry/staff/",
    "/registry/staff/export/",
    "/registry/classes/new/",
    "/infrastructure/",
    "/infrastructure/devices/",
    "/infrastructure/gaps/",
    "/library/",
    "/library/search/",
    "/library/collections/",
    "/identity/",
    "/identity/problems.csv",
    "/orgs/",
    "/orgs/groupings/",
    "/ingest/",
    "/monitoring/",
]


@pytest.mark.parametrize("url", HTML_LISTS)
def test_html_lists_ignore_an_id_beyond_64_bits(city, client_for, url):
    resp = client_for("dept_admin").get(f"{url}?{ALL_IDS}")
    assert resp.status_code == 200, (url, resp.status_code)


def test_html_student_list_shows_the_list_unfiltered(city, client_for):
    resp = client_for("dept_admin").get(f"/registry/students/?school={HUGE}")
    assert resp.status_code == 200
    assert city.students[0].full_name in resp.content.decode()


API_LISTS = [
    ("/api/v1/registry/students", "school"),
    ("/api/v1/registry/students", "school_class"),
    ("/api/v1/registry/staff", "school"),
    ("/api/v1/registry/classes", "year"),
    ("/api/v1/registry/schools", "area"),
    ("/api/v1/registry/schools", "grouping"),
    ("/api/v1/infrastructure/devices", "school"),
    ("/api/v1/infrastructure/devices", "room"),
    ("/api/v1/infrastructure/readiness", "area"),
    ("/api/v1/infrastructure/readiness", "grouping"),
    ("/api/v1/library/resources", "school"),
    ("/api/v1/orgs/units", "within"),
    ("/api/v1/identity/counts", "school_id"),
]


@pytest.mark.parametrize(("url", "param"), API_LISTS)
def test_api_lists_refuse_an_id_beyond_64_bits_with_422(city, client_for, url, param):
    resp = client_for("dept_admin").get(f"{url}?{param}={HUGE}")
    assert resp.status_code == 422, (url, resp.status_code)
    error = resp.json()["error"]
    assert error["code"] == "invalid_request"
    assert [d["field"] for d in error["details"]] == [param]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/registry/students/{}",
        "/api/v1/registry/schools/{}/history",
        "/api/v1/infrastructure/devices/{}",
        "/api/v1/library/resources/{}",
        "/api/v1/orgs/units/{}",
        "/api/v1/ingest/runs/{}",
        "/api/v1/identity/students/{}",
    ],
)
def test_api_paths_refuse_an_id_beyond_64_bits_with_422(city, client_for, url):
    resp = client_for("dept_admin").get(url.format(HUGE))
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "invalid_request"


def test_api_body_with_an_id_beyond_64_bits_is_a_422(city, client_for):
    resp = client_for("dept_admin").post(
        "/api/v1/identity/verify", {"kind": "student", "ids": [int(HUGE)]}, content_type="application/json"
    )
    assert resp.status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "/registry/students/{}/",
        "/registry/schools/{}/",
        "/registry/classes/{}/",
        "/registry/staff/{}/",
        "/infrastructure/devices/{}/",
        "/library/{}/",
        "/library/collections/{}/",
        "/ingest/runs/{}/",
    ],
)
def test_html_pages_of_an_id_beyond_64_bits_are_not_found(city, client_for, url):
    assert client_for("dept_admin").get(url.format(HUGE)).status_code == 404
