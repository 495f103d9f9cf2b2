"""Voiding (xAPI Data 2.3.2, Communication 2.1.3), both versions."""

import json

from ._util import VOIDED, post_ok, stmt, uid, voiding


def test_voiding_a_voiding_statement_is_rejected(x):
    """XAPI-00016 (the LRS may reject it: we do, with 400, and store nothing)."""
    target = post_ok(x, stmt())
    voider = post_ok(x, voiding(target))
    resp = x.post(voiding(voider))
    assert resp.status_code == 400
    assert x.get({"statementId": voider}).status_code == 200


def test_voided_statement_is_404_by_statement_id(x):
    """XAPI-00018."""
    target = post_ok(x, stmt())
    post_ok(x, voiding(target))
    assert x.get({"statementId": target}).status_code == 404


def test_verb_ending_in_voided_other_than_adl_is_an_ordinary_statement(x):
    """XAPI-00019: only the ADL voided verb voids; the statement it names stays visible."""
    target = post_ok(x, stmt())
    post_ok(
        x,
        stmt(
            verb={"id": "http://example.vn/verbs/voided"}, object={"objectType": "StatementRef", "id": target}
        ),
    )
    assert x.get({"statementId": target}).status_code == 200


def test_voiding_statement_object_must_be_a_statementref(x):
    """XAPI-00017, XAPI-00020."""
    assert x.post(stmt(verb={"id": VOIDED})).status_code == 400
    target = post_ok(x, stmt())
    assert x.post(voiding(target)).status_code == 200


def test_query_returns_references_to_a_voided_statement_but_not_it(x):
    """XAPI-00162."""
    target = post_ok(x, stmt())
    ref = post_ok(x, stmt(object={"objectType": "StatementRef", "id": target}))
    voider = post_ok(x, voiding(target))
    ids = {s["id"] for s in x.get().json()["statements"]}
    assert target not in ids
    assert {ref, voider} <= ids


def test_filter_matching_the_voided_statement_returns_its_voider_and_referrers(x):
    """XAPI-00162 (Communication 2.1.4.s1.b2): filtering by the voided statement's verb (or
    agent) returns the statements that target it — the voiding statement as well as a
    plain StatementRef — but never the voided statement itself; `limit` counts only them."""
    verb = f"http://edudx.example/verbs/{uid()}"
    target = post_ok(x, stmt(verb={"id": verb}))
    voider = post_ok(x, voiding(target))
    ref = post_ok(x, stmt(verb={"id": verb}, object={"objectType": "StatementRef", "id": target}))
    got = [s["id"] for s in x.get({"verb": verb}).json()["statements"]]
    assert got == [ref, voider]  # newest first
    assert [s["id"] for s in x.get({"verb": verb, "limit": "1"}).json()["statements"]] == [ref]


def test_voided_statement_only_by_voided_statement_id(x):
    """XAPI-00163."""
    target = post_ok(x, stmt())
    post_ok(x, voiding(target))
    assert all(s["id"] != target for s in x.get({"verb": stmt()["verb"]["id"]}).json()["statements"])
    assert all(s["id"] != target for s in x.get({"agent": json.dumps(stmt()["actor"])}).json()["statements"])
    assert x.get({"voidedStatementId": target}).json()["id"] == target
