"""The resource's review workflow: the moves declared on Resource, and nothing else."""

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from edudx.core.errors import Conflict
from edudx.library import services
from edudx.library.models import Resource, State

from .helpers import make_resource

# move → (the states it starts from, the state it ends in)
MOVES = {
    "submit": ({State.DRAFT, State.RETURNED, State.TAKEN_DOWN}, State.SUBMITTED),
    "review": ({State.SUBMITTED}, State.REVIEWED),
    "publish": ({State.SUBMITTED, State.REVIEWED}, State.PUBLISHED),
    "send_back": ({State.SUBMITTED, State.REVIEWED}, State.RETURNED),
    "take_down": ({State.PUBLISHED}, State.TAKEN_DOWN),
    "reopen": ({State.PUBLISHED}, State.DRAFT),
}


def test_every_declared_move_is_allowed_and_every_other_is_refused():
    for state in State:
        for move, (sources, target) in MOVES.items():
            resource = Resource(state=state)
            step = getattr(resource, move)
            if state in sources:
                assert can_proceed(step), (move, state)
                step()
                assert resource.state == target, (move, state)
            else:
                assert not can_proceed(step), (move, state)
                with pytest.raises(TransitionNotAllowed):
                    step()
                assert resource.state == state


def test_publishing_stamps_the_time():
    resource = Resource(state=State.REVIEWED)
    resource.publish()
    assert resource.published_at is not None


@pytest.mark.django_db
def test_the_services_walk_the_workflow_and_refuse_a_move_the_state_does_not_allow(city):
    teacher, officer = city.actor_of("teacher"), city.actor_of("dept_officer")
    r = make_resource(city)
    for call in (
        lambda: services.resource_review(actor=officer, resource=r),
        lambda: services.resource_takedown(actor=officer, resource=r, reason="Sai"),
        lambda: services.resource_return(actor=officer, resource=r, comment="Sửa"),
    ):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "bad_state"
        r.refresh_from_db()
        assert r.state == State.DRAFT
    r = services.resource_submit(actor=teacher, resource=r)
    with pytest.raises(Conflict) as exc:
        services.resource_submit(actor=teacher, resource=r)
    assert exc.value.code == "bad_state"
    r = services.resource_review(actor=officer, resource=r)
    r = services.resource_publish(actor=officer, resource=r)
    assert r.state == State.PUBLISHED and r.published_at is not None
    r = services.resource_takedown(actor=officer, resource=r, reason="Vi phạm bản quyền")
    assert r.state == State.TAKEN_DOWN
    r = services.resource_submit(actor=teacher, resource=r)
    r.refresh_from_db()
    assert r.state == State.SUBMITTED
