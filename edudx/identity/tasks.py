"""Background jobs of the identity app (Django Tasks API; a worker started by `run`)."""

from __future__ import annotations

from django_tasks import task


@task()
def verification_run_task(run_id: int) -> dict:
    from .services import run_execute

    run = run_execute(run_id=run_id)
    return {"run": run.pk, "state": run.state, "done": run.done, "counts": run.counts}
