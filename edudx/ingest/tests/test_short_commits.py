"""A big partial import into a populated SQLite database commits in short transactions (issue
#21 item 4: a principal's autosave must not wait minutes behind a city file); strict mode, small
files and PostgreSQL keep one transaction."""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection

from edudx.core.actor import Actor
from edudx.ingest.engine import commit
from edudx.registry.models import Student

from .helpers import student_row, write_csv
from .test_pipeline import _run

pytestmark = pytest.mark.django_db


@pytest.fixture
def transactions(monkeypatch):
    """How many rows each short transaction wrote."""
    seen: list[int] = []
    real = commit.ShortCommits._commit

    def spy(self, kind, actor, ctx, new, changed, n):
        assert connection.in_atomic_block  # each part in a transaction of its own
        seen.append(n)
        return real(self, kind, actor, ctx, new, changed, n)

    monkeypatch.setattr(commit.ShortCommits, "_commit", spy)
    return seen


def _rows(city, n):
    a1 = city.schools[0].moet_code
    return [student_row(school=a1, code=f"79900{i:05d}", pid=f"0792149{i:05d}") for i in range(1, n + 1)]


@pytest.mark.sqlite_only
def test_a_big_partial_file_commits_in_short_transactions_and_writes_every_row(
    city, tmp_path, settings, transactions
):
    settings.INGEST_BULK_LOAD_BYTES = 100  # this file is "big"
    settings.INGEST_BULK_LOAD_SHARE = 1000  # and small next to its tables: indexes kept
    settings.INGEST_COMMIT_ROWS, settings.INGEST_COMMIT_PAUSE_MS = 2, 0
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", _rows(city, 5)), mode="partial")
    assert run.state == "committed" and run.rows_new == 5
    assert transactions == [2, 2, 1]
    assert Student.objects.filter(moet_code__startswith="79900").count() == 5
    # changed rows go the same way
    changed = [r[:4] + ["Nguyễn Văn Đổi"] + r[5:] for r in _rows(city, 5)]
    run = _run(Actor.system(), write_csv(tmp_path / "hs2.csv", changed), mode="partial")
    assert run.rows_changed == 5 and transactions[3:] == [2, 2, 1]
    assert Student.objects.filter(full_name="Nguyễn Văn Đổi").count() == 5


def test_strict_mode_small_files_and_loads_that_defer_indexes_keep_one_transaction(
    city, tmp_path, settings, transactions
):
    settings.INGEST_COMMIT_ROWS, settings.INGEST_COMMIT_PAUSE_MS = 2, 0
    path = write_csv(tmp_path / "hs.csv", _rows(city, 5))
    settings.INGEST_BULK_LOAD_BYTES = 100
    settings.INGEST_BULK_LOAD_SHARE = 1000
    assert _run(Actor.system(), path, mode="strict").rows_new == 5  # strict: all or nothing
    settings.INGEST_BULK_LOAD_BYTES = 10**9  # a small file
    path = write_csv(tmp_path / "hs2.csv", _rows(city, 7)[5:])
    assert _run(Actor.system(), path, mode="partial").rows_new == 2
    assert transactions == []
    big_next_to_tables = contextlib.contextmanager(lambda: (yield))()
    assert commit.short_commits(mode="partial", size=10**10, bulk=big_next_to_tables) is None
    shorts = commit.short_commits(mode="partial", size=10**10, bulk=contextlib.nullcontext())
    assert (shorts is not None) == (connection.vendor == "sqlite")  # PostgreSQL: one transaction
    # A kind's own commit size (Kind.commit_rows) replaces the setting's; 0 keeps the setting's.
    own = commit.short_commits(mode="partial", size=10**10, bulk=contextlib.nullcontext(), kind_rows=500)
    assert own is None if connection.vendor != "sqlite" else (own.rows, shorts and shorts.rows) == (500, 2)


def test_the_pause_is_the_least_time_between_two_commits_not_a_sleep_after_each(monkeypatch):
    """The writer lock stays free at least INGEST_COMMIT_PAUSE_MS between two commits; time
    spent checking the next chunk (without the lock) counts towards it, and the last commit is
    followed by no sleep."""
    import polars as pl

    from edudx.ingest.kinds import get

    clock, slept = [100.0], []
    monkeypatch.setattr(commit.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        commit.time, "sleep", lambda s: (slept.append(round(s, 3)), clock.__setitem__(0, clock[0] + s))
    )
    kind = get("students")

    class Writes:
        def __call__(self, *, actor, new, changed, ctx):
            clock[0] += 0.05  # the commit itself

    import dataclasses

    kind = dataclasses.replace(kind, write=Writes())
    shorts = commit.ShortCommits(rows=2, pause=0.11)
    frame = pl.DataFrame({"a": [1, 2, 3]})
    shorts.write(kind, Actor.system(), None, frame, [])  # two commits in a row: a full pause between
    assert slept == [0.11] and shorts.committed == 3
    clock[0] += 0.3  # the next chunk's checks took longer than the pause: no sleep before its commit
    shorts.write(kind, Actor.system(), None, frame.head(1), [])
    clock[0] += 0.04  # shorter: only the rest of the pause
    shorts.write(kind, Actor.system(), None, frame.head(1), [])
    assert slept == [0.11, 0.0, 0.07] and shorts.committed == 5
