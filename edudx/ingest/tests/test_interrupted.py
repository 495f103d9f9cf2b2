"""A run whose process died mid-check or mid-commit (killed, machine restarted) does not stay
"committing" for ever: the next look at it (page, progress, API) ends it as failed, with the
reason, because the lock the working process held was released by the operating system."""

from __future__ import annotations

import pytest

from edudx.core.actor import Actor
from edudx.ingest import services
from edudx.ingest.models import ImportRun

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db


def _run(city, tmp_path):
    a1 = city.schools[0].moet_code
    path = write_csv(tmp_path / "hs.csv", [student_row(school=a1)])
    with path.open("rb") as fh:
        return services.run_receive(actor=Actor.system(), kind="students", fileobj=fh, file_name="hs.csv")


@pytest.mark.parametrize("state", [ImportRun.State.CHECKING, ImportRun.State.COMMITTING])
def test_a_run_nobody_is_processing_ends_as_failed_with_the_reason(city, tmp_path, state):
    run = _run(city, tmp_path)
    ImportRun.objects.filter(pk=run.pk).update(state=state)  # what a killed worker leaves
    run.refresh_from_db()
    settled = services.run_settle(run)
    assert settled.state == ImportRun.State.FAILED and settled.finished_at
    assert "Nothing was written" in settled.failure or "Không có gì được ghi" in settled.failure
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.FAILED


def test_a_run_being_processed_is_left_alone(city, tmp_path):
    run = _run(city, tmp_path)
    with services._alive(run):  # another process's lock, as far as run_settle can tell
        ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.COMMITTING)
        run.refresh_from_db()
        assert services.run_settle(run).state == ImportRun.State.COMMITTING
    assert services.run_settle(run).state == ImportRun.State.FAILED  # the holder went away


def test_a_finished_run_never_changes(city, tmp_path):
    run = services.run_check(actor=Actor.system(), run=_run(city, tmp_path))
    assert run.state == ImportRun.State.CHECKED
    assert services.run_settle(run).state == ImportRun.State.CHECKED


def test_the_status_api_and_page_show_the_interrupted_run(city, tmp_path, client_for):
    run = _run(city, tmp_path)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.COMMITTING)
    # the run belongs to the system actor: look at it as the department's administrator
    resp = client_for("dept_admin").get(f"/api/v1/ingest/runs/{run.pk}")
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "failed"


def test_two_processes_cannot_commit_one_run_at_once(city, tmp_path):
    from edudx.core.errors import Conflict

    run = services.run_check(actor=Actor.system(), run=_run(city, tmp_path))
    with services._alive(run), pytest.raises(Conflict):
        services.run_commit(actor=Actor.system(), run=run)
