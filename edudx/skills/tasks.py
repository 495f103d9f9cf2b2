"""Background jobs of the skills app (Django Tasks API, `edudx db_worker`)."""

from __future__ import annotations

from django_tasks import task

from edudx.core.actor import Actor

from .services import alerts


@task()
def expiry_alerts() -> dict[str, int]:
    """The daily run: expire the certificates that ran out and alert their holders and schools
    (`edudx skills_daily` enqueues it; run it once a day from cron or a systemd timer)."""
    return alerts.alerts_send(actor=Actor.system(source="skills.daily"))
