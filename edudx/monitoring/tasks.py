"""Background jobs of the monitoring module (Django Tasks API, `edudx db_worker`)."""

from __future__ import annotations

from django_tasks import task

from edudx.core.actor import Actor

from . import services
from .models import Campaign


@task()
def campaign_autoscore(campaign_id: int) -> int:
    """Pre-fill the automatic points of an opened campaign's self-assessments (queued when the
    campaign opens; the owner may run it again from the campaign page)."""
    campaign = Campaign.objects.select_related("owner", "framework").get(pk=campaign_id)
    if campaign.state != Campaign.State.OPEN:
        return 0
    return services.campaign_autoscore(actor=Actor.system(source="autoscore"), campaign=campaign)
