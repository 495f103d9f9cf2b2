import base64
import json
import uuid

import pytest

from edudx.core.actor import Actor

VERSIONS = ["1.0.3", "2.0.0"]


class XapiClient:
    def __init__(self, client, key, secret, version):
        self.client = client
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.version = version

    def request(
        self,
        method,
        path,
        *,
        params=None,
        body=None,
        content_type="application/json",
        headers=None,
        version=...,
    ):
        from urllib.parse import urlencode

        url = "/lrs/xapi/" + path
        if params:
            url += "?" + urlencode(params)
        h = {"HTTP_AUTHORIZATION": self.auth}
        v = self.version if version is ... else version
        if v is not None:
            h["HTTP_X_EXPERIENCE_API_VERSION"] = v
        for k, val in (headers or {}).items():
            h["HTTP_" + k.upper().replace("-", "_")] = val
        if body is not None and not isinstance(body, bytes | str):
            body = json.dumps(body)
        fn = getattr(self.client, method.lower())
        if method in ("GET", "HEAD"):
            return fn(url, **h)
        return fn(url, data=body if body is not None else b"", content_type=content_type, **h)

    def post(self, data, **kw):
        return self.request("POST", "statements", body=data, **kw)

    def put(self, data, sid, **kw):
        return self.request("PUT", "statements", params={"statementId": sid}, body=data, **kw)

    def get(self, params=None, **kw):
        return self.request("GET", "statements", params=params, **kw)


@pytest.fixture
def lrs_unit(request, db):
    """The unit a test tool's credential belongs to: the city's department when the test builds
    the miniature city anyway, else a lone department — the conformance tests need no more, and
    building the whole city for each of their ~1,000 runs was a third of the LRS suite's time."""
    if "city" in request.fixturenames:
        return request.getfixturevalue("city").dept
    from edudx.orgs import services as orgs

    return orgs.unit_create(
        actor=Actor.system(source="test"),
        code="SGD",
        name="Sở GD-ĐT Thử nghiệm",
        kind="department",
        parent=None,
    )


@pytest.fixture
def lrs_cred(lrs_unit):
    from edudx.lrs import services

    return services.credential_issue(actor=Actor.system(), unit=lrs_unit, name="Test tool")


@pytest.fixture(params=VERSIONS)
def version(request):
    return request.param


@pytest.fixture
def x(lrs_cred, client, version):
    cred, secret = lrs_cred
    return XapiClient(client, cred.key, secret, version)


def stmt(**over):
    s = {
        "actor": {"objectType": "Agent", "name": "Nguyễn Văn An", "mbox": "mailto:an@example.vn"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed", "vi": "hoàn thành"},
        },
        "object": {
            "objectType": "Activity",
            "id": "https://edudx.example/activities/toan-6-bai-1",
            "definition": {"name": {"vi": "Toán 6 - Bài 1", "en-US": "Maths 6 - Lesson 1"}},
        },
    }
    s.update(over)
    return s


def uid():
    return str(uuid.uuid4())


@pytest.fixture(autouse=True)
def _lrs_urls(settings):
    settings.ROOT_URLCONF = "edudx.lrs.tests.urls"
