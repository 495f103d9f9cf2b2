"""State, Activity Profile and Agent Profile resources; Activities, Agents, About —
for 1.0.3 and 2.0."""

import hashlib
import json

import pytest

from .conftest import stmt, uid

ACT = "https://edudx.example/activities/toan-6-bai-1"
AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:an@example.vn"})

RESOURCES = {
    "state": ("activities/state", {"activityId": ACT, "agent": AGENT}, "stateId"),
    "activity_profile": ("activities/profile", {"activityId": ACT}, "profileId"),
    "agent_profile": ("agents/profile", {"agent": AGENT}, "profileId"),
}


@pytest.fixture(params=list(RESOURCES))
def res(request):
    return RESOURCES[request.param]


def _put(x, res, doc_id, body, ctype="application/json", headers=None):
    path, base, id_param = res
    return x.request(
        "PUT", path, params={**base, id_param: doc_id}, body=body, content_type=ctype, headers=headers
    )


def _post(x, res, doc_id, body, ctype="application/json", headers=None):
    path, base, id_param = res
    return x.request(
        "POST", path, params={**base, id_param: doc_id}, body=body, content_type=ctype, headers=headers
    )


def _get(x, res, doc_id=None, **extra):
    path, base, id_param = res
    params = {**base, **extra}
    if doc_id is not None:
        params[id_param] = doc_id
    return x.request("GET", path, params=params)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest() + '"'  # noqa: S324


def test_document_put_then_get_returns_content_type_and_sha1_etag(x, res):
    body = json.dumps({"tien_do": 3}).encode()
    assert _put(x, res, "d1", body, headers={"If-None-Match": "*"}).status_code == 204
    got = _get(x, res, "d1")
    assert got.status_code == 200
    assert got.content == body
    assert got["Content-Type"] == "application/json"
    assert got["ETag"] == _etag(body)
    assert "Last-Modified" in got


def test_document_preserves_any_content_type(x, res):
    _put(x, res, "img", b"\x89PNG\x00", ctype="image/png", headers={"If-None-Match": "*"})
    got = _get(x, res, "img")
    assert got["Content-Type"] == "image/png"
    assert got.content == b"\x89PNG\x00"


def test_post_merges_json_objects_new_properties_win(x, res):
    _post(x, res, "m", json.dumps({"a": 1, "b": 1}))
    assert _post(x, res, "m", json.dumps({"b": 2, "c": 3})).status_code == 204
    assert _get(x, res, "m").json() == {"a": 1, "b": 2, "c": 3}


def test_post_to_a_missing_document_stores_it(x, res):
    assert _post(x, res, "new", json.dumps({"a": 1})).status_code == 204
    assert _get(x, res, "new").json() == {"a": 1}


def test_post_merge_is_rejected_when_either_document_is_not_json(x, res):
    _put(x, res, "t", b"plain", ctype="text/plain", headers={"If-None-Match": "*"})
    assert _post(x, res, "t", json.dumps({"a": 1})).status_code == 400
    _post(x, res, "j", json.dumps({"a": 1}))
    assert _post(x, res, "j", b"plain", ctype="text/plain").status_code == 400


def test_post_merge_is_rejected_when_a_document_is_a_json_array(x, res):
    _post(x, res, "j", json.dumps({"a": 1}))
    assert _post(x, res, "j", json.dumps([1, 2])).status_code == 400


def test_if_match_with_the_current_etag_allows_the_write(x, res):
    body = json.dumps({"a": 1}).encode()
    _put(x, res, "c", body, headers={"If-None-Match": "*"})
    assert _put(x, res, "c", json.dumps({"a": 2}), headers={"If-Match": _etag(body)}).status_code == 204


def test_if_match_with_a_stale_etag_fails_with_412(x, res):
    _put(x, res, "c", json.dumps({"a": 1}), headers={"If-None-Match": "*"})
    resp = _put(x, res, "c", json.dumps({"a": 2}), headers={"If-Match": '"' + "0" * 40 + '"'})
    assert resp.status_code == 412
    assert _get(x, res, "c").json() == {"a": 1}


def test_if_none_match_star_fails_with_412_when_the_document_exists(x, res):
    _put(x, res, "c", json.dumps({"a": 1}), headers={"If-None-Match": "*"})
    assert _put(x, res, "c", json.dumps({"a": 2}), headers={"If-None-Match": "*"}).status_code == 412


def test_if_match_on_a_missing_document_fails_with_412(x, res):
    assert _put(x, res, "none", json.dumps({}), headers={"If-Match": '"abc"'}).status_code == 412


def test_profile_put_to_an_existing_document_without_precondition_headers_is_409(x):
    for name in ("activity_profile", "agent_profile"):
        res = RESOURCES[name]
        _put(x, res, "p", json.dumps({"a": 1}), headers={"If-None-Match": "*"})
        assert _put(x, res, "p", json.dumps({"a": 2})).status_code == 409


def test_state_put_overwrites_without_precondition_headers_only_in_1_0_3(x):
    res = RESOURCES["state"]
    _put(x, res, "s", json.dumps({"a": 1}))
    resp = _put(x, res, "s", json.dumps({"a": 2}))
    if x.version == "1.0.3":
        assert resp.status_code == 204
        assert _get(x, res, "s").json() == {"a": 2}
    else:  # 2.0 applies the 409 rule to the State resource too
        assert resp.status_code == 409
        assert _get(x, res, "s").json() == {"a": 1}


def test_get_without_id_lists_document_ids(x, res):
    for doc in ("a", "b"):
        _put(x, res, doc, json.dumps({}), headers={"If-None-Match": "*"})
    resp = _get(x, res)
    assert resp.json() == ["a", "b"]


def test_list_of_ids_since_returns_only_newer_documents(x, res):
    _put(x, res, "old", json.dumps({}), headers={"If-None-Match": "*"})
    from edudx.lrs.models import Document

    since = Document.objects.get(doc_id="old").updated.isoformat()
    _put(x, res, "new", json.dumps({}), headers={"If-None-Match": "*"})
    assert _get(x, res, since=since).json() == ["new"]


def test_get_unknown_document_returns_404(x, res):
    assert _get(x, res, "missing").status_code == 404


def test_delete_removes_a_document(x, res):
    path, base, id_param = res
    _put(x, res, "d", json.dumps({}), headers={"If-None-Match": "*"})
    assert x.request("DELETE", path, params={**base, id_param: "d"}).status_code == 204
    assert _get(x, res, "d").status_code == 404


def test_delete_with_stale_if_match_fails_with_412(x, res):
    path, base, id_param = res
    _put(x, res, "d", json.dumps({}), headers={"If-None-Match": "*"})
    resp = x.request("DELETE", path, params={**base, id_param: "d"}, headers={"If-Match": '"stale"'})
    assert resp.status_code == 412


def test_state_delete_without_state_id_deletes_all_states_of_the_context(x):
    path, base, _id = RESOURCES["state"]
    _put(x, RESOURCES["state"], "a", json.dumps({}))
    _put(x, RESOURCES["state"], "b", json.dumps({}))
    assert x.request("DELETE", path, params=base).status_code == 204
    assert _get(x, RESOURCES["state"]).json() == []


def test_state_is_kept_apart_by_registration(x):
    path, base, _id = RESOURCES["state"]
    reg = uid()
    x.request("PUT", path, params={**base, "stateId": "s", "registration": reg}, body=json.dumps({"r": 1}))
    assert _get(x, RESOURCES["state"], "s").status_code == 404
    assert x.request("GET", path, params={**base, "stateId": "s", "registration": reg}).json() == {"r": 1}


@pytest.mark.parametrize(
    ("missing", "params"),
    [
        ("activityId", {"agent": AGENT, "stateId": "s"}),
        ("agent", {"activityId": ACT, "stateId": "s"}),
    ],
)
def test_state_request_missing_a_required_parameter_is_rejected(x, missing, params):
    assert x.request("GET", "activities/state", params=params).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"activityId": "not an iri", "agent": AGENT, "stateId": "s"},
        {"activityId": ACT, "agent": '{"name": "no ifi"}', "stateId": "s"},
        {"activityId": ACT, "agent": AGENT, "stateId": "s", "registration": "nope"},
        {"activityId": ACT, "agent": AGENT, "stateId": "s", "color": "red"},
    ],
    ids=["activity_id_not_iri", "agent_invalid", "registration_not_uuid", "unknown_parameter"],
)
def test_state_request_with_malformed_parameter_is_rejected(x, params):
    assert x.request("GET", "activities/state", params=params).status_code == 400


def test_put_without_document_id_is_rejected(x, res):
    path, base, _id = res
    assert x.request("PUT", path, params=base, body=json.dumps({})).status_code == 400


def test_large_document_goes_through_the_storage_api(x, res, settings):
    settings.LRS_INLINE_DOCUMENT_MAX = 10
    body = b"x" * 1000
    _put(x, res, "big", body, ctype="application/octet-stream", headers={"If-None-Match": "*"})
    from edudx.lrs.models import Document

    doc = Document.objects.get(doc_id="big")
    assert doc.content is None and doc.file.name
    assert _get(x, res, "big").content == body


# ----- Activities, Agents, About


def test_activities_returns_the_canonical_definition(x):
    x.post(stmt())
    resp = x.request("GET", "activities", params={"activityId": ACT})
    assert resp.json()["definition"]["name"]["vi"] == "Toán 6 - Bài 1"


def test_activities_requires_activity_id(x):
    assert x.request("GET", "activities").status_code == 400


def test_agents_returns_a_person_object(x):
    resp = x.request(
        "GET", "agents", params={"agent": json.dumps({"mbox": "mailto:an@example.vn", "name": "An"})}
    )
    assert resp.json() == {"objectType": "Person", "name": ["An"], "mbox": ["mailto:an@example.vn"]}


def test_agents_with_invalid_agent_is_rejected(x):
    assert x.request("GET", "agents", params={"agent": "{}"}).status_code == 400


def test_about_lists_both_versions_without_authentication(client):
    resp = client.get("/lrs/xapi/about")
    assert resp.status_code == 200
    assert {"1.0.3", "2.0.0"} <= set(resp.json()["version"])
    assert isinstance(resp.json()["extensions"], dict)
