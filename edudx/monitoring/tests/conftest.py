"""Monitoring fixtures on the miniature city: the shipped 4725 framework, an open campaign
covering all four schools, and helpers to fill a self-assessment."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from edudx.core.actor import Actor
from edudx.monitoring import services
from edudx.monitoring.models import Assessment, Campaign, Criterion, Framework
from edudx.monitoring.schemas import EntryIn

TODAY = dt.date(2026, 5, 10)  # inside the self-assessment window of 2025-2026


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, 0, tzinfo=dt.UTC), tick=True):
        yield TODAY


@pytest.fixture
def framework(db):
    return Framework.objects.get(code="4725", year=2025)


def open_campaign(city, framework) -> Campaign:
    admin = city.actor_of("dept_admin")
    c = services.campaign_create(
        actor=admin,
        framework=framework,
        owner=city.dept,
        name="Đánh giá CĐS 2025-2026",
        school_year="2025-2026",
    )
    services.campaign_transition(actor=admin, campaign=c, to=Campaign.State.OPEN)
    return c


@pytest.fixture
def campaign(city, framework, today):
    return open_campaign(city, framework)


def assessment_of(campaign, school) -> Assessment:
    return Assessment.objects.get(campaign=campaign, school=school)


def fill(actor: Actor, assessment: Assessment, *, ratio: float = 0.8, met: bool = True) -> None:
    """Complete every criterion: mandatory met, points at `ratio` of each maximum."""
    services.assessment_ensure_entries(assessment)
    for e in assessment.entries.select_related("criterion").prefetch_related("criterion__subitems"):
        c = e.criterion
        if c.kind == Criterion.Kind.MANDATORY:
            data = {"met": "1" if met else "0"}
        elif list(c.subitems.all()):
            data = {
                "sub_points": {s.code: str(round(float(s.max_points) * ratio, 2)) for s in c.subitems.all()}
            }
        else:
            data = {"points": str(round(float(c.max_points) * ratio, 2))}
        services.entry_save(actor=actor, entry=e, data=EntryIn.model_validate(data), version=e.version)
