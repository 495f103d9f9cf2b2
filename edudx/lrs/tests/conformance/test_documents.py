"""Document resources (xAPI Communication 2.2, 2.3, 2.6, 2.7, 3.1): State, Activity Profile,
Agent Profile — parametrised over the three resources and both versions."""

import json
import time
from urllib.parse import quote

import pytest

from ._docs import RESOURCES, call, put_doc

ALL = list(RESOURCES)
PROFILES = ["activity_profile", "agent_profile"]


@pytest.fixture(params=ALL)
def res(request):
    return request.param


# ----- endpoints and methods


def test_endpoint_accepts_put_post_get_delete(x, res):
    """XAPI-00230, XAPI-00231, XAPI-00282, XAPI-00283, XAPI-00290-00293, XAPI-00311, XAPI-00312."""
    assert put_doc(x, res, "d1", {"a": 1}).status_code == 204
    assert call(x, res, "POST", "d1", body={"b": 2}).status_code == 204
    assert call(x, res, "GET", "d1").status_code == 200
    assert call(x, res, "DELETE", "d1").status_code == 204


def test_put_returns_204(x, res):
    """XAPI-00190, XAPI-00273, XAPI-00287."""
    resp = call(x, res, "PUT", "d1", body={"a": 1}, headers={"If-None-Match": "*"})
    assert resp.status_code == 204 and resp.content == b""


def test_profile_put_without_a_precondition_is_400(x, res):
    """XAPI-00273 (Agent Profile), XAPI-00287 (Activity Profile): Communication 3.1.s3.b1 — "A
    Client making a PUT request to either the Agent Profile Resource or Activity Profile
    Resource MUST include the If-Match header or the If-None-Match header" — so a PUT of a
    new profile document without either is refused (400) and stores nothing; the State
    resource "will permit PUT ... without concurrency headers" (3.1.s3)."""
    resp = call(x, res, "PUT", "new-doc", body={"a": 1})
    if res == "state":
        assert resp.status_code == 204
        return
    assert resp.status_code == 400
    assert resp.json()["error"]
    assert call(x, res, "GET", "new-doc").status_code == 404


def test_post_returns_204(x, res):
    """XAPI-00189, XAPI-00272, XAPI-00286."""
    assert call(x, res, "POST", "d1", body={"a": 1}).status_code == 204


def test_get_with_id_returns_the_document(x, res):
    """XAPI-00188, XAPI-00192, XAPI-00217, XAPI-00259, XAPI-00269, XAPI-00274, XAPI-00288."""
    put_doc(x, res, "d1", {"điểm": 9})
    resp = call(x, res, "GET", "d1")
    assert resp.status_code == 200
    assert json.loads(resp.content) == {"điểm": 9}
    assert resp["Content-Type"].startswith("application/json")


def test_get_without_id_returns_the_ids(x, res):
    """XAPI-00193, XAPI-00270, XAPI-00289."""
    put_doc(x, res, "a", {"a": 1})
    put_doc(x, res, "b", {"b": 1})
    resp = call(x, res, "GET")
    assert resp.status_code == 200
    assert sorted(resp.json()) == ["a", "b"]


def test_get_ids_since_returns_only_newer(x, res):
    """XAPI-00141, XAPI-00195, XAPI-00221, XAPI-00222, XAPI-00268, XAPI-00275, XAPI-00294, XAPI-00303."""
    put_doc(x, res, "old", {"a": 1})
    time.sleep(0.02)
    from django.utils import timezone

    cut = timezone.now().isoformat()
    time.sleep(0.02)
    put_doc(x, res, "new", {"a": 1})
    resp = call(x, res, "GET", extra={"since": cut})
    assert resp.status_code == 200
    assert resp.json() == ["new"]


def test_get_since_not_a_timestamp_is_400(x, res):
    """XAPI-00204, XAPI-00260, XAPI-00295."""
    assert call(x, res, "GET", extra={"since": "last week"}).status_code == 400


def test_delete_with_id_removes_the_document(x, res):
    """XAPI-00187, XAPI-00191, XAPI-00216, XAPI-00271, XAPI-00285."""
    put_doc(x, res, "d1", {"a": 1})
    assert call(x, res, "DELETE", "d1").status_code == 204
    assert call(x, res, "GET", "d1").status_code == 404


def test_post_to_a_new_document_stores_it(x, res):
    """XAPI-00233, XAPI-00280, XAPI-00310."""
    assert call(x, res, "POST", "new", body={"a": 1}).status_code == 204
    assert json.loads(call(x, res, "GET", "new").content) == {"a": 1}


def test_post_merges_json_one_level_deep(x, res):
    """XAPI-00183, XAPI-00184, XAPI-00185, XAPI-00186, XAPI-00234, XAPI-00279, XAPI-00308."""
    put_doc(x, res, "d1", {"keep": 1, "over": {"x": 1, "y": 2}})
    assert call(x, res, "POST", "d1", body={"over": {"z": 3}, "add": True}).status_code == 204
    assert json.loads(call(x, res, "GET", "d1").content) == {"keep": 1, "over": {"z": 3}, "add": True}


def test_post_merge_with_a_non_json_document_is_400(x, res):
    """XAPI-00232, XAPI-00278, XAPI-00309; and nothing changes (XAPI-00182)."""
    put_doc(x, res, "d1", b"plain text", content_type="text/plain")
    assert call(x, res, "POST", "d1", body={"a": 1}).status_code == 400
    assert call(x, res, "GET", "d1").content == b"plain text"


def test_post_merge_with_a_non_object_is_400(x, res):
    """XAPI-00229, XAPI-00281, XAPI-00313; nothing changes (XAPI-00182)."""
    put_doc(x, res, "d1", {"a": 1})
    assert call(x, res, "POST", "d1", body=[1, 2]).status_code == 400
    assert json.loads(call(x, res, "GET", "d1").content) == {"a": 1}


def test_post_with_invalid_json_is_400(x, res):
    """XAPI-00235, XAPI-00284, XAPI-00314."""
    assert call(x, res, "POST", "d1", body='{"a": 1,').status_code == 400
    put_doc(x, res, "d2", {"a": 1})
    assert call(x, res, "POST", "d2", body="{a: 1}").status_code == 400
    assert json.loads(call(x, res, "GET", "d2").content) == {"a": 1}


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_write_without_document_id_is_400(x, res, method):
    """XAPI-00206, XAPI-00211, XAPI-00266, XAPI-00267, XAPI-00301, XAPI-00302."""
    assert call(x, res, method, body={"a": 1}).status_code == 400


@pytest.mark.parametrize("res", PROFILES)
def test_profile_delete_without_profile_id_is_400(x, res):
    """XAPI-00265, XAPI-00300."""
    assert call(x, res, "DELETE").status_code == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_missing_activity_id_is_400(x, method):
    """State: XAPI-00207-00210; Activity Profile: XAPI-00296-00299."""
    for res in ("state", "activity_profile"):
        assert call(x, res, method, "d1", body={"a": 1}, drop=("activityId",)).status_code == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_missing_agent_is_400(x, method):
    """State: XAPI-00212-00215; Agent Profile: XAPI-00261-00264."""
    for res in ("state", "agent_profile"):
        assert call(x, res, method, "d1", body={"a": 1}, drop=("agent",)).status_code == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize(
    "agent", ["mailto:a@example.vn", json.dumps({"name": "no ifi"}), json.dumps({"objectType": "Activity"})]
)
def test_agent_not_an_agent_object_is_400(x, method, agent):
    """State: XAPI-00196-00199; Agent Profile: XAPI-00255-00258; Activity Profile GET: XAPI-00304."""
    for res in ("state", "agent_profile"):
        assert call(x, res, method, "d1", body={"a": 1}, extra={"agent": agent}).status_code == 400
    assert call(x, "activity_profile", "GET", "d1", extra={"agent": agent}).status_code == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_state_registration_not_a_uuid_is_400(x, method):
    """XAPI-00200-00203."""
    assert call(x, "state", method, "d1", body={"a": 1}, extra={"registration": "abc"}).status_code == 400


def test_state_registration_scopes_documents(x):
    """XAPI-00218, XAPI-00219, XAPI-00220, XAPI-00227."""
    reg = "9e2b3f3c-1111-4d5e-9aaa-000000000000"
    assert call(x, "state", "PUT", "s", body={"r": 1}, extra={"registration": reg}).status_code == 204
    assert call(x, "state", "POST", "s", body={"p": 1}, extra={"registration": reg}).status_code == 204
    assert json.loads(call(x, "state", "GET", "s", extra={"registration": reg}).content) == {"r": 1, "p": 1}
    assert call(x, "state", "GET", "s").status_code == 404
    assert call(x, "state", "DELETE", "s", extra={"registration": reg}).status_code == 204
    assert call(x, "state", "GET", "s", extra={"registration": reg}).status_code == 404


def test_state_delete_without_state_id_deletes_all(x):
    """XAPI-00194."""
    put_doc(x, "state", "a", {"a": 1})
    put_doc(x, "state", "b", {"b": 1})
    assert call(x, "state", "DELETE").status_code == 204
    assert call(x, "state", "GET").json() == []


def test_state_delete_since_not_a_timestamp_is_400(x):
    """XAPI-00205 (2.0 has no `since` on DELETE at all: 400 as an unknown parameter)."""
    assert call(x, "state", "DELETE", extra={"since": "garbage"}).status_code == 400


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_document_id_given_twice_or_empty_is_400(x, res, method):
    """XAPI-00224-00226, XAPI-00228, XAPI-00276, XAPI-00277, XAPI-00305-00307: the id must be one string."""
    path, base, id_param = RESOURCES[res]
    query = "&".join(f"{k}={quote(v)}" for k, v in base.items())
    url = f"/lrs/xapi/{path}?{query}&{id_param}=a&{id_param}=b"
    kwargs = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
    resp = getattr(x.client, method.lower())(
        url, **kwargs, HTTP_AUTHORIZATION=x.auth, HTTP_X_EXPERIENCE_API_VERSION=x.version
    )
    assert resp.status_code == 400
    assert call(x, res, method, "", body={"a": 1}).status_code == 400


def test_profile_delete_rejects_since(x):
    """`since` filters only the State multi-delete (XAPI-00223); a profile DELETE names one document."""
    assert call(x, "agent_profile", "DELETE", "p", extra={"since": "2000-01-01T00:00:00Z"}).status_code == 400


def test_state_delete_since_keeps_older_documents(x):
    """XAPI-00223: 1.0.3's multi-delete with `since` removes only documents stored after it;
    2.0 dropped the parameter (400)."""
    put_doc(x, "state", "old", {"a": 1})
    time.sleep(0.02)
    from django.utils import timezone

    cut = timezone.now().isoformat()
    time.sleep(0.02)
    put_doc(x, "state", "new", {"a": 1})
    resp = call(x, "state", "DELETE", extra={"since": cut})
    if x.version == "1.0.3":
        assert resp.status_code == 204
        assert call(x, "state", "GET").json() == ["old"]
    else:
        assert resp.status_code == 400
        assert sorted(call(x, "state", "GET").json()) == ["new", "old"]


# ----- concurrency (3.1)


def test_etag_concurrency(x, res):
    """XAPI-00322: ETag on GET/PUT; If-Match / If-None-Match give 412; profiles need one (409)."""
    put = call(x, res, "PUT", "d1", body={"a": 1}, headers={"If-None-Match": "*"})
    etag = put["ETag"]
    assert call(x, res, "GET", "d1")["ETag"] == etag
    assert call(x, res, "PUT", "d1", body={"a": 2}, headers={"If-None-Match": "*"}).status_code == 412
    assert call(x, res, "PUT", "d1", body={"a": 2}, headers={"If-Match": '"deadbeef"'}).status_code == 412
    assert call(x, res, "PUT", "d1", body={"a": 2}, headers={"If-Match": etag}).status_code == 204
    unconditional = call(x, res, "PUT", "d1", body={"a": 3})
    # 1.0.3 exempts the State resource from the 409 rule; 2.0 applies it to all three
    assert unconditional.status_code == (204 if res == "state" and x.version == "1.0.3" else 409)
    if unconditional.status_code == 409:
        assert unconditional.json()["error"]
        assert json.loads(call(x, res, "GET", "d1").content) == {"a": 2}


def test_etag_is_a_quoted_sha1(x, res):
    """XAPI-00322 (2.0 suite: the ETag is the quoted 40-hex SHA-1 of the document)."""
    import hashlib

    body = json.dumps({"a": 1}).encode()
    call(x, res, "PUT", "d1", body=body, headers={"If-None-Match": "*"})
    etag = call(x, res, "GET", "d1")["ETag"]
    assert etag == '"' + hashlib.sha1(body).hexdigest() + '"'  # noqa: S324


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_post_and_delete_honour_if_match(x, res, method):
    """XAPI-00322: a stale If-Match refuses POST and DELETE with 412 and changes nothing."""
    put_doc(x, res, "d1", {"a": 1})
    etag = call(x, res, "GET", "d1")["ETag"]
    stale = call(x, res, method, "d1", body={"b": 2}, headers={"If-Match": '"1234"'})
    assert stale.status_code == 412
    assert json.loads(call(x, res, "GET", "d1").content) == {"a": 1}
    assert call(x, res, method, "d1", body={"b": 2}, headers={"If-Match": etag}).status_code == 204
