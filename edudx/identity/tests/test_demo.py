"""The demo step writes the simulator's data and records results through the real simulator."""

from __future__ import annotations

import sqlite3

from edudx.core.demo import DemoContext
from edudx.identity import connectors, demo
from edudx.identity.models import Verification


def test_demo_build_records_verification_results_for_everyone_with_an_id(city, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EDUDX_CITIZEN_REGISTRY_KEY = ""  # the local simulator key under var/
    demo.build(DemoContext(scale="small"))
    path = connectors.simulator_data_path()
    assert path.parent == tmp_path / "identity"
    n = sqlite3.connect(path).execute("SELECT count(*) FROM citizen").fetchone()[0]
    assert 0 < n <= len(city.students)
    rows = Verification.objects.filter(kind="student")
    assert rows.count() == len(city.students)
    assert set(rows.values_list("status", flat=True)) <= {"verified", "mismatch", "not_found"}
    assert (tmp_path / "identity" / "simulator_key").exists()


def test_citizen_file_is_the_same_every_time(city, tmp_path):
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    demo.write_citizens(a)
    demo.write_citizens(b)
    q = "SELECT * FROM citizen ORDER BY personal_id"
    assert sqlite3.connect(a).execute(q).fetchall() == sqlite3.connect(b).execute(q).fetchall()
