"""Objects private to school B1 (ward B) for the route × role matrix test.

`providers(city)` opens a campaign over the test city, writes B1's self-assessment with a
marker in a comment and in an evidence title, and returns, for every URL kwarg the module's
routes use, an id and the text that must never reach a user scoped to school A1 or ward A.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from edudx.core.actor import Actor
from edudx.monitoring import services
from edudx.monitoring.models import Assessment, Campaign, Framework
from edudx.monitoring.schemas import EntryIn

MARKER = "MONITORING-B1-PRIVATE-7Q2"


def providers(city) -> dict[str, tuple[int, str]]:
    admin = city.actor_of("dept_admin")
    # A framework and a campaign of B1 alone: a school of ward A has nothing to do with either.
    fw = services.framework_clone(
        actor=admin, framework=Framework.objects.get(code="4725", year=2025), year=2099
    )
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=admin,
        framework=fw,
        owner=city.schools[2].unit,
        name="Matrix campaign",
        school_year="2025-2026",
        self_deadline=today + dt.timedelta(days=30),
        review_deadline=today + dt.timedelta(days=50),
        units=[city.schools[2].unit],
    )
    services.campaign_transition(actor=admin, campaign=campaign, to=Campaign.State.OPEN)
    b1 = Assessment.objects.get(campaign=campaign, school=city.schools[2])
    services.assessment_ensure_entries(b1)
    entry = b1.entries.select_related("criterion").get(criterion__code="I.4")
    system = Actor.system(source="matrix")
    # B1's own school administrator is not a role of the test city: write as the system.
    services.entry_save(
        actor=system,
        entry=entry,
        data=EntryIn.model_validate({"comment": MARKER, "points": "7"}),
        version=entry.version,
    )
    ev = services.evidence_add(
        actor=system, entry=entry, kind="link", url="https://b1.example.vn/minh-chung", title=MARKER
    )
    crit = entry.criterion
    return {
        "assessment_id": (b1.pk, MARKER),
        "evidence_id": (ev.pk, MARKER),
        "criterion_id": (crit.pk, MARKER),
        "campaign_id": (campaign.pk, MARKER),
        "framework_id": (fw.pk, MARKER),
        "group_id": (crit.group_id, MARKER),
        "subitem_id": (fw.groups.get(code="I").criteria.get(code="I.3").subitems.first().pk, MARKER),
        "school_id": (city.schools[2].pk, MARKER),
    }
