"""Credentials (services and the officer's screen), the Python API, analytics, demo."""

import base64

import pytest

from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.lrs import selectors, services
from edudx.lrs.models import Credential, Statement

from .conftest import stmt


def _basic(key, secret):
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def _call(client, key, secret):
    return client.get(
        "/lrs/xapi/statements", HTTP_AUTHORIZATION=_basic(key, secret), HTTP_X_EXPERIENCE_API_VERSION="2.0.0"
    )


def test_issue_stores_only_a_hash_of_the_secret(city):
    cred, secret = services.credential_issue(
        actor=city.actor_of("school_admin"), unit=city.schools[0].unit, name="Quizizz"
    )
    assert secret not in Credential.objects.get(pk=cred.pk).secret_hash
    assert cred.authority["account"]["name"] == cred.key


def test_school_admin_cannot_issue_a_key_for_another_school(city):
    with pytest.raises(PermissionDenied):
        services.credential_issue(actor=city.actor_of("school_admin"), unit=city.schools[2].unit, name="x")


@pytest.mark.parametrize("role", ["teacher", "student", "viewer", "ward_officer", "cluster_lead"])
def test_roles_without_manage_credentials_cannot_issue(city, role):
    with pytest.raises(PermissionDenied):
        services.credential_issue(actor=city.actor_of(role), unit=city.schools[0].unit, name="x")


def test_rotate_replaces_the_secret(city, client):
    cred, old = services.credential_issue(actor=city.actor_of("dept_admin"), unit=city.dept, name="App")
    assert _call(client, cred.key, old).status_code == 200
    new = services.credential_rotate(actor=city.actor_of("dept_admin"), credential=cred)
    assert _call(client, cred.key, old).status_code == 401
    assert _call(client, cred.key, new).status_code == 200


def test_revoked_key_no_longer_authenticates(city, client):
    cred, secret = services.credential_issue(actor=city.actor_of("dept_admin"), unit=city.dept, name="App")
    services.credential_revoke(actor=city.actor_of("dept_admin"), credential=cred)
    assert _call(client, cred.key, secret).status_code == 401
    with pytest.raises(ValidationFailed):
        services.credential_rotate(actor=city.actor_of("dept_admin"), credential=cred)


def test_statements_record_the_credential_and_unit_that_wrote_them(city, client):
    cred, secret = services.credential_issue(
        actor=city.actor_of("dept_admin"), unit=city.schools[1].unit, name="App"
    )
    client.post(
        "/lrs/xapi/statements",
        data=__import__("json").dumps(stmt()),
        content_type="application/json",
        HTTP_AUTHORIZATION=_basic(cred.key, secret),
        HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
    )
    row = Statement.objects.get()
    assert row.credential_id == cred.pk
    assert row.unit_path == city.schools[1].unit.path


def test_credential_screen_shows_the_secret_once(city, client_for):
    c = client_for("school_admin")
    resp = c.post(
        "/lrs/credentials/new/",
        {"name": "Ứng dụng Toán", "unit": city.schools[0].unit.pk, "can_read": "on", "can_write": "on"},
    )
    assert resp.status_code == 200
    cred = Credential.objects.get(name="Ứng dụng Toán")
    secret = resp.context["secret"]
    assert secret and secret.encode() in resp.content
    again = c.get(f"/lrs/credentials/{cred.pk}/")
    assert secret.encode() not in again.content


def test_credential_screen_rotate_and_revoke(city, client_for):
    cred, _s = services.credential_issue(
        actor=city.actor_of("school_admin"), unit=city.schools[0].unit, name="App"
    )
    c = client_for("school_admin")
    assert c.post(f"/lrs/credentials/{cred.pk}/rotate/").context["secret"]
    assert c.post(f"/lrs/credentials/{cred.pk}/revoke/").status_code == 302
    cred.refresh_from_db()
    assert not cred.is_active


def test_credential_list_shows_only_keys_in_scope(city, client_for):
    services.credential_issue(actor=city.actor_of("dept_admin"), unit=city.schools[0].unit, name="Khoá A1")
    services.credential_issue(actor=city.actor_of("dept_admin"), unit=city.schools[2].unit, name="Khoá B1")
    body = client_for("school_admin").get("/lrs/credentials/").content.decode()
    assert "Khoá A1" in body and "Khoá B1" not in body


def test_credential_of_another_school_is_not_found(city, client_for):
    cred, _s = services.credential_issue(
        actor=city.actor_of("dept_admin"), unit=city.schools[2].unit, name="B1"
    )
    assert client_for("school_admin").get(f"/lrs/credentials/{cred.pk}/").status_code == 404


def test_teacher_cannot_open_the_credential_screen(city, client_for):
    assert client_for("teacher").get("/lrs/credentials/").status_code == 403


def test_statement_record_python_api_validates_and_stores(city):
    sid = services.statement_record(
        actor=city.actor_of("teacher"), statement=stmt(), unit=city.schools[0].unit
    )
    assert Statement.objects.filter(statement_id=sid, unit_path=city.schools[0].unit.path).exists()
    with pytest.raises(ValidationFailed):
        services.statement_record(
            actor=city.actor_of("teacher"), statement={"actor": {}}, unit=city.schools[0].unit
        )


def test_summary_counts_learners_and_completions_in_scope(city):
    a1, b1 = city.schools[0].unit, city.schools[2].unit
    services.statement_record(actor=city.actor_of("teacher"), statement=stmt(), unit=a1)
    services.statement_record(
        actor=city.actor_of("teacher"), statement=stmt(actor={"mbox": "mailto:b@x.vn"}), unit=a1
    )
    services.statement_record(actor=city.actor_of("teacher"), statement=stmt(), unit=b1)
    services.analytics_refresh()
    totals = selectors.statement_summary(scope=city.scope_of("school_admin"))["totals"]
    picked = {k: totals[k] for k in ("statements", "learners", "activities", "completions")}
    assert picked == {"statements": 2, "learners": 2, "activities": 1, "completions": 2}
    assert selectors.statement_summary(scope=city.scope_of("dept_admin"))["totals"]["statements"] == 3


def test_dashboard_page_renders_for_an_officer(city, client_for):
    services.statement_record(actor=city.actor_of("teacher"), statement=stmt(), unit=city.schools[0].unit)
    resp = client_for("dept_officer").get("/lrs/dashboard/")
    assert resp.status_code == 200
    assert resp.context["summary"]["totals"]["learners"] == 1


def test_active_learners_indicator_counts_per_school(city):
    from edudx.lrs.indicators import active_learners_30d

    services.statement_record(actor=city.actor_of("teacher"), statement=stmt(), unit=city.schools[0].unit)
    values = active_learners_30d([city.schools[0].pk, city.schools[2].pk])
    assert values == {city.schools[0].pk: 1, city.schools[2].pk: 0}


def test_matrix_provider_gives_a_b1_credential(city):
    from edudx.lrs.tests.matrix import providers

    pk, marker = providers(city)["credential_id"]
    assert Credential.objects.get(pk=pk).unit_id == city.schools[2].unit.pk
    assert marker.startswith("lrs_")


def test_demo_builds_keys_and_statements(city):
    from edudx.core.demo import DemoContext
    from edudx.lrs import demo

    demo.build(DemoContext(scale="small"))
    assert Credential.objects.count() == 4
    assert Statement.objects.count() > 100


def test_oauth2_token_endpoint_refuses_an_unknown_client_before_looking_at_the_grant(db, client):
    assert client.post("/lrs/oauth/token", {}).status_code == 401


def test_oauth2_token_endpoint_refuses_other_grant_types(city, client):
    cred, secret = services.credential_issue(actor=city.actor_of("dept_admin"), unit=city.dept, name="App")
    resp = client.post(
        "/lrs/oauth/token", {"grant_type": "password", "client_id": cred.key, "client_secret": secret}
    )
    assert resp.status_code == 400


XAPI_ROUTES = [
    "statements",
    "activities/state",
    "activities/profile",
    "activities",
    "agents/profile",
    "agents",
]


@pytest.mark.parametrize("route", XAPI_ROUTES)
@pytest.mark.parametrize("role", [None, "dept_admin", "school_admin", "student"])
def test_xapi_endpoints_answer_401_to_anonymous_and_session_users(city, client, client_for, route, role):
    c = client if role is None else client_for(role)
    for version in ("1.0.3", "2.0.0", None):
        extra = {"HTTP_X_EXPERIENCE_API_VERSION": version} if version else {}
        assert c.get(f"/lrs/xapi/{route}", **extra).status_code == 401
        assert c.post(f"/lrs/xapi/{route}", {}, **extra).status_code == 401
