"""Issue #12 item 3: a key reads and writes only inside its unit's subtree. A statement (or a
document) outside it is, to that key, one the LRS does not have — by every path: voiding,
late voiding, PUT/POST conflicts, GET by id, GET voidedStatementId, filters, StatementRef
keys, documents and `more` links. Item 5: the unfiltered feed pages in (stored, id) order
by each of its read strategies."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from edudx.core.actor import Actor
from edudx.lrs import services
from edudx.lrs.models import Credential, Statement

from .conftest import XapiClient, stmt, uid

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
V2 = "2.0.0"


def _voiding(target):
    return stmt(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
    )


def _named(sid, name="Nguyễn Văn An", **over):
    s = stmt(**over)
    s["id"] = sid
    s["actor"] = dict(s["actor"], name=name)
    return s


@pytest.fixture
def keys(city, client):
    """Keys of school A1, school B1 (another ward), ward A and the department."""

    def key(unit, name):
        cred, secret = services.credential_issue(actor=Actor.system(), unit=unit, name=name)
        return XapiClient(client, cred.key, secret, V2)

    class Keys:
        a = key(city.schools[0].unit, "A1 tool")
        b = key(city.schools[2].unit, "B1 tool")
        ward_a = key(city.wards[0], "Ward A tool")
        dept = key(city.dept, "Department tool")

    return Keys


def _ok(resp, status=200):
    assert resp.status_code == status, resp.content
    return resp


# ----- voiding


def test_voiding_a_foreign_statement_is_accepted_and_voids_nothing(keys):
    sid = uid()
    _ok(keys.a.post(_named(sid)))
    # Accepted, as a voiding statement for a statement the LRS does not have is.
    _ok(keys.b.post(_voiding(sid)))
    assert keys.a.get({"statementId": sid}).json()["id"] == sid
    assert keys.a.get({"voidedStatementId": sid}).status_code == 404
    assert not Statement.objects.get(statement_id=sid).voided
    # The voider's own view: the target is simply absent.
    assert keys.b.get({"voidedStatementId": sid}).status_code == 404
    assert keys.b.get({"statementId": sid}).status_code == 404


def test_voiding_a_statement_in_the_subtree_still_voids_it(keys):
    sid = uid()
    _ok(keys.a.post(_named(sid)))
    _ok(keys.dept.post(_voiding(sid)))  # the department's subtree holds school A1
    assert keys.a.get({"statementId": sid}).status_code == 404
    assert keys.a.get({"voidedStatementId": sid}).json()["id"] == sid


def test_a_late_void_never_crosses_schools(keys):
    sid = uid()
    _ok(keys.b.post(_voiding(sid)))  # B voids an id nobody has yet
    _ok(keys.a.put(_named(sid), sid), 204)  # then A stores a statement with that id
    assert keys.a.get({"statementId": sid}).json()["id"] == sid
    assert keys.a.get({"voidedStatementId": sid}).status_code == 404
    # B's own statement of that id arrives later: B's voider applies to it.
    _ok(keys.b.put(_named(sid, name="Trần Thị Bình"), sid), 204)
    assert keys.b.get({"statementId": sid}).status_code == 404
    assert keys.b.get({"voidedStatementId": sid}).json()["actor"]["name"] == "Trần Thị Bình"
    # ...and A's is untouched.
    assert keys.a.get({"statementId": sid}).json()["actor"]["name"] == "Nguyễn Văn An"


def test_a_late_void_from_an_ancestor_applies(keys):
    sid = uid()
    _ok(keys.dept.post(_voiding(sid)))
    _ok(keys.a.post(_named(sid)))
    assert keys.a.get({"statementId": sid}).status_code == 404
    assert keys.a.get({"voidedStatementId": sid}).json()["id"] == sid


def test_a_late_void_from_a_sibling_school_in_the_same_batch_path(keys):
    """A's statement arriving in a batch with other statements: only its own unit's (and
    ancestors') voiders count, whichever unit voided the id first."""
    sid, other = uid(), uid()
    _ok(keys.b.post(_voiding(sid)))
    _ok(keys.ward_a.post(_voiding(other)))
    _ok(keys.a.post([_named(sid), _named(other)]))
    assert keys.a.get({"statementId": sid}).status_code == 200  # B is not an ancestor of A1
    assert keys.a.get({"statementId": other}).status_code == 404  # ward A is


def test_voiding_a_foreign_voiding_statement_answers_as_for_an_unknown_id(keys):
    target, voider = uid(), uid()
    _ok(keys.a.post([_named(target), dict(_voiding(target), id=voider)]))
    # In A's subtree this is refused (a voiding statement cannot be voided)...
    assert keys.a.post(_voiding(voider)).status_code == 400
    # ...to B, A's voider does not exist: accepted, like a void of any unknown id.
    _ok(keys.b.post(_voiding(voider)))
    assert keys.a.get({"voidedStatementId": target}).json()["id"] == target


# ----- conflicts (PUT / POST with an id used outside the subtree)


def test_put_of_a_foreign_id_is_answered_and_stored_as_a_new_statement(keys):
    sid = uid()
    _ok(keys.a.put(_named(sid), sid), 204)
    # Different content under A's id: to B the id is new (no 409 telling it exists).
    _ok(keys.b.put(_named(sid, name="Trần Thị Bình"), sid), 204)
    assert keys.b.get({"statementId": sid}).json()["actor"]["name"] == "Trần Thị Bình"
    assert keys.a.get({"statementId": sid}).json()["actor"]["name"] == "Nguyễn Văn An"
    # Within B's own subtree the usual rules hold: same content again is fine, other is 409.
    _ok(keys.b.put(_named(sid, name="Trần Thị Bình"), sid), 204)
    assert keys.b.put(_named(sid, name="Lê Văn Cường"), sid).status_code == 409
    # The first statement stored under the id is what a key seeing both is answered.
    assert keys.dept.get({"statementId": sid}).json()["actor"]["name"] == "Nguyễn Văn An"
    assert keys.dept.put(_named(sid, name="Lê Văn Cường"), sid).status_code == 409


def test_post_of_a_foreign_id_answers_exactly_as_for_an_unused_id(keys):
    foreign, unused = uid(), uid()
    _ok(keys.a.post(_named(foreign)))
    got_foreign = keys.b.post(_named(foreign, name="Trần Thị Bình"))
    got_unused = keys.b.post(_named(unused, name="Trần Thị Bình"))
    assert (got_foreign.status_code, got_foreign.json()) == (200, [foreign])
    assert (got_unused.status_code, got_unused.json()) == (200, [unused])
    assert Statement.objects.filter(statement_id=foreign).count() == 2


def test_an_ancestors_statement_does_not_block_a_school_writing_the_id(keys):
    sid = uid()
    _ok(keys.dept.put(_named(sid), sid), 204)
    _ok(keys.a.put(_named(sid, name="Trần Thị Bình"), sid), 204)
    assert keys.a.get({"statementId": sid}).json()["actor"]["name"] == "Trần Thị Bình"


# ----- reads


def test_get_of_a_foreign_id_answers_exactly_as_for_an_unknown_id(keys):
    sid, voided = uid(), uid()
    _ok(keys.a.post([_named(sid), _named(voided)]))
    _ok(keys.a.post(_voiding(voided)))
    for param, target in (("statementId", sid), ("voidedStatementId", voided)):
        foreign = keys.b.get({param: target})
        unknown = keys.b.get({param: uid()})
        assert foreign.status_code == unknown.status_code == 404
        assert foreign.content == unknown.content
        assert keys.a.get({param: target}).status_code == 200


def test_feed_and_filters_hold_only_the_subtree(keys):
    ids_a = keys.a.post([_named(uid()) for _ in range(3)]).json()
    ids_b = keys.b.post([_named(uid()) for _ in range(2)]).json()
    agent = json.dumps(stmt()["actor"])

    def seen(k, params=None):
        return {s["id"] for s in _ok(k.get(params)).json()["statements"]}

    assert seen(keys.a) == set(ids_a)
    assert seen(keys.b) == set(ids_b)
    assert seen(keys.b, {"agent": agent}) == set(ids_b)
    assert seen(keys.b, {"verb": stmt()["verb"]["id"]}) == set(ids_b)
    assert seen(keys.ward_a) == set(ids_a)
    assert seen(keys.dept) == set(ids_a) | set(ids_b)


def test_a_reference_to_a_foreign_statement_inherits_none_of_its_keys(keys):
    secret_agent = {"objectType": "Agent", "mbox": "mailto:hoc.sinh.truong.a@example.vn"}
    target = uid()
    _ok(keys.a.post(dict(_named(target), actor=secret_agent)))
    ref = stmt(object={"objectType": "StatementRef", "id": target})
    _ok(keys.b.post([ref, _voiding(target)]))
    for params in (
        {"agent": json.dumps(secret_agent)},
        {"agent": json.dumps(secret_agent), "related_agents": "true"},
    ):
        assert _ok(keys.b.get(params)).json()["statements"] == []
    # The same reference inside A's own subtree does inherit them (the spec's rule).
    _ok(keys.a.post(stmt(object={"objectType": "StatementRef", "id": target})))
    assert len(keys.a.get({"agent": json.dumps(secret_agent)}).json()["statements"]) == 2


def test_a_more_link_works_only_for_the_key_scope_it_was_made_for(keys):
    keys.a.post([_named(uid()) for _ in range(3)])
    more = _ok(keys.a.get({"limit": 1})).json()["more"]
    assert more
    token = more.split("more=", 1)[1]
    assert _ok(keys.a.get({"more": token})).json()["statements"]
    for other in (keys.b, keys.ward_a, keys.dept):
        assert other.get({"more": token}).status_code == 400
    assert keys.a.get({"more": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")}).status_code == 400


# ----- documents


def _doc(k, resource, params, method="GET", body=None, headers=None):
    return k.request(method, resource, params=params, body=body, headers=headers)


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        (
            "activities/state",
            {
                "activityId": "https://edudx.example/activities/toan-6",
                "agent": json.dumps({"mbox": "mailto:an@example.vn"}),
                "stateId": "tien-do",
            },
        ),
        (
            "activities/profile",
            {"activityId": "https://edudx.example/activities/toan-6", "profileId": "cau-hinh"},
        ),
        ("agents/profile", {"agent": json.dumps({"mbox": "mailto:an@example.vn"}), "profileId": "so-thich"}),
    ],
)
def test_foreign_documents_are_documents_the_lrs_does_not_have(keys, resource, params):
    new = {"If-None-Match": "*"}
    _ok(_doc(keys.a, resource, params, "PUT", {"diem": 7}, new), 204)
    listing = {k: v for k, v in params.items() if k not in ("stateId", "profileId")}
    for other in (keys.b, keys.ward_a, keys.dept):
        assert _doc(other, resource, params).status_code == 404
        assert _doc(other, resource, listing).json() == []
    # B writes "the same" document: new to B (If-None-Match: * holds), A's untouched.
    _ok(_doc(keys.b, resource, params, "PUT", {"diem": 1}, new), 204)
    _ok(_doc(keys.b, resource, params, "POST", {"them": True}), 204)
    _ok(_doc(keys.b, resource, params, "DELETE"), 204)
    assert _doc(keys.b, resource, params).status_code == 404
    assert _doc(keys.a, resource, params).json() == {"diem": 7}
    # An ETag of A's document means nothing to B.
    etag = _doc(keys.a, resource, params)["ETag"]
    assert _doc(keys.b, resource, params, "PUT", {"diem": 2}, {"If-Match": etag}).status_code == 412


# ----- the unfiltered feed (item 5): every strategy pages through in (stored, id) order


@pytest.fixture
def feed(keys):
    """12 statements in A1, 5 in B1, 4 by the department; batches share `stored`, so paging
    must settle ties on id."""
    keys.a.post([_named(uid()) for _ in range(7)])
    keys.b.post([_named(uid()) for _ in range(5)])
    keys.a.post([_named(uid()) for _ in range(5)])
    keys.dept.post([_named(uid()) for _ in range(4)])
    voided = keys.a.post(_named(uid())).json()[0]
    keys.a.post(_voiding(voided))  # the voider is in the feed, the voided one is not
    return keys


def _expected(unit_prefix, ascending=False):
    rows = Statement.objects.filter(unit_path__startswith=unit_prefix, voided=False).order_by("stored", "id")
    ids = [str(r.statement_id) for r in rows]
    return ids if ascending else ids[::-1]


def _walk(k, params):
    out, resp = [], _ok(k.get(params)).json()
    while True:
        out += [s["id"] for s in resp["statements"]]
        if not resp["more"]:
            return out
        resp = _ok(k.get({"more": resp["more"].split("more=", 1)[1]})).json()


@pytest.mark.parametrize("ascending", [False, True])
@pytest.mark.parametrize("fanout", [32, 1], ids=["per-unit", "stored-order"])
def test_unfiltered_feed_pages_in_order_for_every_key(feed, city, monkeypatch, ascending, fanout):
    from edudx.lrs.xapi import query

    monkeypatch.setattr(query, "UNIT_FANOUT", fanout)
    params = {"limit": 2, **({"ascending": "true"} if ascending else {})}
    for k, unit in ((feed.a, city.schools[0].unit), (feed.ward_a, city.wards[0]), (feed.dept, city.dept)):
        assert _walk(k, params) == _expected(unit.path, ascending)
    assert _walk(feed.b, params) == _expected(city.schools[2].unit.path, ascending)


def test_unfiltered_feed_honours_since_and_until(feed, city):
    rows = list(Statement.objects.filter(voided=False).order_by("stored", "id"))
    since, until = rows[3].stored, rows[-3].stored
    got = _walk(feed.dept, {"limit": 3, "since": since.isoformat(), "until": until.isoformat()})
    assert got == [str(r.statement_id) for r in rows if since < r.stored <= until][::-1]
    got_a = _walk(feed.a, {"limit": 3, "since": since.isoformat(), "until": until.isoformat()})
    a_path = city.schools[0].unit.path
    assert (
        got_a
        == [
            str(r.statement_id) for r in rows if since < r.stored <= until and r.unit_path.startswith(a_path)
        ][::-1]
    )


def test_the_department_feed_walks_the_stored_order_without_a_unit_condition(feed, city):
    from edudx.lrs.xapi import query

    assert query.holds_whole_store(city.dept.path)
    assert not query.holds_whole_store(city.wards[0].path)
    assert query.unit_paths_in(city.wards[0].path, 32) == [city.schools[0].unit.path]
    assert query.unit_paths_in(city.dept.path, 1) is None
    assert query.unit_paths_in(city.schools[1].unit.path, 32) == []
    assert _ok(feed.b.get({"limit": 1})).json()["more"]


def test_a_key_whose_subtree_holds_no_statement_gets_an_empty_feed(keys, city):
    keys.a.post(_named(uid()))
    cred, secret = services.credential_issue(actor=Actor.system(), unit=city.schools[3].unit, name="D")
    empty = XapiClient(keys.a.client, cred.key, secret, V2)
    assert _ok(empty.get()).json() == {"statements": [], "more": ""}


# ----- the console (edudx lrs_key)


def _run(*args):
    out = StringIO()
    call_command("lrs_key", *args, stdout=out)
    return out.getvalue()


def test_lrs_key_create_list_revoke(city, client):
    school = city.schools[0].unit
    out = _run("create", "--unit", school.code, "--name", "Phần mềm LMS", "--scope", "read")
    key = re.search(r"key:\s+(\S+)", out).group(1)
    secret = re.search(r"secret:\s+(\S+)", out).group(1)
    cred = Credential.objects.get(key=key)
    assert (cred.unit, cred.unit_path, cred.can_read, cred.can_write) == (school, school.path, True, False)
    assert secret not in cred.secret_hash
    x = XapiClient(client, key, secret, V2)
    assert x.get().status_code == 200
    assert x.post(stmt()).status_code == 403  # read scope only
    listed = _run("list", "--unit", city.wards[0].code)
    assert key in listed and "read\tactive" in listed
    assert key not in _run("list", "--unit", city.wards[1].code)
    assert "revoked" in _run("revoke", key)
    services._CACHE.clear()
    assert x.get().status_code == 401
    assert key not in _run("list")
    assert "revoked" in _run("list", "--all")


@pytest.mark.parametrize(
    "args",
    [
        ("create", "--unit", "NO-SUCH-UNIT", "--name", "x"),
        ("create", "--unit", "SGD", "--name", "x", "--scope", "admin"),
        ("create", "--unit", "SGD", "--name", "   "),
        ("revoke", "lrs_nosuchkey"),
        ("create", "--unit", "SGD", "--name", "x", "--user", "nobody-here"),
    ],
)
def test_lrs_key_refuses_bad_input_with_a_message(city, args):
    with pytest.raises(CommandError):
        _run(*args)


def test_lrs_key_as_a_user_stays_in_the_users_scope(city):
    from edudx.core.roles import Role

    user = city.users[Role.SCHOOL_ADMIN]
    own = city.schools[0].unit
    other = city.schools[2].unit
    mine = _run("create", "--unit", own.code, "--name", "x", "--user", user.username)
    assert "key:" in mine
    with pytest.raises(CommandError):
        _run("create", "--unit", other.code, "--name", "x", "--user", user.username)


# ----- the analytics warehouse voids as the LRS does


def test_the_dashboard_figures_ignore_a_foreign_voiding_statement(city):
    from edudx.lrs import selectors

    a, b = city.schools[0].unit, city.schools[2].unit
    dept = city.scope_of("dept_admin")

    def record(statement, unit):
        return services.statement_record(actor=city.actor_of("teacher"), statement=statement, unit=unit)

    def summary(*, scope):
        services.analytics_refresh()
        return selectors.statement_summary(scope=scope)

    target, late = uid(), uid()
    record(stmt(id=target, actor={"mbox": "mailto:a1@x.vn"}), a)
    assert summary(scope=dept)["totals"]["statements"] == 1  # exported: part 1
    record(_voiding(target), b)  # part 2: B's voider names A's statement
    record(_voiding(late), b)  # and an id A has not sent yet
    assert summary(scope=dept)["totals"]["statements"] == 1
    record(stmt(id=late, actor={"mbox": "mailto:a2@x.vn"}), a)  # part 3: A's statement of that id
    totals = summary(scope=dept)["totals"]
    assert totals["statements"] == 2 and totals["learners"] == 2
    record(_voiding(target), a)  # A's own voider does remove it
    assert summary(scope=dept)["totals"]["statements"] == 1


def test_a_key_seeing_two_statements_of_one_id_is_served_each_by_its_kind(keys):
    sid = uid()
    _ok(keys.a.post(_named(sid)))
    _ok(keys.a.post(_voiding(sid)))  # A's statement is voided
    _ok(keys.b.put(_named(sid, name="Trần Thị Bình"), sid), 204)  # B's, same id, is not
    assert keys.dept.get({"statementId": sid}).json()["actor"]["name"] == "Trần Thị Bình"
    assert keys.dept.get({"voidedStatementId": sid}).json()["actor"]["name"] == "Nguyễn Văn An"
    assert keys.a.get({"statementId": sid}).status_code == 404
    assert keys.b.get({"voidedStatementId": sid}).status_code == 404
