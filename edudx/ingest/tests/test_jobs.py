"""Background jobs (immediate backend in tests): a commit cancelled midway writes nothing."""

from __future__ import annotations

import pytest

from edudx.core.actor import Actor
from edudx.core.models import HistoryEntry
from edudx.ingest import services, tasks
from edudx.ingest.models import ImportRun
from edudx.registry.models import Enrolment, SchoolClass, Student

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db


def _received(city, tmp_path, n=9):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, cls="6A9", code=f"79900000{i:02d}", pid=f"0792149000{i:02d}") for i in range(n)
    ]
    path = write_csv(tmp_path / "hs.csv", rows)
    with path.open("rb") as fh:
        return services.run_receive(actor=Actor.system(), kind="students", fileobj=fh, file_name="hs.csv")


def test_check_and_commit_run_as_tasks(city, tmp_path):
    run = _received(city, tmp_path)
    tasks.check_run.enqueue(run.pk, None)
    run.refresh_from_db()
    assert run.state == "checked" and run.rows_new == 9
    tasks.commit_run.enqueue(run.pk, None, "strict")
    run.refresh_from_db()
    assert run.state == "committed"
    assert Student.objects.filter(moet_code__startswith="799000000").count() == 9


def test_a_commit_cancelled_after_the_first_chunk_leaves_nothing_written(
    city, tmp_path, settings, monkeypatch
):
    settings.INGEST_CHUNK_ROWS = 3  # three chunks of three rows
    run = _received(city, tmp_path)
    tasks.check_run.enqueue(run.pk, None)
    students, enrolments, classes = (
        Student.objects.count(),
        Enrolment.objects.count(),
        SchoolClass.objects.count(),
    )
    history = HistoryEntry.objects.count()
    seen_chunks = []
    real = services._progress_writer

    def cancelling_writer(r, callback=None):
        inner = real(r, callback)

        def write(done, total):
            inner(done, total)
            seen_chunks.append(done)
            # The first chunk has been written inside the transaction: now the user cancels.
            assert Student.objects.count() == students + 3
            services.run_cancel(actor=Actor.system(), run=ImportRun.objects.get(pk=r.pk))

        return write

    monkeypatch.setattr(services, "_progress_writer", cancelling_writer)
    tasks.commit_run.enqueue(run.pk, None, "strict")
    run.refresh_from_db()
    assert seen_chunks == [3]
    assert run.state == "cancelled"
    assert Student.objects.count() == students
    assert Enrolment.objects.count() == enrolments
    assert SchoolClass.objects.count() == classes  # the class 6A9 created for the chunk is gone too
    assert HistoryEntry.objects.count() == history


def test_a_run_waiting_for_commit_can_be_cancelled_and_not_committed(city, tmp_path):
    run = _received(city, tmp_path)
    services.run_check(actor=Actor.system(), run=run)
    services.run_cancel(actor=Actor.system(), run=run)
    from edudx.core.errors import Conflict

    with pytest.raises(Conflict):
        services.run_commit(actor=Actor.system(), run=ImportRun.objects.get(pk=run.pk))
