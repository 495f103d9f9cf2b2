"""Daily jobs without cron: an app marks a background job as daily in its `tasks.py`, and the
scheduler (`edudx scheduler`, started by `./run` beside the worker) queues it once a day.

    @daily(at="01:30")
    @task()
    def expiry_alerts() -> dict[str, int]: ...

The job runs in the worker like any other (`edudx db_worker`); the scheduler only queues it.
A day's run is claimed by one conditional UPDATE of a `core.Setting` row (`schedule:<job>`), so
two schedulers — a restart overlapping, or one per host — never queue the same day twice, and
a scheduler started late (after a night the machine was off) queues the missed day's run at
once. The local time is the project's (`TIME_ZONE`, Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from .models import Setting

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Daily:
    name: str  # the job's dotted path, e.g. "edudx.skills.tasks.expiry_alerts"
    job: Any  # a django_tasks Task (queued with .enqueue())
    at: dt.time  # local time from which the day's run is due


_REGISTRY: dict[str, Daily] = {}


def daily(at: str = "02:00") -> Callable[[T], T]:
    """Mark a background job (a `@task()`, taking no arguments) to be queued once a day, from
    the local time `at` ("HH:MM")."""
    when = dt.time.fromisoformat(at)

    def mark(job: T) -> T:
        func: Any = getattr(job, "func", job)
        name = f"{func.__module__}.{func.__qualname__}"
        _REGISTRY[name] = Daily(name=name, job=job, at=when)
        return job

    return mark


def discover() -> list[Daily]:
    """Import every edudx app's `tasks` module (where daily jobs are marked) and list the jobs."""
    for config in apps.get_app_configs():
        module = f"{config.name}.tasks"
        if config.name.startswith("edudx.") and find_spec(module) is not None:
            import_module(module)
    return sorted(_REGISTRY.values(), key=lambda d: d.name)


def _key(job: Daily) -> str:
    return f"schedule:{job.name}"


def last_run(job: Daily) -> dt.date | None:
    """The local day of the job's last queued run, None if never."""
    row = Setting.objects.filter(key=_key(job)).first()
    day = row.value.get("day") if row is not None and isinstance(row.value, dict) else None
    return dt.date.fromisoformat(day) if day else None


def _claim(job: Daily, today: dt.date) -> bool:
    """Take today's run of `job` for this process: True for exactly one caller a day."""
    key, day = _key(job), today.isoformat()
    Setting.objects.get_or_create(key=key, defaults={"value": {"day": ""}})
    return Setting.objects.filter(Q(key=key) & ~Q(value__day=day)).update(value={"day": day}) == 1


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Queue every daily job whose time has come today and which has not been queued today;
    return their names. A job the queue refuses is released to be tried at the next call."""
    local = timezone.localtime(now or timezone.now())
    queued: list[str] = []
    for job in discover():
        if local.time() < job.at or not _claim(job, local.date()):
            continue
        try:
            job.job.enqueue()
        except Exception:
            log.exception("could not queue the daily job %s", job.name)
            Setting.objects.filter(key=_key(job)).update(value={"day": ""})
            continue
        queued.append(job.name)
    return queued
