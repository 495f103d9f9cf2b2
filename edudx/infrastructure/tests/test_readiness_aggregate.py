"""Readiness is read from maintained figures (edudx/core/aggregates.py): a write through the
infrastructure services shows at once; a change another app makes (a pupil leaves) shows
within the minute, through the refresh a stale read queues; the dashboard says "as of"."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from edudx.core import aggregates
from edudx.core.actor import Actor
from edudx.core.models import Aggregate
from edudx.core.roles import Role
from edudx.core.rules.people import StudentStatus
from edudx.core.scope import Scope
from edudx.infrastructure import selectors, services
from edudx.infrastructure.aggregates import READINESS
from edudx.infrastructure.models import Condition, Device
from edudx.registry.models import Student


def _pupils(school_id):
    results, as_of = selectors.readiness_figures(scope=Scope.system())
    return results[school_id].inputs.pupils, as_of


def test_a_device_report_shows_at_once_and_a_pupil_leaving_within_the_minute(city, equipped):
    a1 = equipped["a1"]
    before, as_of = _pupils(a1.pk)
    assert before > 0 and as_of is not None
    assert Aggregate.objects.filter(name=READINESS, key=a1.pk).exists()

    # On write: the infrastructure service keeps the school's figures current.
    device = Device.objects.filter(school=a1, condition=Condition.IN_USE).first()
    assert device is not None
    services.device_set_condition(
        actor=Actor.system(source="test"), device=device, condition=Condition.BROKEN
    )
    results, _ = selectors.readiness_figures(scope=Scope.system())
    assert results[a1.pk].inputs.devices_broken == 1

    # Another app's change: not seen by a read inside the minute (no city-wide recount) …
    pupil = Student.objects.filter(school=a1, status=StudentStatus.DANG_HOC).first()
    assert pupil is not None
    Student.objects.filter(pk=pupil.pk).update(status=StudentStatus.THOI_HOC)
    assert _pupils(a1.pk)[0] == before
    # … and seen once the figures are older than the minute (the queued refresh ran).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        _pupils(a1.pk)  # this read finds the figures stale and queues the refresh
        after, fresh_as_of = _pupils(a1.pk)
    assert after == before - 1
    assert fresh_as_of > as_of


def test_a_refresh_drops_the_figures_of_a_school_that_is_gone(city, equipped):
    aggregates.refresh(READINESS)
    Aggregate.objects.create(name=READINESS, key=999_999, data={}, as_of=timezone.now())
    aggregates.refresh(READINESS)
    assert not Aggregate.objects.filter(name=READINESS, key=999_999).exists()
    assert Aggregate.objects.filter(name=READINESS).count() == len(city.schools)


def test_the_dashboard_shows_when_its_figures_were_counted(client_for, equipped):
    body = client_for(Role.WARD_OFFICER).get(reverse("infrastructure:dashboard")).content.decode()
    assert 'data-testid="figures-as-of"' in body
    assert "Số liệu lúc" in body


def test_a_threshold_the_inputs_are_counted_with_queues_a_recount_of_every_school(
    city, equipped, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from edudx.core.models import AggregateState

    aggregates.refresh(READINESS)
    a1 = equipped["a1"]
    results, _ = selectors.readiness_figures(scope=Scope.system())
    assert results[a1.pk].inputs.devices_old == 0  # bought in 2023-2024: younger than 7 years
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.threshold_set(
            actor=city.actor_of(Role.DEPT_ADMIN), code="max_device_age_years", value=Decimal("0.5")
        )
    assert len(queued) == 1  # the full count, queued once the setting is saved
    assert AggregateState.objects.get(name=READINESS).full_on is not None  # it ran (immediate tasks)
    results, _ = selectors.readiness_figures(scope=Scope.system())
    assert results[a1.pk].inputs.devices_old > 0  # counted again with the new age, no write to a device


def test_a_readiness_policy_in_force_today_queues_the_same_recount(
    city, equipped, django_capture_on_commit_callbacks
):
    from edudx.core.models import AggregateState
    from edudx.policies import selectors as policy_selectors
    from edudx.policies import services as policies

    def publish(first_day: dt.date) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            policies.policy_publish(
                actor=Actor.system(source="test"),
                code=policy_selectors.READINESS,
                title="Ngưỡng sẵn sàng",
                effective_from=first_day,
                rules={"values": {"max_device_age_years": "0.5"}},
            )
        policy_selectors.forget()

    aggregates.refresh(READINESS)
    a1 = equipped["a1"]
    results, _ = selectors.readiness_figures(scope=Scope.system())
    assert results[a1.pk].inputs.devices_old == 0
    publish(timezone.localdate())
    assert AggregateState.objects.get(name=READINESS).full_on is not None  # it ran (immediate tasks)
    results, _ = selectors.readiness_figures(scope=Scope.system())
    assert results[a1.pk].inputs.devices_old > 0  # no write to a device: the policy's recount
    # A version from a later day is not counted now (the daily full count of its first day is).
    AggregateState.objects.filter(name=READINESS).update(full_on=dt.date(2000, 1, 1))
    publish(timezone.localdate() + dt.timedelta(days=30))
    assert AggregateState.objects.get(name=READINESS).full_on == dt.date(2000, 1, 1)
