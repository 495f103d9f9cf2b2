"""Background exports run in the worker (Django Tasks API, `edudx db_worker`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def run_export(job_id: int) -> str:
    return services.job_run(job_id=job_id).state
