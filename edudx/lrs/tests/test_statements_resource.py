"""Statements resource requirements (xAPI Communication part), for 1.0.3 and 2.0."""

import json

import pytest

from .conftest import stmt, uid

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _voiding(target):
    return stmt(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
    )


# ----- version negotiation


def test_request_without_version_header_is_rejected_with_400(x):
    assert x.get(version=None).status_code == 400


@pytest.mark.parametrize("header", ["0.9", "1.1.0", "3.0.0", "2.1", "garbage"])
def test_request_with_unsupported_version_is_rejected_with_400(x, header):
    assert x.get(version=header).status_code == 400


@pytest.mark.parametrize("header", ["1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.9"])
def test_any_1_0_x_version_header_is_accepted_and_answered_as_1_0_3(x, header):
    resp = x.get(version=header)
    assert resp.status_code == 200
    assert resp["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("header", ["2.0", "2.0.0", "2.0.1"])
def test_any_2_0_x_version_header_is_accepted_and_answered_as_2_0_0(x, header):
    resp = x.get(version=header)
    assert resp.status_code == 200
    assert resp["X-Experience-API-Version"] == "2.0.0"


def test_every_response_carries_the_version_header_even_errors(x):
    assert x.post({"bad": 1})["X-Experience-API-Version"] == x.version


def test_lrs_sets_the_statement_version_when_absent(x):
    sid = x.post(stmt()).json()[0]
    got = x.get({"statementId": sid}).json()
    assert got["version"] == ("1.0.0" if x.version == "1.0.3" else "2.0.0")


# ----- authentication


def test_request_without_credentials_is_rejected_with_401(x):
    x.auth = ""
    resp = x.get()
    assert resp.status_code == 401
    assert "WWW-Authenticate" in resp


def test_request_with_a_wrong_secret_is_rejected_with_401(x, lrs_cred):
    import base64

    x.auth = "Basic " + base64.b64encode(f"{lrs_cred[0].key}:wrong".encode()).decode()
    assert x.get().status_code == 401


def test_session_login_without_credential_gets_401(client_for, version):
    resp = client_for("dept_admin").get("/lrs/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION=version)
    assert resp.status_code == 401


def test_oauth2_client_credentials_token_authenticates(client, lrs_cred, version):
    cred, secret = lrs_cred
    tok = client.post(
        "/lrs/oauth/token",
        {"grant_type": "client_credentials", "client_id": cred.key, "client_secret": secret},
    )
    assert tok.status_code == 200
    bearer = tok.json()["access_token"]
    resp = client.get(
        "/lrs/xapi/statements", HTTP_AUTHORIZATION=f"Bearer {bearer}", HTTP_X_EXPERIENCE_API_VERSION=version
    )
    assert resp.status_code == 200


def test_oauth2_token_endpoint_refuses_a_wrong_secret(client, lrs_cred):
    resp = client.post(
        "/lrs/oauth/token",
        {"grant_type": "client_credentials", "client_id": lrs_cred[0].key, "client_secret": "x"},
    )
    assert resp.status_code == 401


# ----- POST / PUT


def test_post_single_statement_returns_200_with_array_of_ids(x):
    resp = x.post(stmt())
    assert resp.status_code == 200
    assert len(resp.json()) == 1


def test_post_array_returns_ids_in_order_and_generates_missing_ids(x):
    given = uid()
    resp = x.post([stmt(id=given), stmt()])
    ids = resp.json()
    assert ids[0] == given
    assert len(ids) == 2 and ids[1] != given


def test_post_batch_with_duplicate_ids_is_rejected(x):
    sid = uid()
    assert x.post([stmt(id=sid), stmt(id=sid)]).status_code == 400


def test_post_batch_is_atomic_when_one_statement_is_invalid(x):
    sid = uid()
    assert x.post([stmt(id=sid), {"actor": {}}]).status_code == 400
    assert x.get({"statementId": sid}).status_code == 404


def test_put_stores_statement_and_returns_204(x):
    sid = uid()
    assert x.put(stmt(), sid).status_code == 204
    assert x.get({"statementId": sid}).json()["id"] == sid


def test_put_without_statement_id_parameter_is_rejected(x):
    assert x.request("PUT", "statements", body=stmt()).status_code == 400


def test_put_with_mismatched_id_is_rejected(x):
    assert x.put(stmt(id=uid()), uid()).status_code == 400


def test_put_with_unknown_parameter_is_rejected(x):
    resp = x.request("PUT", "statements", params={"statementId": uid(), "foo": "1"}, body=stmt())
    assert resp.status_code == 400


def test_post_with_query_parameters_is_rejected(x):
    resp = x.request("POST", "statements", params={"foo": "1"}, body=stmt())
    assert resp.status_code == 400


def test_resending_the_same_statement_is_accepted_without_change(x):
    sid = uid()
    assert x.put(stmt(), sid).status_code == 204
    assert x.put(stmt(), sid).status_code == 204
    assert x.post(stmt(id=sid)).status_code == 200


def test_conflicting_statement_with_same_id_is_rejected_with_409(x):
    sid = uid()
    x.put(stmt(), sid)
    other = stmt(result={"success": False})
    assert x.put(other, sid).status_code == 409
    assert x.post(stmt(id=sid, result={"success": True})).status_code == 409


def test_stored_statement_is_immutable(x):
    sid = uid()
    x.put(stmt(), sid)
    x.put(stmt(verb={"id": "http://adlnet.gov/expapi/verbs/failed"}), sid)
    assert x.get({"statementId": sid}).json()["verb"]["id"].endswith("completed")


def test_non_json_content_type_is_rejected(x):
    resp = x.request("POST", "statements", body="x", content_type="text/plain")
    assert resp.status_code == 400


def test_lrs_sets_stored_authority_and_timestamp(x, lrs_cred):
    sid = x.post(stmt(authority={"mbox": "mailto:forged@example.vn"})).json()[0]
    got = x.get({"statementId": sid}).json()
    assert got["stored"].endswith("Z")
    assert got["timestamp"] == got["stored"]
    assert got["authority"] == lrs_cred[0].authority


def test_timestamp_precision_is_preserved(x):
    ts = "2026-03-16T08:00:00.123456Z"
    sid = x.post(stmt(timestamp=ts)).json()[0]
    assert x.get({"statementId": sid}).json()["timestamp"] == ts


def test_context_activities_are_returned_as_arrays(x):
    sid = x.post(stmt(context={"contextActivities": {"parent": {"id": "http://a.vn/course"}}})).json()[0]
    got = x.get({"statementId": sid}).json()
    assert got["context"]["contextActivities"]["parent"] == [{"id": "http://a.vn/course"}]


def test_credential_without_write_permission_gets_403(x, lrs_cred):
    lrs_cred[0].can_write = False
    lrs_cred[0].save()
    from edudx.lrs import services

    services._CACHE.clear()
    assert x.post(stmt()).status_code == 403


# ----- GET single


def test_get_by_statement_id_returns_the_statement_with_last_modified(x):
    sid = x.post(stmt()).json()[0]
    resp = x.get({"statementId": sid})
    assert resp.status_code == 200
    assert resp.json()["id"] == sid
    assert "Last-Modified" in resp
    assert "X-Experience-API-Consistent-Through" in resp


def test_get_unknown_statement_id_returns_404(x):
    assert x.get({"statementId": uid()}).status_code == 404


def test_get_with_both_statement_id_and_voided_statement_id_is_rejected(x):
    assert x.get({"statementId": uid(), "voidedStatementId": uid()}).status_code == 400


@pytest.mark.parametrize("param", ["agent", "verb", "activity", "since", "limit", "ascending"])
def test_get_with_statement_id_and_a_filter_is_rejected(x, param):
    values = {
        "agent": json.dumps({"mbox": "mailto:an@example.vn"}),
        "verb": "http://adlnet.gov/expapi/verbs/completed",
        "activity": "http://a.vn",
        "since": "2026-01-01T00:00:00Z",
        "limit": "1",
        "ascending": "true",
    }
    assert x.get({"statementId": uid(), param: values[param]}).status_code == 400


def test_get_with_unknown_parameter_is_rejected(x):
    assert x.get({"color": "red"}).status_code == 400


def test_head_returns_headers_without_body(x):
    sid = x.post(stmt()).json()[0]
    resp = x.request("HEAD", "statements", params={"statementId": sid})
    assert resp.status_code == 200
    assert resp.content == b""


# ----- voiding


def test_voided_statement_is_only_returned_by_voided_statement_id(x):
    target = x.post(stmt()).json()[0]
    assert x.post(_voiding(target)).status_code == 200
    assert x.get({"statementId": target}).status_code == 404
    assert x.get({"voidedStatementId": target}).json()["id"] == target
    ids = [s["id"] for s in x.get().json()["statements"]]
    assert target not in ids


def test_unvoided_statement_is_not_returned_by_voided_statement_id(x):
    sid = x.post(stmt()).json()[0]
    assert x.get({"voidedStatementId": sid}).status_code == 404


def test_voiding_statement_is_itself_returned_by_queries(x):
    target = x.post(stmt()).json()[0]
    voider = x.post(_voiding(target)).json()[0]
    assert voider in [s["id"] for s in x.get().json()["statements"]]


def test_voiding_a_voiding_statement_is_rejected(x):
    target = x.post(stmt()).json()[0]
    voider = x.post(_voiding(target)).json()[0]
    assert x.post(_voiding(voider)).status_code == 400


def test_statement_referencing_a_voided_statement_is_still_returned(x):
    target = x.post(stmt()).json()[0]
    ref = x.post(stmt(object={"objectType": "StatementRef", "id": target})).json()[0]
    x.post(_voiding(target))
    assert x.get({"statementId": ref}).status_code == 200


def test_statement_arriving_after_its_voider_is_stored_voided(x):
    target = uid()
    x.post(_voiding(target))
    x.put(stmt(), target)
    assert x.get({"statementId": target}).status_code == 404
    assert x.get({"voidedStatementId": target}).status_code == 200


# ----- query


@pytest.fixture
def corpus(x):
    reg = uid()
    s1 = stmt(context={"registration": reg, "instructor": {"mbox": "mailto:gv@example.vn"}})
    s2 = stmt(
        actor={"mbox": "mailto:binh@example.vn"},
        verb={"id": "http://adlnet.gov/expapi/verbs/attempted"},
        object={"id": "https://edudx.example/activities/van-6"},
        context={"contextActivities": {"parent": [{"id": "https://edudx.example/courses/lop6"}]}},
    )
    s3 = stmt(
        object={"objectType": "Agent", "mbox": "mailto:an@example.vn"}, actor={"mbox": "mailto:gv@example.vn"}
    )
    ids = [x.post(s).json()[0] for s in (s1, s2, s3)]
    return {"ids": ids, "reg": reg}


def _ids(resp):
    assert resp.status_code == 200, resp.content
    return [s["id"] for s in resp.json()["statements"]]


def test_query_by_agent_matches_actor_or_object(x, corpus):
    got = _ids(x.get({"agent": json.dumps({"mbox": "mailto:an@example.vn"})}))
    assert set(got) == {corpus["ids"][0], corpus["ids"][2]}


def test_query_by_agent_with_related_agents_matches_instructor(x, corpus):
    agent = json.dumps({"mbox": "mailto:gv@example.vn"})
    assert set(_ids(x.get({"agent": agent}))) == {corpus["ids"][2]}
    assert set(_ids(x.get({"agent": agent, "related_agents": "true"}))) == {
        corpus["ids"][0],
        corpus["ids"][2],
    }


def test_query_by_agent_with_related_agents_matches_authority(x, corpus, lrs_cred):
    agent = json.dumps(lrs_cred[0].authority)
    assert len(_ids(x.get({"agent": agent, "related_agents": "true"}))) == 3
    assert _ids(x.get({"agent": agent})) == []


def test_query_by_verb(x, corpus):
    assert _ids(x.get({"verb": "http://adlnet.gov/expapi/verbs/attempted"})) == [corpus["ids"][1]]


def test_query_by_activity_with_and_without_related_activities(x, corpus):
    parent = "https://edudx.example/courses/lop6"
    assert _ids(x.get({"activity": parent})) == []
    assert _ids(x.get({"activity": parent, "related_activities": "true"})) == [corpus["ids"][1]]


def test_query_by_registration(x, corpus):
    assert _ids(x.get({"registration": corpus["reg"]})) == [corpus["ids"][0]]


def test_query_filters_combine_with_and(x, corpus):
    got = _ids(x.get({"agent": json.dumps({"mbox": "mailto:an@example.vn"}), "registration": corpus["reg"]}))
    assert got == [corpus["ids"][0]]


def test_query_returns_newest_first_and_ascending_oldest_first(x, corpus):
    assert _ids(x.get()) == list(reversed(corpus["ids"]))
    assert _ids(x.get({"ascending": "true"})) == corpus["ids"]


def test_query_since_is_exclusive_and_until_inclusive(x, corpus):
    first = x.get({"statementId": corpus["ids"][0]}).json()["stored"]
    assert corpus["ids"][0] not in _ids(x.get({"since": first}))
    assert corpus["ids"][0] in _ids(x.get({"until": first}))


def test_query_limit_and_more_pages_through_everything_once(x, corpus):
    seen = []
    resp = x.get({"limit": "1"})
    while True:
        body = resp.json()
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            break
        assert body["more"].startswith("/lrs/xapi/statements?more=")
        resp = x.client.get(body["more"], HTTP_AUTHORIZATION=x.auth, HTTP_X_EXPERIENCE_API_VERSION=x.version)
    assert seen == list(reversed(corpus["ids"]))


def test_more_page_is_stable_when_statements_are_added(x, corpus):
    more = x.get({"limit": "2"}).json()["more"]
    x.post(stmt())
    resp = x.client.get(more, HTTP_AUTHORIZATION=x.auth, HTTP_X_EXPERIENCE_API_VERSION=x.version)
    assert _ids(resp) == [corpus["ids"][0]]


def test_tampered_more_token_is_rejected(x, corpus):
    assert x.get({"more": "abc"}).status_code == 400


def test_query_response_has_consistent_through_header(x, corpus):
    assert "X-Experience-API-Consistent-Through" in x.get()


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("agent", "not json"),
        ("agent", json.dumps({"name": "no ifi"})),
        ("verb", "not an iri"),
        ("registration", "nope"),
        ("since", "yesterday"),
        ("limit", "-1"),
        ("ascending", "maybe"),
        ("format", "full"),
    ],
)
def test_query_with_malformed_parameter_is_rejected(x, param, value):
    assert x.get({param: value}).status_code == 400


def test_statement_referencing_a_matching_statement_matches_its_filters(x):
    target = x.post(stmt(actor={"mbox": "mailto:chau@example.vn"})).json()[0]
    ref = x.post(
        stmt(actor={"mbox": "mailto:gv@example.vn"}, object={"objectType": "StatementRef", "id": target})
    ).json()[0]
    got = _ids(x.get({"agent": json.dumps({"mbox": "mailto:chau@example.vn"})}))
    assert set(got) == {target, ref}


# ----- formats


def test_format_ids_reduces_agents_activities_and_verbs_to_identifiers(x):
    sid = x.post(stmt()).json()[0]
    got = x.get({"statementId": sid, "format": "ids"}).json()
    assert got["actor"] == {"objectType": "Agent", "mbox": "mailto:an@example.vn"}
    assert got["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert got["object"] == {"id": "https://edudx.example/activities/toan-6-bai-1"}


def test_format_exact_returns_the_statement_as_stored(x):
    sid = x.post(stmt()).json()[0]
    got = x.get({"statementId": sid, "format": "exact"}).json()
    assert got["verb"]["display"] == {"en-US": "completed", "vi": "hoàn thành"}


def test_format_canonical_keeps_one_language_chosen_by_accept_language(x):
    sid = x.post(stmt()).json()[0]
    got = x.get(
        {"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "vi, en;q=0.5"}
    ).json()
    assert got["verb"]["display"] == {"vi": "hoàn thành"}
    assert got["object"]["definition"]["name"] == {"vi": "Toán 6 - Bài 1"}


def test_format_canonical_uses_the_merged_activity_definition(x):
    x.post(stmt())
    later = stmt()
    later["object"]["definition"] = {"description": {"vi": "Phân số"}}
    sid = x.post(later).json()[0]
    got = x.get({"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "vi"}).json()
    assert got["object"]["definition"]["name"] == {"vi": "Toán 6 - Bài 1"}
    assert got["object"]["definition"]["description"] == {"vi": "Phân số"}


# ----- scope


def test_reads_are_limited_to_the_credentials_unit(city, client, version):
    from edudx.core.actor import Actor
    from edudx.lrs import services

    from .conftest import XapiClient

    a_cred, a_secret = services.credential_issue(
        actor=Actor.system(), unit=city.schools[0].unit, name="A1 tool"
    )
    b_cred, b_secret = services.credential_issue(
        actor=Actor.system(), unit=city.schools[2].unit, name="B1 tool"
    )
    xa = XapiClient(client, a_cred.key, a_secret, version)
    xb = XapiClient(client, b_cred.key, b_secret, version)
    b_id = xb.post(stmt()).json()[0]
    assert xa.get({"statementId": b_id}).status_code == 404
    assert b_id not in _ids(xa.get())
    assert b_id in _ids(xb.get())
