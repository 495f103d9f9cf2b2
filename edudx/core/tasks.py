"""Background jobs of core: keeping maintained aggregates current (edudx/core/aggregates.py), and
the one way a service queues a job for a row it has just written."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.db import transaction
from django_tasks import task

from . import aggregates


@task()
def refresh_aggregate(name: str) -> int:
    """Recompute the figures of one aggregate whose inputs changed (queued by a read that found
    its last sweep older than the maximum age)."""
    try:
        return aggregates.sweep(name)
    finally:
        caches["shared"].delete(f"aggregate-refresh:{name}")


def enqueue_after_commit(job: Any, row: Any) -> None:
    """Queue `job(row.pk)` once the service's transaction commits (never a job for a row that was
    rolled back), and keep the task's id on the row's `task_id` so its page can follow it."""
    model = type(row)

    def enqueue() -> None:
        result = job.enqueue(row.pk)
        model.objects.filter(pk=row.pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


@task()
def recount_aggregate(name: str) -> int:
    """Recount every key of one aggregate (queued by `aggregates.recount` when what its figures
    are computed with changed, e.g. a readiness threshold)."""
    return aggregates.refresh(name)
