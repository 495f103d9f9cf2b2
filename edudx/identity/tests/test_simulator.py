"""The simulator's data and protocol (the adapter tests cover the happy paths)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import httpx
import pytest

from edudx.identity.simulator import data as simdata
from edudx.identity.simulator.server import compare

from .conftest import KEY, citizen, start_simulator


def synthetic(n: int):
    for i in range(n):
        sex = "male" if i % 2 else "female"
        g = 2 if sex == "male" else 3
        yield (f"079{g}14{i:06d}", "Nguyễn Thị Hương Giang", dt.date(2014, 1 + i % 12, 1 + i % 28), sex)


def test_seeding_is_deterministic_and_independent_of_order():
    people = list(synthetic(2000))

    def rows(citizens):
        return sorted(c.as_row() for c in citizens)

    a = rows(simdata.citizens_from_people(people, seed=7))
    assert a == rows(simdata.citizens_from_people(reversed(people), seed=7))
    assert a != rows(simdata.citizens_from_people(people, seed=8))


def test_a_realistic_few_percent_differ_or_are_missing():
    people = list(synthetic(10_000))
    by_pid = {p[0]: p for p in people}
    registered = list(simdata.citizens_from_people(people, seed=2025))
    missing = len(people) - len(registered)
    assert 100 <= missing <= 200  # ~1.5 %
    differ = {"name": 0, "dob": 0, "gender": 0}
    for c in registered:
        pid, name, dob, gender = by_pid[c.personal_id]
        differ["name"] += c.full_name != name
        differ["dob"] += c.date_of_birth != dob.isoformat()
        differ["gender"] += c.gender != gender
        assert c.date_of_birth[:4] == str(dob.year)  # the ID carries the year: it never changes
    assert 180 <= differ["name"] <= 320
    assert 60 <= differ["dob"] <= 140
    assert 25 <= differ["gender"] <= 80


def test_people_without_an_id_or_birth_date_are_not_registered():
    people = [("", "A B", dt.date(2014, 1, 1), "male"), ("079214000001", "A B", None, "male")]
    assert list(simdata.citizens_from_people(people, seed=1)) == []


def test_write_replaces_the_file_atomically(tmp_path):
    path = tmp_path / "c.sqlite3"
    simdata.write(path, [citizen("079214000001", "Nguyễn Văn An", dt.date(2014, 1, 1), "male")])
    simdata.write(path, [citizen("079214000002", "Lê Văn Bảo", dt.date(2014, 1, 2), "male")])
    rows = sqlite3.connect(path).execute("SELECT personal_id FROM citizen").fetchall()
    assert rows == [("079214000002",)]


def test_compare_is_exact_on_diacritics_but_not_on_case_form_or_spacing():
    c = {"full_name": "Nguyễn Văn An", "date_of_birth": "2014-01-01", "gender": "male"}
    nfd = "Nguye\u0302\u0303n Va\u0306n An"
    same = {"full_name": f"  {nfd.upper()} ", "date_of_birth": "2014-01-01", "gender": "male"}
    assert compare(same, c) == {"status": "match", "differing_fields": []}
    assert compare({**same, "full_name": "Nguyen Van An"}, c)["differing_fields"] == ["full_name"]
    assert compare(same, None)["status"] == "not_found"


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    process = start_simulator(
        tmp_path_factory.mktemp("s") / "c.sqlite3",
        [citizen("079214000001", "Nguyễn Văn An", dt.date(2014, 1, 1), "male")],
    )
    yield process
    process.stop()


def post(sim, body, key=KEY):
    return httpx.post(sim.url + "/v1/citizens:verify", json=body, headers={"X-Api-Key": key}, timeout=5)


def test_protocol_refuses_missing_key_bad_body_and_oversized_batches(sim):
    assert post(sim, {"items": []}, key="").status_code == 401
    assert post(sim, {"items": "x"}).status_code == 400
    r = post(sim, {"items": [{"personal_id": "1"}] * 101})
    assert r.status_code == 413 and r.json()["error"]["code"] == "batch_too_large"


def test_protocol_echoes_refs_in_order(sim):
    r = post(sim, {"items": [{"ref": "b", "personal_id": "1"}, {"ref": "a", "personal_id": "079214000001",
              "full_name": "Nguyễn Văn An", "date_of_birth": "2014-01-01", "gender": "male"}]})  # fmt: skip
    assert [(x["ref"], x["status"]) for x in r.json()["results"]] == [("b", "not_found"), ("a", "match")]


def test_health_reports_the_number_of_citizens(sim):
    r = httpx.get(sim.url + "/v1/health", timeout=5)
    assert r.json()["citizens"] == 1 and r.json()["max_batch"] == 100
