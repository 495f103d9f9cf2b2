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
    # While writers wait the setting's size shrinks; a kind's own size (a fixed cost per write) stays.
    if shorts is not None and own is not None:
        assert (shorts.contended_rows, own.contended_rows) == (settings.INGEST_COMMIT_ROWS_CONTENDED, 0)


def _pacing(monkeypatch, waiting):
    """A clock, the sleeps, and `waiting` as the answers of writers_waiting (then False)."""
    clock, slept, commits = [100.0], [], []
    monkeypatch.setattr(commit.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        commit.time, "sleep", lambda s: (slept.append(round(s, 3)), clock.__setitem__(0, clock[0] + s))
    )
    answers = list(waiting)
    monkeypatch.setattr(commit, "writers_waiting", lambda _conn: answers.pop(0) if answers else False)
    import dataclasses

    import polars as pl

    from edudx.ingest.kinds import get

    class Writes:
        def __call__(self, *, actor, new, changed, ctx):
            commits.append(new.height + len(changed))
            clock[0] += 0.05  # the commit itself

    kind = dataclasses.replace(get("students"), write=Writes())
    return kind, pl.DataFrame({"a": list(range(10))}), clock, slept, commits


def test_alone_the_import_never_pauses_and_commits_its_full_size(monkeypatch):
    kind, frame, _clock, slept, commits = _pacing(monkeypatch, [])
    shorts = commit.ShortCommits(rows=4, pause=1.0, contended_rows=2)
    shorts.write(kind, Actor.system(), None, frame, [])
    assert commits == [4, 4, 2] and slept == [] and shorts.committed == 10 and shorts.waits == 0


def test_waiting_writers_go_first_then_the_commits_stay_short_for_a_while(monkeypatch):
    # Before the first commit two polls see a writer waiting, the third sees none.
    kind, frame, clock, slept, commits = _pacing(monkeypatch, [True, True, False])
    shorts = commit.ShortCommits(rows=4, pause=1.0, contended_rows=2)
    shorts.write(kind, Actor.system(), None, frame, [])
    assert slept == [commit.POLL_SECONDS] * 2  # held off until the writer was through, no longer
    assert commits == [2, 2, 2, 2, 2] and shorts.waits == 1  # short while writers are about
    clock[0] += commit.CONTENDED_SECONDS  # nobody waited since: full size again
    shorts.write(kind, Actor.system(), None, frame, [])
    assert commits[5:] == [4, 4, 2] and shorts.committed == 20


def test_a_stream_of_writers_holds_the_import_off_at_most_the_pause_per_commit(monkeypatch):
    kind, frame, _clock, slept, commits = _pacing(monkeypatch, [True] * 10_000)
    shorts = commit.ShortCommits(rows=5, pause=0.1, contended_rows=5)
    shorts.write(kind, Actor.system(), None, frame, [])
    assert commits == [5, 5] and shorts.committed == 10
    assert 0.1 <= shorts.held_off <= 0.1 * 2 + 2 * commit.POLL_SECONDS  # then it commits anyway
