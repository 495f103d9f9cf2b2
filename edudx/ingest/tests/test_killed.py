"""A commit whose process is killed outright (SIGKILL: no exception handler, no rollback code
runs) leaves nothing half-written: the database is intact, holds no row of the file, and the
same import then runs to the end. SQLite only: the test owns a database file; PostgreSQL
rolls back a dead client's transaction on the server."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ROWS = 3_000


def run(var: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in __import__("os").environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-m", "edudx.ingest.tests.killed_import", str(var), str(ROWS), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """The migrated database with the test city and the student file, made once per module."""
    var = tmp_path_factory.mktemp("killed-template")
    done = run(var, "--prepare")
    assert done.returncode == 0, done.stderr[-3000:]
    return var


@pytest.fixture
def var(prepared, tmp_path) -> Path:
    shutil.copytree(prepared, tmp_path, dirs_exist_ok=True)
    return tmp_path


def count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_a_commit_killed_midway_leaves_nothing_and_can_be_run_again(var):
    killed = run(var)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert "written into the open transaction" in killed.stdout
    before = int(killed.stdout.split("students before:")[1].split()[0])
    db = var / "killed.sqlite3"
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM registry_student").fetchone()[0] == before
        assert (
            con.execute("SELECT count(*) FROM registry_student WHERE moet_code >= '7900100000'").fetchone()[0]
            == 0
        )
        assert (
            con.execute("SELECT count(*) FROM core_historyentry WHERE source LIKE 'import%'").fetchone()[0]
            == 0
        )
        # every index the load may have dropped to go faster is back (or was never gone)
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()

    complete = run(var, "--complete")
    assert complete.returncode == 0, complete.stderr[-3000:]
    assert f"written: True new: {ROWS}" in complete.stdout
    assert count(db, "SELECT count(*) FROM registry_student") == before + ROWS
    con = sqlite3.connect(db)
    try:
        assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} == names
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_the_import_log_ends_a_killed_commit_as_failed_when_next_looked_at(var):
    killed = run(var, "--services")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    looked = run(var, "--settle")
    assert looked.returncode == 0, looked.stderr[-3000:]
    assert "state before: committing" in looked.stdout
    assert "state after: failed" in looked.stdout
    db = var / "killed.sqlite3"
    assert count(db, "SELECT count(*) FROM registry_student WHERE moet_code >= '7900100000'") == 0
