"""Background jobs of quality."""

from __future__ import annotations

from django_tasks import task

from edudx.core.schedule import daily

from . import services


@task()
def dedupe_run(run_id: int) -> int:
    """Search the registry for duplicate persons (a DedupeRun, its progress on the run's page)."""
    return services.run_execute(run_id).pairs


@daily(at="01:00")
@task()
def scorecard_snapshot() -> int:
    """Keep today's scores of every school, ward, cluster and the city (the scorecards' trend)."""
    from .services import rules

    return rules.snapshot_take()
