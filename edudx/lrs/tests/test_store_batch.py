"""The batch write path (xapi/store.py): work done before the write lock, plain-SQL lookups,
the covering key index."""

import pytest
from django.db import connection

from edudx.lrs.models import Statement, StatementKey
from edudx.lrs.xapi.keys import key_hash

from .conftest import stmt, uid

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _voiding(target):
    return stmt(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
    )


def test_batch_with_a_resent_statement_stores_only_the_new_one(x):
    old = uid()
    assert x.post(stmt(id=old)).status_code == 200
    new = uid()
    r = x.post([stmt(id=old), stmt(id=new), stmt()])
    assert r.status_code == 200
    ids = r.json()
    assert ids[:2] == [old, new] and len(ids) == 3
    assert Statement.objects.count() == 3
    assert StatementKey.objects.filter(statement__statement_id=old).count() == len(
        set(StatementKey.objects.filter(statement__statement_id=new).values_list("key", flat=True))
    )


def test_batch_with_a_conflicting_statement_stores_nothing(x):
    old = uid()
    x.post(stmt(id=old))
    changed = stmt(id=old, result={"success": False})
    r = x.post([stmt(), changed])
    assert r.status_code == 409
    assert Statement.objects.count() == 1


def test_resent_statement_with_upper_case_id_is_the_same_statement(x):
    sid = uid()
    assert x.post(stmt(id=sid.upper())).json() == [sid]
    assert x.post([stmt(id=sid.upper())]).json() == [sid]
    assert x.get({"statementId": sid}).json()["id"] == sid
    assert Statement.objects.count() == 1


def test_lrs_filled_timestamp_equals_stored_and_resend_matches(x):
    sid = uid()
    x.post(stmt(id=sid))
    got = x.get({"statementId": sid}).json()
    assert got["timestamp"] == got["stored"]
    assert x.post(stmt(id=sid)).status_code == 200


def test_sent_timestamp_is_kept_and_stored_column_follows_it(x):
    sid = uid()
    x.post(stmt(id=sid, timestamp="2025-09-05T08:00:00+07:00"))
    row = Statement.objects.get(statement_id=sid)
    assert row.timestamp.isoformat() == "2025-09-05T01:00:00+00:00"
    assert x.get({"statementId": sid}).json()["timestamp"] == "2025-09-05T08:00:00+07:00"


def test_late_statement_in_a_batch_is_stored_voided(x):
    target = uid()
    assert x.post(_voiding(target)).status_code == 200
    assert x.post([stmt(), stmt(id=target)]).status_code == 200
    assert Statement.objects.get(statement_id=target).voided is True
    assert x.get({"statementId": target}).status_code == 404
    assert x.get({"voidedStatementId": target}).status_code == 200


def test_voiding_a_stored_voider_in_a_batch_is_refused(x):
    target = x.post(stmt()).json()[0]
    voider = x.post(_voiding(target)).json()[0]
    before = Statement.objects.count()
    assert x.post([stmt(), _voiding(voider)]).status_code == 400
    assert Statement.objects.count() == before


def test_every_statement_of_a_batch_gets_its_keys_and_authority(x, lrs_cred):
    cred, _secret = lrs_cred
    agents = [f"mailto:hs{i}@example.vn" for i in range(5)]
    batch = [stmt(actor={"mbox": a}) for a in agents]
    ids = x.post(batch).json()
    for sid, a in zip(ids, agents, strict=True):
        keys = set(StatementKey.objects.filter(statement__statement_id=sid).values_list("key", flat=True))
        assert key_hash("agent", "mbox:" + a) in keys
        got = x.get({"statementId": sid}).json()
        assert got["authority"] == cred.authority
        assert got["stored"].endswith("Z")
    page = x.get({"agent": '{"mbox": "mailto:hs3@example.vn"}'}).json()["statements"]
    assert [s["id"] for s in page] == [ids[3]]


def test_agent_filter_reads_only_the_key_index():
    with connection.cursor() as cur:
        index = connection.introspection.get_constraints(cur, "lrs_statementkey")["lrs_key_stored_direct"]
        assert index["columns"] == ["key", "stored", "statement_id", "direct"]
        if connection.vendor == "sqlite":
            cur.execute(
                "EXPLAIN QUERY PLAN SELECT s.id FROM lrs_statement s JOIN lrs_statementkey k0"
                " ON k0.statement_id = s.id AND k0.key = %s AND k0.direct = %s"
                " ORDER BY k0.stored DESC, k0.statement_id DESC LIMIT 10",
                [1, True],
            )
            plan = " ".join(str(r[-1]) for r in cur.fetchall())
            assert "COVERING INDEX lrs_key_stored_direct" in plan
