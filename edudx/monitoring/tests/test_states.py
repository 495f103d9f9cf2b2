"""The self-assessment's state machine (django-fsm-2, docs/decisions/0010): every allowed move
from every state, every other move refused — on the model and through the services."""

from __future__ import annotations

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from edudx.core.history import entries_for
from edudx.monitoring import services
from edudx.monitoring.models import Assessment

from .conftest import assessment_of, fill

S = Assessment.Status
MOVES = {
    "start": ({S.NOT_STARTED}, S.DRAFT),
    "submit": ({S.NOT_STARTED, S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "send_back": ({S.SUBMITTED}, S.RETURNED),
    "approve": ({S.SUBMITTED}, S.APPROVED),
    "publish": ({S.APPROVED}, S.PUBLISHED),
}


@pytest.mark.parametrize("state", S.values)
def test_each_state_allows_exactly_its_moves(state):
    for move, (sources, target) in MOVES.items():
        a = Assessment(status=state)
        step = getattr(a, move)
        if state in sources:
            assert can_proceed(step), (state, move)
            step()
            assert a.status == target
        else:
            assert not can_proceed(step), (state, move)
            with pytest.raises(TransitionNotAllowed):
                step()
            assert a.status == state


def test_moves_stamp_their_time():
    a = Assessment(status=S.DRAFT)
    a.submit()
    assert a.submitted_at is not None
    a.approve()
    assert a.approved_at is not None
    a.publish()
    assert a.published_at is not None


def test_the_services_walk_the_machine_and_refuse_with_codes(city, campaign):
    a = assessment_of(campaign, city.schools[0])
    school, officer = city.actor_of("school_admin"), city.actor_of("ward_officer")
    # a move the state does not allow is a Locked (409, code "locked"), never TransitionNotAllowed
    for refused in (
        lambda: services.assessment_approve(actor=officer, assessment=a),
        lambda: services.assessment_publish(actor=officer, assessment=a),
        lambda: services.assessment_return(actor=officer, assessment=a, comments={1: "x"}),
    ):
        with pytest.raises(services.Locked) as exc:
            refused()
        assert exc.value.code == "locked"
    fill(school, a)  # the first save starts the draft
    a.refresh_from_db()
    assert a.status == S.DRAFT
    services.assessment_submit(actor=school, assessment=a)
    with pytest.raises(services.Locked):
        services.assessment_submit(actor=school, assessment=a)
    with pytest.raises(services.Locked):
        services.assessment_publish(actor=officer, assessment=a)
    services.assessment_approve(actor=officer, assessment=a)
    services.assessment_publish(actor=officer, assessment=a)
    a.refresh_from_db()
    assert a.status == S.PUBLISHED and a.submit_count == 1
    moves = [h.changes["status"] for h in reversed(entries_for(a)) if h.action == "status"]
    assert moves == [
        ["not_started", "draft"],
        ["draft", "submitted"],
        ["submitted", "approved"],
        ["approved", "published"],
    ]
