"""Statements resource (xAPI Communication 2.1): PUT, POST, GET and HEAD, both versions."""

import datetime as dt
import json
import time

import pytest

from ._util import AGENT, get_one, post_ok, stmt, uid, voiding

# ----- PUT (2.1.1)


def test_put_returns_204_and_stores(x):
    """XAPI-00143, XAPI-00144."""
    sid = uid()
    resp = x.put(stmt(), sid)
    assert resp.status_code == 204 and resp.content == b""
    assert get_one(x, sid)["id"] == sid


def test_put_without_statement_id_is_400(x):
    """XAPI-00145."""
    resp = x.request("PUT", "statements", body=stmt(id=uid()))
    assert resp.status_code == 400


@pytest.mark.parametrize("value", ["true", "{'key': 'x'}", "123"])
def test_put_with_statement_id_not_a_uuid_is_400(x, value):
    """XAPI-00144 (statementId must be a UUID string)."""
    assert x.put(stmt(), value).status_code == 400


@pytest.mark.parametrize("first", ["POST", "PUT"])
def test_same_id_with_different_content_does_not_modify_the_statement(x, first):
    """XAPI-00142: a second statement with an existing id never changes the stored one."""
    sid = uid()
    original = stmt(id=sid)
    changed = stmt(id=sid, verb={"id": "http://example.vn/verbs/other"})
    if first == "POST":
        assert x.post(original).status_code == 200
        assert x.put(changed, sid).status_code == 409
    else:
        assert x.put(original, sid).status_code == 204
        assert x.post(changed).status_code == 409
    assert get_one(x, sid)["verb"]["id"] == original["verb"]["id"]


# ----- POST (2.1.2)


def test_post_returns_200_and_the_ids_in_order(x):
    """XAPI-00146, XAPI-00147."""
    given = [uid(), uid()]
    resp = x.post([stmt(id=given[0]), stmt(id=given[1]), stmt()])
    assert resp.status_code == 200
    ids = resp.json()
    assert ids[:2] == given and len(ids) == 3


def test_statements_endpoint_answers_get_put_and_post(x):
    """XAPI-00139, XAPI-00159."""
    assert x.post(stmt()).status_code == 200
    assert x.put(stmt(), uid()).status_code == 204
    assert x.get({"verb": "http://adlnet.gov/expapi/non/existent"}).status_code == 200


def test_post_containing_a_get_request(x):
    """XAPI-00148: 1.0.3 accepts a GET sent as POST ?method=GET; 2.0 removed that syntax."""
    sid = post_ok(x, stmt())
    resp = x.client.post(
        "/lrs/xapi/statements?method=GET",
        data=f"statementId={sid}&X-Experience-API-Version={x.version}&Authorization={x.auth}",
        content_type="application/x-www-form-urlencoded",
    )
    if x.version == "1.0.3":
        assert resp.status_code == 200
        assert json.loads(resp.content)["id"] == sid
    else:
        assert 400 <= resp.status_code < 500


def test_batch_with_one_bad_statement_stores_nothing(x):
    """XAPI-00326."""
    good = uid()
    resp = x.post([stmt(id=good), stmt(verb={"id": "not an iri"})])
    assert resp.status_code == 400
    assert x.get({"statementId": good}).status_code == 404


# ----- GET (2.1.3)


def test_empty_result_is_200_with_empty_statements(x):
    """XAPI-00112, XAPI-00149."""
    resp = x.get({"verb": "http://example.vn/verbs/never-used"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["statements"] == [] and body["more"] == ""


@pytest.mark.parametrize("single", ["statementId", "voidedStatementId"])
@pytest.mark.parametrize(
    "other",
    [
        ("agent", json.dumps(AGENT)),
        ("verb", "http://adlnet.gov/expapi/verbs/completed"),
        ("activity", "http://a.vn/act"),
        ("registration", "9e2b3f3c-1111-4d5e-9aaa-000000000000"),
        ("related_activities", "true"),
        ("related_agents", "true"),
        ("since", "2020-01-01T00:00:00Z"),
        ("until", "2030-01-01T00:00:00Z"),
        ("limit", "1"),
        ("ascending", "true"),
    ],
    ids=lambda p: p[0] if isinstance(p, tuple) else p,
)
def test_single_fetch_with_another_filter_is_400(x, single, other):
    """XAPI-00150 (voidedStatementId), XAPI-00151 (statementId)."""
    sid = post_ok(x, stmt())
    assert x.get({single: sid, other[0]: other[1]}).status_code == 400


@pytest.mark.parametrize("param", [("format", "ids"), ("attachments", "false")])
def test_single_fetch_with_format_or_attachments_is_allowed(x, param):
    """XAPI-00150, XAPI-00151: format and attachments are the two parameters allowed."""
    sid = post_ok(x, stmt())
    assert x.get({"statementId": sid, param[0]: param[1]}).status_code == 200


def test_consistent_through_is_not_before_any_stored(x):
    """XAPI-00152, XAPI-00160: the header is an ISO 8601 instant ≥ every returned `stored`."""
    post_ok(x, stmt())
    resp = x.get()
    through = dt.datetime.fromisoformat(resp["X-Experience-API-Consistent-Through"].replace("Z", "+00:00"))
    for s in resp.json()["statements"]:
        assert dt.datetime.fromisoformat(s["stored"].replace("Z", "+00:00")) <= through


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"statementId": "9e2b3f3c-1111-4d5e-9aaa-000000000000"},  # 404
        {"verb": "not an iri"},  # 400
    ],
    ids=["200", "404", "400"],
)
def test_consistent_through_header_whatever_the_status(x, params):
    """XAPI-00153."""
    resp = x.get(params)
    assert "X-Experience-API-Consistent-Through" in resp


def test_query_returns_a_statement_result(x):
    """XAPI-00110, XAPI-00113, XAPI-00154."""
    sid = post_ok(x, stmt())
    resp = x.get()
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"statements", "more"}
    assert isinstance(body["statements"], list) and body["statements"][0]["id"] == sid


def test_get_by_statement_id_returns_the_statement(x):
    """XAPI-00156, XAPI-00158."""
    sid = post_ok(x, stmt())
    resp = x.get({"statementId": sid})
    assert resp.status_code == 200
    assert resp.json()["id"] == sid


def test_get_by_voided_statement_id_returns_the_voided_statement(x):
    """XAPI-00155, XAPI-00157."""
    sid = post_ok(x, stmt())
    post_ok(x, voiding(sid))
    resp = x.get({"voidedStatementId": sid})
    assert resp.status_code == 200
    assert resp.json()["id"] == sid


def test_get_has_a_content_type(x):
    """XAPI-00165."""
    sid = post_ok(x, stmt())
    assert x.get()["Content-Type"].startswith("application/json")
    assert x.get({"statementId": sid})["Content-Type"].startswith("application/json")


def test_attachments_false_returns_json_only(x):
    """XAPI-00161."""
    post_ok(x, stmt())
    resp = x.get({"attachments": "false"})
    assert resp["Content-Type"].startswith("application/json")
    assert resp.json()["statements"]


def test_ascending_orders_oldest_first(x):
    """XAPI-00166."""
    ids = [post_ok(x, stmt()) for _ in range(3)]
    asc = [s["id"] for s in x.get({"ascending": "true"}).json()["statements"]]
    desc = [s["id"] for s in x.get({"ascending": "false"}).json()["statements"]]
    assert asc == ids and desc == ids[::-1]


def test_format_absent_means_exact(x):
    """XAPI-00168, XAPI-00170: no format = exact = the statement as received (plus LRS-set properties)."""
    s = stmt(context={"contextActivities": {"parent": [{"id": "http://a.vn/c"}]}})
    sid = post_ok(x, s)
    default = x.get({"statementId": sid}).json()
    exact = x.get({"statementId": sid, "format": "exact"}).json()
    assert default == exact
    for key in ("actor", "verb", "object", "context"):
        assert exact[key] == s[key]


def test_format_canonical_returns_one_language(x):
    """XAPI-00169, XAPI-00172."""
    sid = post_ok(x, stmt())
    got = x.get({"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "vi"}).json()
    assert got["verb"]["display"] == {"vi": "hoàn thành"}
    assert got["object"]["definition"]["name"] == {"vi": "Toán 6 - Bài 1"}


def test_format_ids_keeps_only_identifiers(x):
    """XAPI-00171, including the members of anonymous groups."""
    s = stmt(actor={"objectType": "Group", "name": "Lớp 6A1", "member": [dict(AGENT, name="An")]})
    sid = post_ok(x, s)
    got = x.get({"statementId": sid, "format": "ids"}).json()
    assert got["actor"]["member"] == [{"objectType": "Agent", "mbox": AGENT["mbox"]}]
    assert "name" not in got["actor"]
    assert got["verb"] == {"id": s["verb"]["id"]}
    # an Activity is identified by its id alone (objectType defaults to Activity)
    assert got["object"] == {"id": s["object"]["id"]}


def test_format_ids_reduces_a_substatement_to_identifiers(x):
    """XAPI-00171, as the suite checks it: inside a SubStatement the activity is `{id}` alone,
    an identified Group keeps objectType and its one identifier, members dropped."""
    group = {"objectType": "Group", "name": "Tổ 1", "mbox": "mailto:to1@example.vn", "member": [AGENT]}
    activity = {
        "objectType": "Activity",
        "id": "http://edudx.example/a/1",
        "definition": {"name": {"vi": "Bài 1"}},
    }
    s = stmt(
        object={
            "objectType": "SubStatement",
            "actor": group,
            "verb": {"id": "http://a.vn/v"},
            "object": activity,
        }
    )
    sid = post_ok(x, s)
    got = x.get({"statementId": sid, "format": "ids"}).json()["object"]
    assert got["objectType"] == "SubStatement"
    assert got["actor"] == {"objectType": "Group", "mbox": "mailto:to1@example.vn"}
    assert got["object"] == {"id": "http://edudx.example/a/1"}
    listed = [st for st in x.get({"format": "ids"}).json()["statements"] if st["id"] == sid]
    assert listed[0]["object"]["object"] == {"id": "http://edudx.example/a/1"}


@pytest.mark.parametrize("value", ["yes", "xml"])
def test_bad_format_or_boolean_is_400(x, value):
    """XAPI-00168 (format values are ids, exact or canonical)."""
    assert x.get({"format": value}).status_code == 400


def test_limit_caps_the_page_and_more_continues(x):
    """XAPI-00108, XAPI-00111, XAPI-00114, XAPI-00173."""
    ids = [post_ok(x, stmt()) for _ in range(3)]
    first = x.get({"limit": "2"}).json()
    assert len(first["statements"]) == 2 and first["more"]
    assert first["more"].startswith("/lrs/xapi/statements?")
    nxt = x.client.get(first["more"], HTTP_AUTHORIZATION=x.auth, HTTP_X_EXPERIENCE_API_VERSION=x.version)
    assert nxt.status_code == 200
    page2 = nxt.json()
    assert set(page2) == {"statements", "more"}
    seen = [s["id"] for s in first["statements"] + page2["statements"]]
    assert sorted(seen) == sorted(ids)


def test_more_is_empty_when_everything_was_returned(x):
    """XAPI-00109."""
    post_ok(x, stmt())
    assert x.get({"limit": "5"}).json()["more"] == ""


def test_until_and_since_bound_stored(x):
    """XAPI-00174, XAPI-00175."""
    a = post_ok(x, stmt())
    stored_a = get_one(x, a)["stored"]
    time.sleep(0.01)
    b = post_ok(x, stmt())
    until = [s["id"] for s in x.get({"until": stored_a}).json()["statements"]]
    since = [s["id"] for s in x.get({"since": stored_a}).json()["statements"]]
    assert until == [a]
    assert since == [b]


def test_agent_filter_exact_and_related(x):
    """XAPI-00176, XAPI-00181."""
    teacher = {"objectType": "Agent", "mbox": "mailto:teacher@example.vn"}
    direct = post_ok(x, stmt(actor=teacher))
    related = post_ok(x, stmt(context={"instructor": teacher}))
    in_sub = post_ok(
        x,
        stmt(
            object={
                "objectType": "SubStatement",
                "actor": teacher,
                "verb": stmt()["verb"],
                "object": stmt()["object"],
            }
        ),
    )
    post_ok(x, stmt())
    exact = [s["id"] for s in x.get({"agent": json.dumps(teacher)}).json()["statements"]]
    wide = {
        s["id"] for s in x.get({"agent": json.dumps(teacher), "related_agents": "true"}).json()["statements"]
    }
    assert exact == [direct]
    assert wide == {direct, related, in_sub}


def test_activity_filter_exact_and_related(x):
    """XAPI-00177, XAPI-00179."""
    act = "http://a.vn/course-1"
    direct = post_ok(x, stmt(object={"id": act}))
    related = post_ok(x, stmt(context={"contextActivities": {"grouping": [{"id": act}]}}))
    post_ok(x, stmt())
    exact = [s["id"] for s in x.get({"activity": act}).json()["statements"]]
    wide = {s["id"] for s in x.get({"activity": act, "related_activities": "true"}).json()["statements"]}
    assert exact == [direct]
    assert wide == {direct, related}


def test_registration_filter(x):
    """XAPI-00178."""
    reg = uid()
    want = post_ok(x, stmt(context={"registration": reg}))
    post_ok(x, stmt(context={"registration": uid()}))
    assert [s["id"] for s in x.get({"registration": reg}).json()["statements"]] == [want]


def test_verb_filter(x):
    """XAPI-00180."""
    want = post_ok(x, stmt(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}))
    post_ok(x, stmt())
    got = x.get({"verb": "http://adlnet.gov/expapi/verbs/attempted"}).json()["statements"]
    assert [s["id"] for s in got] == [want]


def test_results_match_every_filter_given(x):
    """XAPI-00164."""
    reg = uid()
    both = post_ok(x, stmt(context={"registration": reg}))
    post_ok(x, stmt(context={"registration": reg}, verb={"id": "http://a.vn/v/other"}))
    got = x.get({"registration": reg, "verb": stmt()["verb"]["id"]}).json()["statements"]
    assert [s["id"] for s in got] == [both]


def test_context_activities_come_back_as_arrays(x):
    """XAPI-00096."""
    sid = post_ok(x, stmt(context={"contextActivities": {"parent": {"id": "http://a.vn/c"}}}))
    assert get_one(x, sid)["context"]["contextActivities"]["parent"] == [{"id": "http://a.vn/c"}]


# ----- HEAD (1.1)


@pytest.mark.parametrize(
    "params", [{}, {"statementId": "SID"}, {"verb": "bad"}], ids=["query", "single", "error"]
)
def test_head_answers_like_get_without_a_body(x, params):
    """XAPI-00125, XAPI-00126."""
    sid = post_ok(x, stmt())
    params = {k: (sid if v == "SID" else v) for k, v in params.items()}
    got = x.get(params)
    head = x.request("HEAD", "statements", params=params)
    assert head.status_code == got.status_code
    assert head.content == b""
    assert head["X-Experience-API-Version"] == got["X-Experience-API-Version"]
    assert head["Content-Type"] == got["Content-Type"]


def test_resources_answer_head(x):
    """XAPI-00126 for the document resources too."""
    params = {"activityId": "http://a.vn/act", "agent": json.dumps(AGENT), "stateId": "s"}
    x.request("PUT", "activities/state", params=params, body={"a": 1})
    head = x.request("HEAD", "activities/state", params=params)
    assert head.status_code == 200 and head.content == b"" and head["ETag"]


def test_single_fetch_last_modified_matches_stored(x):
    """XAPI-00156 (2.0 suite): Last-Modified of a single statement is its `stored`, to the second."""
    from email.utils import parsedate_to_datetime

    sid = post_ok(x, stmt())
    resp = x.get({"statementId": sid})
    stored = dt.datetime.fromisoformat(resp.json()["stored"].replace("Z", "+00:00"))
    assert parsedate_to_datetime(resp["Last-Modified"]) == stored.replace(microsecond=0)
