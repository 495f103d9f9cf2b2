"""Authorization code + PKCE with OpenID Connect: an app acting for a signed-in teacher sees the
app's approved schools that the teacher may see, nothing more; PKCE is required; the ID token
is signed with the key published in the JWKS."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import Client

from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.partners import services

from .conftest import ALL_SCOPES, approved_app

pytestmark = pytest.mark.django_db
REDIRECT = "https://app.example.vn/callback"


def code_app(city):
    a = Actor.system(source="test")
    app = approved_app(name="Ứng dụng Lớp học")
    for index in (0, 1, 2):  # A1, A2, B1 approve the app (public task)
        use = services.use_request(actor=a, app=app, school=city.schools[index], legal_basis="public_task")
        services.use_decide(actor=a, use=use, approve=True)
    client, secret = services.client_create(
        actor=a,
        app=app,
        name="web",
        scopes=["openid", "profile", *ALL_SCOPES],
        grant="authorization_code",
        redirect_uris=REDIRECT,
    )
    return client, secret


def authorize(browser: Client, client_id: str, challenge: str, **extra) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid profile https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly",
        "state": "s1",
        "nonce": "n1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    page = browser.get("/partners/oauth/authorize/", params)
    assert page.status_code == 200, page.content[:300]
    r = browser.post("/partners/oauth/authorize/", {**params, "allow": "Authorize"})
    assert r.status_code == 302, r.content[:300]
    query = parse_qs(urlsplit(r["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def token(client, secret, code, verifier=None):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier:
        data["code_verifier"] = verifier
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    return Client().post("/partners/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")


def test_code_flow_with_pkce_gives_a_signed_id_token_and_the_teachers_schools_only(city, client_for):
    client, secret = code_app(city)
    browser = client_for("teacher")  # a teacher of A1
    verifier, challenge = pkce()
    code = authorize(browser, client.client_id, challenge)
    r = token(client, secret, code, verifier)
    assert r.status_code == 200, r.content
    body = r.json()
    discovery = Client().get("/partners/oauth/.well-known/openid-configuration").json()
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    keys = Client().get(urlsplit(discovery["jwks_uri"]).path).json()["keys"]
    key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(body["id_token"], key, algorithms=["RS256"], audience=client.client_id)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(body["id_token"][:-4] + "AAAA", key, algorithms=["RS256"], audience=client.client_id)
    assert claims["iss"] == discovery["issuer"] and claims["aud"] == client.client_id
    assert claims["nonce"] == "n1" and claims["sub"] == str(city.users["teacher"].pk)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {body['access_token']}"}
    base = "/partners/ims/oneroster/rostering/v1p2/"
    orgs = {o["sourcedId"] for o in Client().get(base + "orgs", **bearer).json()["orgs"]}
    assert orgs == {f"org{city.schools[0].pk}"}  # approved A1, A2, B1; the teacher sees A1 only
    users = Client().get(base + "students", {"limit": "100"}, **bearer).json()["users"]
    assert {u["sourcedId"] for u in users} == {f"s{s.pk}" for s in city.students[0:3]}
    assert Client().get(base + f"users/s{city.students[6].pk}", **bearer).status_code == 404
    assert Client().get("/api/v1/", **bearer).status_code in (401, 403, 404)


def test_pkce_is_required_and_the_code_works_once(city, client_for):
    client, secret = code_app(city)
    browser = client_for("teacher")
    verifier, challenge = pkce()
    code = authorize(browser, client.client_id, challenge)
    assert token(client, secret, code).status_code == 400  # no verifier
    code = authorize(browser, client.client_id, challenge)
    assert token(client, secret, code, "x" * 50).status_code == 400  # wrong verifier
    code = authorize(browser, client.client_id, challenge)
    assert token(client, secret, code, verifier).status_code == 200
    assert token(client, secret, code, verifier).status_code == 400  # once
    page = browser.get(
        "/partners/oauth/authorize/",
        {"response_type": "code", "client_id": client.client_id, "redirect_uri": "https://evil.example/cb",
         "scope": "openid", "code_challenge": challenge, "code_challenge_method": "S256"},
    )  # fmt: skip
    assert page.status_code in (200, 400) and "evil.example/cb?code" not in page.get("Location", "")


def test_redirect_uris_must_be_https_or_localhost(city):
    a = Actor.system(source="test")
    app = approved_app(name="Ứng dụng Thử URI")
    for bad in ("", "http://app.example.vn/cb", "ftp://x/cb", "https://x/cb#frag", "javascript:alert(1)"):
        with pytest.raises(ValidationFailed):
            services.client_create(
                actor=a, app=app, name="w", scopes=["openid"], grant="authorization_code", redirect_uris=bad
            )
    services.client_create(
        actor=a,
        app=app,
        name="w",
        scopes=["openid"],
        grant="authorization_code",
        redirect_uris="http://localhost:8170/cb",
    )
