"""xAPI from the browser: content packages call the LRS from their own origin (CORS), with
the credential in the Authorization header — never a cookie. Both versions."""

from __future__ import annotations

from .conftest import stmt

ORIGIN = "https://noi-dung.example.vn"


def test_preflight_is_answered_without_credentials(client, version):
    resp = client.options(
        "/lrs/xapi/statements",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type,x-experience-api-version",
    )
    assert resp.status_code == 204
    assert resp["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    methods = {m.strip() for m in resp["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "HEAD", "PUT", "POST"} <= methods and "DELETE" not in methods
    allowed = {h.strip().lower() for h in resp["Access-Control-Allow-Headers"].split(",")}
    assert {
        "authorization",
        "content-type",
        "x-experience-api-version",
        "if-match",
        "if-none-match",
    } <= allowed
    assert int(resp["Access-Control-Max-Age"]) > 0


def test_preflight_of_a_document_resource_allows_delete(client):
    resp = client.options(
        "/lrs/xapi/activities/state", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE"
    )
    assert resp.status_code == 204
    assert "DELETE" in resp["Access-Control-Allow-Methods"]


def test_responses_let_the_page_read_the_xapi_headers(x):
    posted = x.post(stmt(), headers={"Origin": ORIGIN})
    assert posted.status_code == 200
    assert posted["Access-Control-Allow-Origin"] == "*"
    got = x.get({"statementId": posted.json()[0]}, headers={"Origin": ORIGIN})
    exposed = {h.strip().lower() for h in got["Access-Control-Expose-Headers"].split(",")}
    assert {
        "x-experience-api-version",
        "x-experience-api-consistent-through",
        "last-modified",
        "etag",
    } <= exposed
    assert got["Access-Control-Allow-Origin"] == "*"


def test_errors_are_readable_cross_origin_too(x):
    x.auth = "Basic bm9ib2R5Om5vdGhpbmc="  # nobody:nothing
    resp = x.get(headers={"Origin": ORIGIN})
    assert resp.status_code == 401
    assert resp["Access-Control-Allow-Origin"] == "*"


def test_about_is_readable_cross_origin(client):
    resp = client.get("/lrs/xapi/about", HTTP_ORIGIN=ORIGIN)
    assert resp.status_code == 200
    assert resp["Access-Control-Allow-Origin"] == "*"


def test_a_browser_session_still_does_not_authenticate_cross_origin(client_for, version):
    resp = client_for("dept_admin").get(
        "/lrs/xapi/statements", HTTP_ORIGIN=ORIGIN, HTTP_X_EXPERIENCE_API_VERSION=version
    )
    assert resp.status_code == 401


def test_about_answers_a_preflight(client):
    resp = client.options(
        "/lrs/xapi/about",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-experience-api-version",
    )
    assert resp.status_code == 204
    assert resp["Access-Control-Allow-Origin"] == "*"
    assert "x-experience-api-version" in resp["Access-Control-Allow-Headers"].lower()
