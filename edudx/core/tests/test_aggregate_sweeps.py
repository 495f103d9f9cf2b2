"""Maintained aggregates are refreshed by what changed (issue #21 item 2): a trigger on each input
table notes the school of every row written — by a service, an import or a plain update — and the
sweep a stale read queues recounts those schools only, never the city; a change shows within the
minute, and the figures say when they were current."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from edudx.core import aggregates
from edudx.core.models import AggregateChange, AggregateState
from edudx.core.roles import Role
from edudx.registry.models import Student
from edudx.web.aggregates import HOME
from edudx.web.views import _figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(city, monkeypatch):
    """The home aggregate counted in full, and a record of the keys each later count asks for."""
    aggregates.refresh(HOME)
    AggregateChange.objects.all().delete()
    calls: list[list[int] | None] = []
    entry = aggregates._REGISTRY[HOME]

    def spy(keys):
        calls.append(keys)
        return entry.compute(keys)

    monkeypatch.setitem(aggregates._REGISTRY, HOME, aggregates._Entry(spy, entry.sources))
    return calls


def _notes() -> set[int]:
    return set(AggregateChange.objects.filter(name=HOME).values_list("key", flat=True))


def test_a_plain_update_is_noted_by_its_school_and_a_move_by_both(city, counted):
    a, b = city.schools[0], city.schools[1]
    pupil = Student.objects.filter(school=a).first()
    Student.objects.filter(pk=pupil.pk).update(status="thoi_hoc")  # no service, no touch
    assert _notes() == {a.pk}
    Student.objects.filter(pk=pupil.pk).update(school=b)
    assert _notes() == {a.pk, b.pk}
    Student.objects.filter(pk=pupil.pk).delete()
    assert _notes() == {a.pk, b.pk}


def test_a_stale_read_recounts_only_the_changed_school_within_the_minute(city, counted):
    scope = city.scope_of(Role.DEPT_OFFICER)
    before = _figures(scope)
    left = {r["status"]: r["n"] for r in before["by_status"]}.get("thoi_hoc", 0)
    pupil = Student.objects.filter(school=city.schools[0]).first()
    Student.objects.filter(pk=pupil.pk).update(status="thoi_hoc")
    assert _figures(scope)["by_status"] == before["by_status"]  # within the minute: as stored
    assert counted == []
    later = timezone.now() + dt.timedelta(seconds=61)
    with time_machine.travel(later):
        _figures(scope)  # stale: the sweep is queued (and runs, with the test's task backend)
        after = _figures(scope)
    assert counted == [[city.schools[0].pk]]  # one school recounted, not every school
    assert {r["status"]: r["n"] for r in after["by_status"]}.get("thoi_hoc", 0) == left + 1
    assert after["as_of"] > before["as_of"]  # "Số liệu lúc …" moves on
    assert _notes() == set()


def test_a_sweep_with_nothing_changed_counts_nothing_and_the_first_of_a_day_counts_all(city, counted):
    assert aggregates.sweep(HOME) == 0
    assert counted == []
    swept = AggregateState.objects.get(name=HOME).swept_at
    assert swept is not None
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        aggregates.sweep(HOME)
    assert counted == [None]  # figures that depend on the date: recounted once a day


def test_a_note_made_after_the_sweep_read_its_notes_is_kept(city, counted, monkeypatch):
    a, b = city.schools[0], city.schools[1]
    Student.objects.filter(pk=Student.objects.filter(school=a).first().pk).update(status="thoi_hoc")
    entry = aggregates._REGISTRY[HOME]

    def compute_then_change(keys):
        out = entry.compute(keys)
        Student.objects.filter(pk=Student.objects.filter(school=b).first().pk).update(status="thoi_hoc")
        return out

    monkeypatch.setitem(aggregates._REGISTRY, HOME, aggregates._Entry(compute_then_change, entry.sources))
    aggregates.sweep(HOME)
    assert _notes() == {b.pk}  # b changed after its figures were read: recounted next time


def test_identity_counts_come_from_the_same_mechanism_and_say_when(city, client_for):
    from django.urls import reverse

    from edudx.identity import selectors as identity
    from edudx.identity.aggregates import STATUSES
    from edudx.identity.models import Status, Verification

    scope = city.scope_of(Role.DEPT_ADMIN)
    assert identity.status_counts(scope=scope)[Status.UNVERIFIED] == len(city.students)
    assert AggregateState.objects.filter(name=STATUSES).exists()  # counted once, then maintained
    AggregateChange.objects.filter(name=STATUSES).delete()  # the city's own creation, counted
    pupil = city.students[0]
    Verification.objects.create(kind="student", person_id=pupil.pk, status=Status.MISMATCH)
    assert set(AggregateChange.objects.filter(name=STATUSES).values_list("key", flat=True)) == {
        pupil.school_id
    }
    assert identity.status_counts(scope=scope)[Status.MISMATCH] == 1  # the school's change, live
    body = client_for(Role.DEPT_ADMIN).get(reverse("identity:dashboard")).content.decode()
    assert 'data-testid="figures-as-of"' in body


def test_a_shared_read_gives_the_scope_its_keys_and_follows_every_change(city, counted):
    """read_shared fetches every key once per change of the figures and keeps them in the
    process: a second read fetches nothing, a ward gets only its schools, and a recount of one
    school (a new version) is seen by the next read."""
    a, b = city.schools[0], city.schools[1]
    aggregates.sweep(HOME)  # a state row: the figures have a version
    first = aggregates.read_shared(HOME, [a.pk])
    assert set(first.data) == {a.pk}
    assert aggregates._SHARED[HOME][1].data.keys() >= {a.pk, b.pk}
    before = first.data[a.pk]
    calls_before = len(counted)
    again = aggregates.read_shared(HOME, [a.pk])
    assert again.data[a.pk] is before and len(counted) == calls_before  # kept, not recounted
    Student.objects.filter(school=a).update(status="thoi_hoc")
    aggregates.touch(HOME, [a.pk])
    after = aggregates.read_shared(HOME, [a.pk, b.pk])
    assert after.data[a.pk] != before
    assert set(after.data) == {a.pk, b.pk}


def test_a_wide_read_takes_the_process_copy_until_the_figures_change(city, counted, monkeypatch):
    """Past CHUNK keys (a department's 3,500 schools) `read` takes its keys from the process's
    copy, fetched once per version: a second read fetches no row, a touch is seen at once, and
    figures stored again after a rollback get a version no copy was kept under."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(aggregates, "CHUNK", 1)
    a, b = city.schools[0], city.schools[1]
    aggregates.sweep(HOME)
    first = aggregates.read(HOME, [a.pk, b.pk])
    assert set(first.data) == {a.pk, b.pk}
    with CaptureQueriesContext(connection) as q:
        again = aggregates.read(HOME, [a.pk, b.pk])
    assert again.data[a.pk] is first.data[a.pk]
    assert not any('core_aggregate"' in x["sql"] and "FROM" in x["sql"] for x in q.captured_queries)
    Student.objects.filter(school=a).update(status="thoi_hoc")
    aggregates.touch(HOME, [a.pk])
    assert aggregates.read(HOME, [a.pk, b.pk]).data[a.pk] != first.data[a.pk]
    versions = {aggregates._new_version() for _ in range(50)}
    assert len(versions) == 50  # unique: never the version a rolled-back store had


def test_a_wide_copy_fetches_only_the_keys_of_the_store_after_its_version(city, counted, monkeypatch):
    """A process whose copy of every key is at the version a store replaced fetches the keys
    that store wrote, not every school's (a device report made each worker fetch 3,500); two
    stores since the copy, or a full count, fetch everything; the result is the full fetch's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(aggregates, "CHUNK", 1)
    a, b = city.schools[0], city.schools[1]
    aggregates.sweep(HOME)
    aggregates.read(HOME, [a.pk, b.pk])
    Student.objects.filter(school=a).update(status="thoi_hoc")
    aggregates.touch(HOME, [a.pk])
    state = AggregateState.objects.get(name=HOME)
    assert state.changed_keys == [a.pk] and state.previous_version is not None
    with CaptureQueriesContext(connection) as q:
        after = aggregates.read(HOME, [a.pk, b.pk])
    fetches = [x["sql"] for x in q.captured_queries if 'FROM "core_aggregate"' in x["sql"]]
    assert len(fetches) == 1 and '"key" IN' in fetches[0]  # the one school only
    assert after.data == aggregates._fetch(HOME, [a.pk, b.pk]).data
    aggregates.touch(HOME, [a.pk])
    aggregates.touch(HOME, [b.pk])  # two stores since the copy: every key
    with CaptureQueriesContext(connection) as q:
        again = aggregates.read(HOME, [a.pk, b.pk])
    fetches = [x["sql"] for x in q.captured_queries if 'FROM "core_aggregate"' in x["sql"]]
    assert len(fetches) == 1 and '"key" IN' not in fetches[0]
    assert again.data == aggregates._fetch(HOME, [a.pk, b.pk]).data
    aggregates.refresh(HOME)
    assert AggregateState.objects.get(name=HOME).changed_keys is None  # a full count lists nothing
