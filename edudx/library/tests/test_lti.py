"""LTI 1.3 + Deep Linking 2.0 end to end against a simulated LMS platform (its own RSA keys
and JWKS), through edudx's real endpoints: OIDC login → launch → picker → signed response."""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from edudx.library.models import LtiPlatform

from .helpers import make_resource, pdf_bytes, publish

ISS = "https://lms.truong-thu.edu.vn"
CLIENT_ID = "edudx-tool-1"
DEPLOYMENT = "dep-42"
LAUNCH_URL = "http://testserver/library/lti/launch/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class SimulatedPlatform:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        self.jwks = {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def register(self):
        return LtiPlatform.objects.create(
            name="Moodle Trường Thử",
            issuer=ISS,
            client_id=CLIENT_ID,
            deployment_ids=[DEPLOYMENT],
            auth_login_url=f"{ISS}/mod/lti/auth.php",
            auth_token_url=f"{ISS}/mod/lti/token.php",
            key_set=self.jwks,
        )

    def start(self, client, message_hint="dl"):
        """Third-party initiated login; returns the tool's authentication request parameters."""
        resp = client.post(
            "/library/lti/login/",
            {
                "iss": ISS,
                "login_hint": "user-7",
                "target_link_uri": LAUNCH_URL,
                "lti_message_hint": message_hint,
                "client_id": CLIENT_ID,
                "lti_deployment_id": DEPLOYMENT,
            },
        )
        assert resp.status_code == 302, resp.content
        url = urlparse(resp["Location"])
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISS}/mod/lti/auth.php"
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert params["response_type"] == "id_token" and params["scope"] == "openid"
        assert params["client_id"] == CLIENT_ID and params["redirect_uri"] == LAUNCH_URL
        return params

    def id_token(self, auth, claims):
        now = int(time.time())
        body = {
            "iss": ISS,
            "aud": CLIENT_ID,
            "sub": "user-7",
            "iat": now,
            "exp": now + 300,
            "nonce": auth["nonce"],
            LTI + "deployment_id": DEPLOYMENT,
            LTI + "version": "1.3.0",
            LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
            **claims,
        }
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def platform(db):
    p = SimulatedPlatform()
    p.register()
    return p


@pytest.mark.django_db
def test_deep_linking_picks_published_resources_and_returns_a_signed_response(city, client, platform):
    chosen = publish(city, make_resource(city, title="Phương trình bậc hai một ẩn"))
    make_resource(city, title="Bản nháp bí mật")
    auth = platform.start(client)
    token = platform.id_token(
        auth,
        {
            LTI + "message_type": "LtiDeepLinkingRequest",
            DL + "deep_linking_settings": {
                "deep_link_return_url": f"{ISS}/mod/lti/contentitem_return.php",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-123",
            },
        },
    )
    picker = client.post("/library/lti/launch/", {"id_token": token, "state": auth["state"]})
    assert picker.status_code == 200, picker.content
    page = picker.content.decode()
    assert "Phương trình bậc hai một ẩn" in page and "Bản nháp bí mật" not in page
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', page).group(1)

    answer = client.post("/library/lti/pick/", {"launch_id": launch_id, "resource": [str(chosen.pk)]})
    html = answer.content.decode()
    assert f'action="{ISS}/mod/lti/contentitem_return.php"' in html
    response_jwt = unescape(re.search(r'name="JWT" value="([^"]+)"', html).group(1))

    tool_jwks = client.get("/library/lti/jwks/").json()
    header = jwt.get_unverified_header(response_jwt)
    key = next(k for k in tool_jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(response_jwt, RSAAlgorithm.from_jwk(key), algorithms=["RS256"], audience=ISS)
    assert claims["iss"] == CLIENT_ID
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == DEPLOYMENT
    assert claims[DL + "data"] == "opaque-123"
    [item] = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Phương trình bậc hai một ẩn"
    assert item["url"] == LAUNCH_URL and item["custom"] == {"resource_id": str(chosen.pk)}


@pytest.mark.django_db
def test_resource_link_launch_shows_the_resource_and_a_signed_download(city, client, platform):
    r = publish(city, make_resource(city, title="Truyện Kiều", upload=("k.pdf", pdf_bytes("Trăm năm"))))
    auth = platform.start(client, message_hint="rl")
    token = platform.id_token(
        auth,
        {
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "resource_link": {"id": "link-1"},
            LTI + "target_link_uri": LAUNCH_URL,
            LTI + "custom": {"resource_id": str(r.pk)},
        },
    )
    page = client.post("/library/lti/launch/", {"id_token": token, "state": auth["state"]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Truyện Kiều" in html
    link = unescape(re.search(r'href="(/library/lti/file/\?t=[^"]+)"', html).group(1))
    file = client.get(link)
    assert file.status_code == 200 and file["Content-Disposition"].startswith("attachment;")
    assert client.get("/library/lti/file/?t=forged").status_code == 404


@pytest.mark.django_db
def test_a_token_signed_by_another_key_or_unknown_deployment_is_refused(city, client, platform):
    intruder = SimulatedPlatform()
    auth = platform.start(client)
    forged = intruder.id_token(auth, {LTI + "message_type": "LtiDeepLinkingRequest"})
    assert (
        client.post("/library/lti/launch/", {"id_token": forged, "state": auth["state"]}).status_code == 400
    )
    auth = platform.start(client)
    token = platform.id_token(
        auth,
        {
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "resource_link": {"id": "x"},
            LTI + "deployment_id": "unknown-deployment",
        },
    )
    assert client.post("/library/lti/launch/", {"id_token": token, "state": auth["state"]}).status_code == 400


@pytest.mark.django_db
def test_login_refuses_a_target_outside_the_tool(client, platform):
    resp = client.post(
        "/library/lti/login/",
        {"iss": ISS, "login_hint": "u", "target_link_uri": "https://evil.example/", "client_id": CLIENT_ID},
    )
    assert resp.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"iss": "https://lms.unknown.example", "login_hint": "u", "client_id": CLIENT_ID},
        {"iss": ISS, "login_hint": "u", "client_id": "another-client"},
        {"login_hint": "u"},
    ],
    ids=["unregistered-issuer", "unregistered-client", "no-issuer"],
)
def test_login_from_an_unregistered_platform_is_a_clear_400_page(client, platform, fields):
    for send in (client.post, client.get):
        resp = send("/library/lti/login/", {**fields, "target_link_uri": LAUNCH_URL})
        assert resp.status_code == 400
        page = resp.content.decode()
        assert 'data-testid="error-page"' in page
        assert "lti_login_refused" in page
