"""The accounts API: who am I, tokens, and the two ways to authenticate."""

from __future__ import annotations

import pytest
from django.test import Client

from edudx.accounts import services
from edudx.accounts.models import ApiToken
from edudx.core.roles import Role

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_me_reports_roles_and_a_scope_summary(city, client_for):
    body = client_for(Role.WARD_OFFICER).get("/api/v1/accounts/me").json()
    assert body["username"] == city.users[Role.WARD_OFFICER].username
    assert [(r["role"], r["unit_id"]) for r in body["roles"]] == [("ward_officer", city.wards[0].pk)]
    assert "registry.view_people" in body["scope"]["permissions"]
    assert "registry.change" not in body["scope"]["permissions"]
    assert body["scope"]["unit_ids"] == [city.wards[0].pk]


def test_token_create_shows_the_key_once_then_lists_without_it(city, client_for):
    c = client_for(Role.TEACHER)
    created = c.post("/api/v1/accounts/tokens", {"name": "script"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    listed = c.get("/api/v1/accounts/tokens").json()
    assert [t["name"] for t in listed["items"]] == ["script"]
    assert "key" not in listed["items"][0]
    assert key not in c.get("/api/v1/accounts/tokens").content.decode()


def test_a_bearer_token_authenticates_with_the_users_scope_and_needs_no_csrf(city):
    _token, key = services.token_create(
        actor=city.actor_of(Role.TEACHER), user=city.users[Role.TEACHER], name="t"
    )
    c = Client(enforce_csrf_checks=True)
    me = c.get("/api/v1/accounts/me", **_bearer(key))
    assert me.status_code == 200 and me.json()["username"] == city.users[Role.TEACHER].username
    schools = c.get("/api/v1/registry/schools", **_bearer(key)).json()["items"]
    assert [s["id"] for s in schools] == [city.schools[0].pk]
    made = c.post(
        "/api/v1/accounts/tokens", {"name": "by token"}, content_type="application/json", **_bearer(key)
    )
    assert made.status_code == 201


def test_a_revoked_token_is_refused_with_the_error_body(city):
    token, key = services.token_create(
        actor=city.actor_of(Role.TEACHER), user=city.users[Role.TEACHER], name="t"
    )
    c = Client()
    assert c.delete(f"/api/v1/accounts/tokens/{token.pk}", **_bearer(key)).status_code == 204
    refused = c.get("/api/v1/accounts/me", **_bearer(key))
    assert refused.status_code == 401
    error = refused.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "not_authenticated" and error["message"] and error["details"] == []


def test_session_writes_need_the_csrf_token(city):
    c = Client(enforce_csrf_checks=True)
    c.force_login(city.users[Role.TEACHER])
    refused = c.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()
    c.get("/accounts/tokens/")  # any page sets the CSRF cookie
    token = c.cookies["edudx_csrf"].value
    ok = c.post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 201


def test_session_reads_need_no_csrf_token(city):
    c = Client(enforce_csrf_checks=True)
    c.force_login(city.users[Role.TEACHER])
    assert c.get("/api/v1/accounts/me").status_code == 200


def test_another_users_token_cannot_be_revoked(city, client_for):
    token, _key = services.token_create(
        actor=city.actor_of(Role.VIEWER), user=city.users[Role.VIEWER], name="v"
    )
    response = client_for(Role.DEPT_ADMIN).delete(f"/api/v1/accounts/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_bad_body_gets_field_errors_in_the_one_shape(client_for):
    response = client_for(Role.TEACHER).post(
        "/api/v1/accounts/tokens", {"name": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["field"] == "name"
    assert set(error["details"][0]) == {"field", "code", "message"}
