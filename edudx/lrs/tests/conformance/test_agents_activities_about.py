"""Agents (2.4), Activities (2.5) and About (2.8) resources, both versions."""

import json

import pytest

from ._util import AGENT, post_ok, stmt

# ----- Agents


def test_agents_returns_a_person(x):
    """XAPI-00236, XAPI-00237, XAPI-00245, XAPI-00246, XAPI-00248."""
    resp = x.request("GET", "agents", params={"agent": json.dumps(dict(AGENT, name="An"))})
    assert resp.status_code == 200
    person = resp.json()
    assert person["objectType"] == "Person"
    assert person["name"] == ["An"]
    assert person["mbox"] == [AGENT["mbox"]]


@pytest.mark.parametrize(
    "agent",
    [
        {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        {"openid": "http://openid.example.vn/an"},
        {"account": {"homePage": "https://lms.example.vn", "name": "an01"}},
        {"mbox": "mailto:an@example.vn"},
    ],
    ids=["mbox_sha1sum", "openid", "account", "mbox"],
)
def test_person_properties_are_arrays(x, agent):
    """XAPI-00238-00242, XAPI-00244, XAPI-00247: each identifier comes back as an array."""
    person = x.request("GET", "agents", params={"agent": json.dumps(agent)}).json()
    (key,) = agent
    assert person[key] == [agent[key]]
    if key == "mbox":
        assert all(m.startswith("mailto:") for m in person["mbox"])


def test_agents_without_agent_is_400(x):
    """XAPI-00243."""
    assert x.request("GET", "agents").status_code == 400


@pytest.mark.parametrize("agent", ["an@example.vn", json.dumps({"name": "An"}), json.dumps({"mbox": "a@b"})])
def test_agents_with_an_invalid_agent_is_400(x, agent):
    """XAPI-00249."""
    assert x.request("GET", "agents", params={"agent": agent}).status_code == 400


# ----- Activities


def test_activities_returns_the_activity(x):
    """XAPI-00251, XAPI-00252, XAPI-00253."""
    post_ok(x, stmt())
    resp = x.request("GET", "activities", params={"activityId": stmt()["object"]["id"]})
    assert resp.status_code == 200
    act = resp.json()
    assert act["objectType"] == "Activity" and act["id"] == stmt()["object"]["id"]
    assert act["definition"]["name"]["vi"] == "Toán 6 - Bài 1"


def test_activities_without_activity_id_is_400(x):
    """XAPI-00250."""
    assert x.request("GET", "activities").status_code == 400


def test_activities_merges_definitions_from_all_statements(x):
    """XAPI-00254."""
    iri = "http://edudx.example/activities/merge"
    post_ok(x, stmt(object={"id": iri, "definition": {"description": {"vi": "Mô tả"}}}))
    post_ok(x, stmt(object={"id": iri, "definition": {"description": {"en-US": "Description"}}}))
    got = x.request("GET", "activities", params={"activityId": iri}).json()
    assert got["definition"]["description"] == {"vi": "Mô tả", "en-US": "Description"}


# ----- About


def test_about_is_public_and_lists_versions(client, version):
    """XAPI-00315, XAPI-00316, XAPI-00317, XAPI-00318, XAPI-00319: no credential needed; a 1.0.x
    client sees only 1.0.x versions (its suite allows nothing else), a 2.0 client sees 2.0.0 too."""
    resp = client.get("/lrs/xapi/about", HTTP_X_EXPERIENCE_API_VERSION=version)
    assert resp.status_code == 200
    assert resp["X-Experience-API-Version"] == version
    versions = resp.json()["version"]
    assert isinstance(versions, list) and all(isinstance(v, str) for v in versions)
    if version == "1.0.3":
        assert versions == ["1.0.0", "1.0.1", "1.0.2", "1.0.3"]
    else:
        assert versions == ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]
    assert client.get("/lrs/xapi/about").json()["version"][-1] == "2.0.0"


def test_about_may_carry_extensions(client):
    """XAPI-00320."""
    ext = client.get("/lrs/xapi/about").json()["extensions"]
    assert isinstance(ext, dict) and all(k.startswith("http") for k in ext)


def test_version_header_required_everywhere_but_about(x, client):
    """XAPI-00321."""
    assert client.get("/lrs/xapi/about").status_code == 200
    for path in ("statements", "activities?activityId=http://a.vn", "agents?agent=" + json.dumps(AGENT)):
        resp = x.client.get("/lrs/xapi/" + path, HTTP_AUTHORIZATION=x.auth)
        assert resp.status_code == 400, path
