"""Short commits are written by the writer thread, so a big file's checks of the next chunk run
beside the commit of the one before (on the 50 M-row results city the two ran one after the
other, one core idle)."""

from __future__ import annotations

import threading

import pytest

from edudx.core.actor import Actor
from edudx.ingest.engine import commit
from edudx.registry.models import Student

from .helpers import student_row, write_csv
from .test_pipeline import _run

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_only]


def test_short_commits_run_in_the_writer_thread_and_every_row_is_written(
    city, tmp_path, settings, monkeypatch
):
    settings.INGEST_BULK_LOAD_BYTES = 100  # this file is "big"
    settings.INGEST_BULK_LOAD_SHARE = 1000  # and small next to its tables: indexes kept
    settings.INGEST_COMMIT_ROWS, settings.INGEST_CHUNK_ROWS = 2, 2  # three chunks, three writes
    seen: list[tuple[str, int]] = []
    real = commit.ShortCommits._commit

    def spy(self, kind, actor, ctx, new, changed, n):
        seen.append((threading.current_thread().name, n))
        return real(self, kind, actor, ctx, new, changed, n)

    monkeypatch.setattr(commit.ShortCommits, "_commit", spy)
    a1 = city.schools[0].moet_code
    rows = [student_row(school=a1, code=f"79900{i:05d}", pid=f"0792149{i:05d}") for i in range(1, 6)]
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows), mode="partial")
    assert run.state == "committed" and run.rows_new == 5
    assert {name for name, _n in seen} == {"ingest-writer"} and sum(n for _name, n in seen) == 5
    assert Student.objects.filter(moet_code__startswith="79900").count() == 5


def test_a_short_commit_that_fails_raises_in_the_caller_keeps_the_commits_before_and_ends_the_thread(
    city, tmp_path, settings, monkeypatch
):
    from edudx.ingest.engine import pipeline
    from edudx.ingest.kinds import get

    settings.INGEST_BULK_LOAD_BYTES = 100
    settings.INGEST_BULK_LOAD_SHARE = 1000
    settings.INGEST_COMMIT_ROWS = 2
    real = commit.ShortCommits._commit

    def second_fails(self, kind, actor, ctx, new, changed, n):
        if self.committed:
            raise RuntimeError("disk full")
        return real(self, kind, actor, ctx, new, changed, n)

    monkeypatch.setattr(commit.ShortCommits, "_commit", second_fails)
    a1 = city.schools[0].moet_code
    rows = [student_row(school=a1, code=f"79901{i:05d}", pid=f"0792148{i:05d}") for i in range(1, 6)]
    path = write_csv(tmp_path / "hs.csv", rows)
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.process(
            kind=get("students"), path=path, actor=Actor.system(), write=True, mode="partial", chunk_rows=2
        )
    assert Student.objects.filter(moet_code__startswith="79901").count() == 2  # the first commit stays
    assert not [t for t in threading.enumerate() if t.name == "ingest-writer"]
