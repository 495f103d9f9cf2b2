"""The ImportRun's state machine (django-fsm-2): every allowed move, and every other refused —
by the model (can_proceed) and by the services, with the stable code `bad_state`."""

from __future__ import annotations

import pytest
from django_fsm import can_proceed

from edudx.core.actor import Actor
from edudx.core.errors import Conflict
from edudx.ingest import services
from edudx.ingest.models import ImportRun

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db

S = ImportRun.State
STEPS = ("start_check", "finish_check", "start_commit", "finish_commit", "fail", "cancel")
ALLOWED = {
    S.RECEIVED: {"start_check": S.CHECKING, "fail": S.FAILED, "cancel": S.CANCELLED},
    S.CHECKING: {"finish_check": S.CHECKED, "fail": S.FAILED, "cancel": S.CANCELLED},
    S.CHECKED: {
        "start_check": S.CHECKING,
        "start_commit": S.COMMITTING,
        "fail": S.FAILED,
        "cancel": S.CANCELLED,
    },
    S.COMMITTING: {"finish_commit": S.COMMITTED, "fail": S.FAILED, "cancel": S.CANCELLED},
    S.COMMITTED: {},
    S.FAILED: {},
    S.CANCELLED: {},
}


def test_every_allowed_move_and_no_other():
    for state in S.values:
        for step in STEPS:
            run = ImportRun(state=state)
            method = getattr(run, step)
            target = ALLOWED[state].get(step)
            assert can_proceed(method) == (target is not None), (state, step)
            if target is not None:
                method()
                assert run.state == target, (state, step)
    # the stamps: a finished check has its time, a finished run its end
    run = ImportRun(state=S.CHECKING)
    run.finish_check()
    assert run.checked_at is not None and run.finished_at is None
    for step in ("finish_commit", "fail", "cancel"):
        run = ImportRun(state=S.COMMITTING)
        getattr(run, step)()
        assert run.finished_at is not None and run.is_finished


def _run(city, tmp_path) -> ImportRun:
    path = write_csv(tmp_path / "hs.csv", [student_row(school=city.schools[0].moet_code)])
    with path.open("rb") as fh:
        return services.run_receive(actor=Actor.system(), kind="students", fileobj=fh, file_name="hs.csv")


def test_the_services_walk_the_machine_and_refuse_a_forbidden_move_with_a_code(city, tmp_path):
    actor = Actor.system()
    run = _run(city, tmp_path)
    assert run.state == S.RECEIVED
    run = services.run_check(actor=actor, run=run)
    assert run.state == S.CHECKED and run.checked_at is not None
    run = services.run_check(actor=actor, run=run)  # checked again: allowed
    assert run.state == S.CHECKED
    run = services.run_commit(actor=actor, run=run, mode="strict")
    assert run.state == S.COMMITTED and run.finished_at is not None
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.state == S.COMMITTED
    for attempt in (
        lambda: services.run_check(actor=actor, run=stored),
        lambda: services.run_cancel(actor=actor, run=stored),
        lambda: services.run_commit(actor=actor, run=stored),
    ):
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code in ("bad_state", "finished", "already_committed")
    with pytest.raises(Conflict) as exc:
        services.run_check(actor=actor, run=stored)
    assert exc.value.code == "bad_state" and "Đã ghi" in str(exc.value.message)
    assert ImportRun.objects.get(pk=run.pk).state == S.COMMITTED


def test_a_received_run_may_be_cancelled_but_not_committed(city, tmp_path):
    actor = Actor.system()
    run = _run(city, tmp_path)
    with pytest.raises(Conflict) as exc:
        services.run_commit(actor=actor, run=run)
    assert exc.value.code == "not_checked"
    run = services.run_cancel(actor=actor, run=run)
    assert ImportRun.objects.get(pk=run.pk).state == S.CANCELLED
    with pytest.raises(Conflict):
        services.run_check(actor=actor, run=run)
