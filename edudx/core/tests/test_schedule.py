"""The daily scheduler: a marked job is queued once a day from its hour, by one of several
schedulers, again the next day, and released when the queue refuses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from edudx.core import schedule

RAN: list[str] = []


@task()
def count_run() -> None:
    RAN.append("ran")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 12, day, hour, minute))


@pytest.fixture
def only_counter(monkeypatch: pytest.MonkeyPatch) -> schedule.Daily:
    schedule.discover()  # the apps' own marks land in the real registry, not in this one
    monkeypatch.setattr(schedule, "_REGISTRY", {})
    RAN.clear()
    schedule.daily(at="06:00")(count_run)
    return schedule.discover()[0]


@pytest.mark.django_db
def test_queued_once_a_day_from_its_hour(only_counter: schedule.Daily) -> None:
    assert schedule.enqueue_due(at(7, 5, 59)) == []
    assert RAN == []
    assert schedule.enqueue_due(at(7, 6, 0)) == [only_counter.name]
    assert schedule.enqueue_due(at(7, 23, 0)) == []  # a second scheduler, or the next minute
    assert RAN == ["ran"]
    assert schedule.last_run(only_counter) == dt.date(2026, 12, 7)
    assert schedule.enqueue_due(at(8, 6, 30)) == [only_counter.name]
    assert RAN == ["ran", "ran"]


@pytest.mark.django_db
def test_a_missed_day_runs_when_the_scheduler_starts(only_counter: schedule.Daily) -> None:
    schedule.enqueue_due(at(7, 7))
    assert schedule.enqueue_due(at(10, 14)) == [only_counter.name]  # off for two nights
    assert len(RAN) == 2


@pytest.mark.django_db
def test_a_refused_job_is_tried_again(only_counter: schedule.Daily, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("queue full")

    monkeypatch.setattr(type(count_run), "enqueue", refuse)
    assert schedule.enqueue_due(at(7, 7)) == []
    assert schedule.last_run(only_counter) is None
    monkeypatch.undo()
    monkeypatch.setattr(schedule, "_REGISTRY", {only_counter.name: only_counter})
    assert schedule.enqueue_due(at(7, 7, 1)) == [only_counter.name]


@pytest.mark.django_db
def test_the_apps_daily_jobs_are_scheduled(capsys: pytest.CaptureFixture[str]) -> None:
    names = {job.name for job in schedule.discover()}
    assert {"edudx.skills.tasks.expiry_alerts", "edudx.quality.tasks.scorecard_snapshot"} <= names
    call_command("scheduler", "--list")
    assert "edudx.skills.tasks.expiry_alerts  at 06:00  last -" in capsys.readouterr().out
