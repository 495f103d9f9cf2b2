"""Background jobs of the infrastructure module."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from edudx.core.actor import Actor, Via

from . import services


@task()
def snapshot_conditions(month: str | None = None) -> int:
    """Record this month's device counts by condition for every school (run monthly; idempotent)."""
    when = dt.date.fromisoformat(month) if month else None
    return services.snapshot_conditions(
        actor=Actor.system(via=Via.SYSTEM, source="task:snapshot_conditions"), month=when
    )
