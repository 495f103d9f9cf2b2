"""Background jobs of the skills app (Django Tasks API, `edudx db_worker`)."""

from __future__ import annotations

from django_tasks import task

from edudx.core.actor import Actor
from edudx.core.schedule import daily

from .services import alerts


@daily(at="06:00")
@task()
def expiry_alerts() -> dict[str, int]:
    """The daily run: expire the certificates that ran out and alert their holders and schools
    (queued each morning by `edudx scheduler`; `edudx skills_daily` queues it by hand)."""
    return alerts.alerts_send(actor=Actor.system(source="skills.daily"))
