"""The batch write path (xapi/store.py): work done before the write lock, plain-SQL lookups,
the covering key index."""

import json
import os
import sqlite3
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudx.lrs.models import Statement, StatementKey
from edudx.lrs.xapi import store
from edudx.lrs.xapi.keys import key_hash
from edudx.lrs.xapi.store import checkpoint, checkpoint_in_two_passes, time_ordered_uuid
from edudx.lrs.xapi.validate import parse_timestamp

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


def test_generated_ids_are_version_7_and_ordered_by_time():
    before = time.time_ns() // 1_000_000
    first = time_ordered_uuid()
    time.sleep(0.002)
    second = time_ordered_uuid()
    after = time.time_ns() // 1_000_000
    for sid in (first, second):
        u = uuid.UUID(sid)
        assert str(u) == sid and u.version == 7 and u.variant == uuid.RFC_4122
        assert before <= u.int >> 80 <= after
    assert first < second and first.replace("-", "") < second.replace("-", "")


def test_generated_ids_increase_within_one_millisecond():
    # A batch is stored in well under a millisecond per statement: its ids still increase
    # (RFC 9562's counter), so they append to the id index in order.
    ids = [time_ordered_uuid() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}


@pytest.mark.parametrize(
    "sent",
    [
        "2025-09-05T08:00:00.1234567+07:00",
        "2025-09-05T01:00:00.123456Z",
        "2025-09-05T08:00:00.123456+0700",
        "20250905T010000.123456Z",
        "2025-09-04T20:00:00.123456-05:00",
    ],
)
def test_timestamp_column_is_the_instant_in_every_accepted_form(x, sent):
    sid = uid()
    assert x.post(stmt(id=sid, timestamp=sent)).status_code == 200
    row = Statement.objects.get(statement_id=sid)
    assert row.timestamp == parse_timestamp(sent, "timestamp")
    assert row.timestamp.isoformat() == "2025-09-05T01:00:00.123456+00:00"


def test_timestamp_without_offset_is_utc_in_1_0_3(x):
    sid = uid()
    assert x.post(stmt(id=sid, timestamp="2025-09-05T01:00:00"), version="1.0.3").status_code == 200
    assert Statement.objects.get(statement_id=sid).timestamp.isoformat() == "2025-09-05T01:00:00+00:00"


LATE_VOIDING_LOOKUP = "SELECT voids, unit_path FROM lrs_statement WHERE voids"  # IN (…) or = ANY(…)


def test_statements_without_ids_skip_the_late_voiding_lookup(x):
    with CaptureQueriesContext(connection) as ctx:
        assert x.post([stmt(), stmt()]).status_code == 200
    assert not [q for q in ctx.captured_queries if LATE_VOIDING_LOOKUP in q["sql"]]
    with CaptureQueriesContext(connection) as ctx:
        assert x.post([stmt(id=uid())]).status_code == 200
    assert [q for q in ctx.captured_queries if LATE_VOIDING_LOOKUP in q["sql"]]


def test_nested_null_is_refused_with_its_path(x):
    resp = x.post(stmt(result={"score": {"scaled": 0.5, "raw": None}}))
    assert resp.status_code == 400
    assert "statement.result.score.raw" in resp.content.decode()
    assert x.post(stmt(result={"extensions": {"https://example.vn/x": None}})).status_code == 200


def test_the_wal_checkpoint_writes_every_frame_back(tmp_path):
    con = sqlite3.connect(tmp_path / "wal.sqlite3", isolation_level=None)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE t (v TEXT)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(2000)])
    busy, frames, written = checkpoint(con)
    assert busy == 0 and frames > 100 and written == frames
    con.close()


@pytest.mark.sqlite_only
def test_no_checkpoint_thread_for_an_in_memory_database(monkeypatch):
    monkeypatch.setattr(store, "_checkpointer", store._Checkpointer())
    name = str(connection.settings_dict["NAME"])
    assert store._checkpointer.start() is (os.path.exists(name) and "mode=memory" not in name)


def test_stored_text_has_one_stored_and_a_filled_timestamp_equal_to_it(x):
    sent, filled = uid(), uid()
    x.post([stmt(id=sent, stored="2001-01-01T00:00:00Z", timestamp="2025-09-05T01:00:00Z"), stmt(id=filled)])
    rows = {str(r.statement_id): r for r in Statement.objects.filter(statement_id__in=[sent, filled])}
    text = rows[sent].data
    assert text.count('"stored"') == 1 and text.count('"timestamp"') == 1
    data = json.loads(text)
    assert data["stored"] != "2001-01-01T00:00:00Z" and data["timestamp"] == "2025-09-05T01:00:00Z"
    filled_data = json.loads(rows[filled].data)
    assert rows[filled].data.count('"timestamp"') == 1
    assert filled_data["timestamp"] == filled_data["stored"] == data["stored"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_and_nothing_is_stored(x, number):
    before = Statement.objects.count()
    body = json.dumps([stmt(), stmt()])
    body = body[: body.rindex("}")] + f',"result":{{"extensions":{{"https://example.vn/x":{number}}}}}}}]'
    resp = x.post(body)
    assert resp.status_code == 400
    assert Statement.objects.count() == before


def test_after_two_pass_checkpoint_the_next_write_restarts_the_wal(tmp_path):
    con = sqlite3.connect(tmp_path / "wal.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE t (v TEXT)")
    for _ in range(3):
        con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(2000)])
    busy, frames, written = checkpoint_in_two_passes(con, str(tmp_path / "write.lock"), min_frames=100)
    assert busy == 0 and frames > 300 and written == frames
    con.execute("INSERT INTO t VALUES ('y')")
    assert checkpoint(con)[1] < 10  # the write went to the top of the WAL, not after its end
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 6001
    con.close()
