"""The HTTP adapter against the real simulator process (127.0.0.1, free port)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from edudx.identity.connectors import ERROR, MATCH, MISMATCH, NOT_FOUND, PersonQuery
from edudx.identity.connectors.http import HttpRegistryConnector
from edudx.identity.simulator import data as simdata
from edudx.identity.simulator.process import SimulatorProcess

from .conftest import KEY, citizen, start_simulator

PEOPLE = [
    ("079214000001", "Nguyễn Văn An", dt.date(2014, 3, 1), "male"),
    ("079314000002", "Trần Thị Bình", dt.date(2014, 3, 2), "female"),
    ("079214000003", "Phạm Minh Châu", dt.date(2014, 3, 3), "male"),
    ("079314000004", "Lê Thị Dung", dt.date(2014, 3, 4), "female"),
    ("079214000005", "Hoàng Văn Em", dt.date(2014, 3, 5), "male"),
]


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "citizens.sqlite3"
    process = start_simulator(path, [citizen(*p) for p in PEOPLE])
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def _reset(sim):
    sim.reset()


class Sleeps:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make(sim, **kw) -> tuple[HttpRegistryConnector, Sleeps]:
    sleeps = Sleeps()
    options = {"base_url": sim.url, "api_key": KEY, "rate": 1000.0, "batch_size": 100, "max_retries": 2,
               "timeout": 5.0, "sleep": sleeps, "rng": random.Random(1)}  # fmt: skip
    options.update(kw)
    return HttpRegistryConnector(**options), sleeps


def q(i: int, **changes) -> PersonQuery:
    pid, name, dob, gender = PEOPLE[i]
    values = {"personal_id": pid, "full_name": name, "date_of_birth": dob, "gender": gender, **changes}
    return PersonQuery(ref=f"student:{i}", **values)


def test_exact_facts_match_and_name_compares_up_to_case_and_spacing(sim):
    conn, _ = make(sim)
    results = conn.verify_batch([q(0), q(1, full_name="  trần  THỊ bình ")])
    assert [r.status for r in results] == [MATCH, MATCH]
    assert [r.ref for r in results] == ["student:0", "student:1"]


def test_mismatch_reports_the_fields_that_differ(sim):
    conn, _ = make(sim)
    [r] = conn.verify_batch([q(2, full_name="Pham Minh Chau", date_of_birth=dt.date(2014, 3, 4))])
    assert r.status == MISMATCH
    assert r.differing_fields == ("full_name", "date_of_birth")


def test_gender_difference_is_a_mismatch(sim):
    conn, _ = make(sim)
    [r] = conn.verify_batch([q(3, gender="male")])
    assert (r.status, r.differing_fields) == (MISMATCH, ("gender",))


def test_unknown_personal_id_is_not_found(sim):
    conn, _ = make(sim)
    [r] = conn.verify_batch([q(0, personal_id="079214999999")])
    assert r.status == NOT_FOUND


def test_people_are_split_into_batches_of_the_configured_size(sim):
    conn, _ = make(sim, batch_size=2)
    results = conn.verify_batch([q(i) for i in range(5)])
    assert [r.status for r in results] == [MATCH] * 5
    assert sim.stats()["verify_requests"] == 3
    assert sim.stats()["items"] == 5


def test_a_cached_answer_avoids_a_second_request(sim):
    conn, _ = make(sim)
    first = conn.verify_batch([q(0), q(2, gender="female")])
    again = conn.verify_batch([q(0), q(2, gender="female")])
    assert sim.stats()["verify_requests"] == 1
    assert [(r.status, r.differing_fields) for r in again] == [(r.status, r.differing_fields) for r in first]
    assert all(r.cached for r in again)


def test_changed_facts_are_not_answered_from_the_cache(sim):
    conn, _ = make(sim)
    conn.verify_batch([q(0)])
    [r] = conn.verify_batch([q(0, full_name="Nguyễn Văn Ân")])
    assert r.status == MISMATCH and not r.cached
    assert sim.stats()["verify_requests"] == 2


def test_429_is_retried_after_waiting_at_least_retry_after(sim):
    sim.script({"status": 429, "retry_after": 3})
    conn, sleeps = make(sim)
    [r] = conn.verify_batch([q(0)])
    assert r.status == MATCH
    assert sim.stats()["verify_requests"] == 2
    assert sleeps.calls and sleeps.calls[0] >= 3


def test_server_rate_limit_answers_429_with_retry_after(tmp_path):
    # A simulator allowing one request per ten seconds: the second request is refused.
    simdata.write(tmp_path / "c.sqlite3", [citizen(*PEOPLE[0])])
    process = SimulatorProcess(
        data=tmp_path / "c.sqlite3", key=KEY, control=True, extra=["--rate", "0.1", "--burst", "1"]
    ).start()
    try:
        conn, sleeps = make(process, max_retries=0, batch_size=1)
        results = conn.verify_batch([q(0), q(0, full_name="Khác")])
        assert results[0].status == MATCH
        assert (results[1].status, results[1].error) == (ERROR, "http_429")
        assert process.stats()["rejected"] == 1
    finally:
        process.stop()


def test_5xx_are_retried_then_reported_as_errors_and_not_cached(sim):
    sim.script(*[{"status": 500}] * 3)
    conn, sleeps = make(sim, max_retries=2)
    results = conn.verify_batch([q(0), q(1)])
    assert [(r.status, r.error) for r in results] == [(ERROR, "http_500")] * 2
    assert sim.stats()["verify_requests"] == 3
    assert len(sleeps.calls) == 2
    # The registry is back: the failure was not cached, the next call asks again.
    assert [r.status for r in conn.verify_batch([q(0), q(1)])] == [MATCH, MATCH]


def test_a_503_then_success_returns_the_answer(sim):
    sim.script({"status": 503})
    conn, sleeps = make(sim)
    assert conn.verify_batch([q(1)])[0].status == MATCH
    assert len(sleeps.calls) == 1


def test_backoff_grows_exponentially_and_is_capped(sim):
    conn, _ = make(sim, backoff_base=1.0, backoff_max=5.0, rng=random.Random(7))
    for attempt in range(6):
        assert 0 <= conn._backoff(attempt, None) <= min(5.0, 2**attempt)
    assert conn._backoff(0, 4.0) >= 4.0
    assert conn._backoff(0, 100.0) <= 5.0  # a hostile Retry-After cannot stall us forever


def test_a_timeout_is_retried(sim):
    sim.script({"latency": 2.0})  # only the first request is slow
    conn, sleeps = make(sim, timeout=0.3)
    assert conn.verify_batch([q(0)])[0].status == MATCH
    assert len(sleeps.calls) == 1


def test_timeouts_every_time_end_as_errors(sim):
    sim.script(*[{"latency": 2.0}] * 2)
    conn, _ = make(sim, timeout=0.3, max_retries=1)
    [r] = conn.verify_batch([q(0)])
    assert (r.status, r.error) == (ERROR, "timeout")


def test_a_wrong_key_is_not_retried(sim):
    conn, sleeps = make(sim, api_key="wrong")
    [r] = conn.verify_batch([q(0)])
    assert (r.status, r.error) == (ERROR, "http_401")
    assert sleeps.calls == []


def test_an_unreachable_registry_gives_errors_not_exceptions():
    conn, _ = make(type("S", (), {"url": "http://127.0.0.1:9"})(), max_retries=1)
    [r] = conn.verify_batch([q(0)])
    assert (r.status, r.error) == (ERROR, "connection")


def test_the_cache_key_does_not_contain_the_personal_id(sim):
    conn, _ = make(sim)
    assert PEOPLE[0][0] not in conn._cache_key(q(0))
