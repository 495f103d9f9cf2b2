"""A partner app approved at school A1 (public task) and A2 (consent), with an OAuth client."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from edudx.core.actor import Actor
from edudx.partners import services
from edudx.partners.models import PartnerApp, PartnerClient
from edudx.partners.profiles import REVIEW_KEYS
from edudx.partners.schemas import AppIn, CompanyIn, ContractIn, ReviewIn

SCOPE = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
ALL_SCOPES = [SCOPE + "roster-core.readonly", SCOPE + "roster-demographics.readonly"]


@dataclass
class Partner:
    app: PartnerApp
    client: PartnerClient
    secret: str
    http: Client
    token: str

    def get(self, path: str, **params):
        return self.http.get(
            "/partners/ims/oneroster/rostering/v1p2/" + path,
            params,
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )


def token_for(client_id: str, secret: str, scope: str | None = None) -> tuple[int, dict]:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    r = Client().post("/partners/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    return r.status_code, r.json()


def approved_app(name: str = "Sổ liên lạc Thử", categories=("roster", "identifiers", "birth")) -> PartnerApp:
    a = Actor.system(source="test")
    company = services.company_create(actor=a, data=CompanyIn(name=f"Công ty {name}"))
    app = services.app_create(
        actor=a, company=company, data=AppIn(name=name, kind="family", categories=list(categories))
    )
    services.contract_add(actor=a, app=app, data=ContractIn(reference="HD-1", signed_on=dt.date(2026, 1, 2)))
    services.app_review(actor=a, app=app, data=ReviewIn(items=dict.fromkeys(REVIEW_KEYS, (True, ""))))
    services.app_move(actor=a, app=app, move="submit")
    return services.app_move(actor=a, app=app, move="approve")


def make_partner(city, *, schools=((0, "public_task"), (1, "consent")), scopes=ALL_SCOPES, **kw) -> Partner:
    a = Actor.system(source="test")
    app = approved_app(**kw)
    for index, basis in schools:
        use = services.use_request(actor=a, app=app, school=city.schools[index], legal_basis=basis)
        services.use_decide(actor=a, use=use, approve=True)
    client, secret = services.client_create(actor=a, app=app, name="prod", scopes=list(scopes))
    status, body = token_for(client.client_id, secret)
    assert status == 200, body
    return Partner(app, client, secret, Client(), body["access_token"])


@pytest.fixture(autouse=True)
def _fresh_policies():
    """A sharing policy a test publishes must not outlive its rolled-back rows (policies keep
    the versions in the process)."""
    from edudx.policies import selectors as policies

    policies.forget()
    yield
    policies.forget()


@pytest.fixture
def partner(city) -> Partner:
    return make_partner(city)
