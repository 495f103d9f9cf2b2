"""Figures shared by the users of one scope (core.scoped_figures, issue #21 item 3): summed once
per change of the aggregates they come from, per process — a store (a sweep, a write's touch),
another day or the maximum age sums them again; two scopes never share a value; inside a
transaction nothing is kept (a request's uncommitted writes are its own)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from edudx.core import scoped_figures
from edudx.core.models import AggregateState
from edudx.core.scope import Grant, Scope

pytestmark = pytest.mark.django_db

NAMES = ["test.a", "test.b"]


@pytest.fixture
def outside(monkeypatch):
    """As a request outside any transaction (the test's own would turn the memo off)."""
    scoped_figures.clear()
    monkeypatch.setattr(scoped_figures, "_in_transaction", lambda: False)
    for n in NAMES:
        AggregateState.objects.create(name=n, swept_at=timezone.now(), version=1)
    yield
    scoped_figures.clear()


def _counter():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_summed_once_until_a_figure_changes(outside):
    calls, compute = _counter()
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 1
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 1
    assert len(calls) == 1
    AggregateState.objects.filter(name="test.b").update(version=2)  # a store of one of them
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 2
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 2


def test_scopes_do_not_share(outside):
    calls, compute = _counter()
    ward_a = Scope(user_id=1, grants=(Grant(role="ward_officer", paths=("0001.0001",)),))
    ward_b = Scope(user_id=2, grants=(Grant(role="ward_officer", paths=("0001.0002",)),))
    same_as_a = Scope(user_id=3, grants=(Grant(role="ward_officer", paths=("0001.0001",)),))
    assert scoped_figures.scope_key(ward_a) == scoped_figures.scope_key(same_as_a)
    assert scoped_figures.scope_key(ward_a) != scoped_figures.scope_key(ward_b)
    for s in (ward_a, ward_b, same_as_a):
        scoped_figures.get("p", scoped_figures.scope_key(s), compute, aggregates_read=NAMES)
    assert len(calls) == 2  # a's value served a's colleague, b had its own


def test_the_day_and_the_maximum_age_sum_again(outside, settings):
    calls, compute = _counter()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        scoped_figures.get("p", "dept", compute, aggregates_read=NAMES)
    with time_machine.travel(now + dt.timedelta(days=1), tick=False):
        AggregateState.objects.update(swept_at=timezone.now())  # no sweep queued by the read
        scoped_figures.get("p", "dept", compute, aggregates_read=NAMES)
    assert len(calls) == 2
    settings.EDUDX_AGGREGATE_MAX_AGE_SECONDS = 0
    scoped_figures.get("p", "dept", compute, aggregates_read=NAMES)
    assert len(calls) == 3


def test_nothing_kept_without_every_state_or_inside_a_transaction(outside, monkeypatch):
    calls, compute = _counter()
    scoped_figures.get("p", "dept", compute, aggregates_read=[*NAMES, "test.never_counted"])
    scoped_figures.get("p", "dept", compute, aggregates_read=[*NAMES, "test.never_counted"])
    assert len(calls) == 2
    monkeypatch.setattr(scoped_figures, "_in_transaction", lambda: True)
    scoped_figures.get("q", "dept", compute, aggregates_read=NAMES)
    scoped_figures.get("q", "dept", compute, aggregates_read=NAMES)
    assert len(calls) == 4


def test_a_change_is_summed_again_at_most_every_few_seconds_outside_a_transaction(outside, monkeypatch):
    """Under load a store of one school's figures came every few seconds (a device report), and
    each worker summed every officer scope again after each: outside a transaction a value is
    computed again at most every RECOMPUTE_SECONDS — the value before the change meanwhile,
    with its own "as of" —, while another day sums at once."""
    from edudx.core import aggregate_memo

    calls, compute = _counter()
    monkeypatch.setattr(aggregate_memo, "_in_transaction", lambda: False)
    monkeypatch.setattr(aggregate_memo, "RECOMPUTE_SECONDS", 3600)
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 1
    AggregateState.objects.filter(name="test.a").update(version=7)
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 1  # within the interval
    monkeypatch.setattr(aggregate_memo, "RECOMPUTE_SECONDS", 0)
    assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 2  # past it
    monkeypatch.setattr(aggregate_memo, "RECOMPUTE_SECONDS", 3600)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        AggregateState.objects.update(swept_at=timezone.now())
        assert scoped_figures.get("p", "dept", compute, aggregates_read=NAMES) == 3  # another day
