"""Monitoring dashboards read maintained figures (edudx/monitoring/aggregates.py): the same numbers
the live queries count, a committed change shown within the minute with "as of", and a pinned
number of queries whatever the number of schools."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from edudx.core.actor import Actor
from edudx.monitoring import selectors, services

from .conftest import assessment_of, fill


def _submit(city, campaign, i, ratio=0.8):
    system = Actor.system(source="test")
    a = assessment_of(campaign, city.schools[i])
    fill(system, a, ratio=ratio)
    services.assessment_submit(actor=system, assessment=a)
    return a


def test_dashboard_figures_are_the_live_counts(city, campaign):
    _submit(city, campaign, 0, 0.9)
    a = _submit(city, campaign, 2, 0.3)
    services.assessment_approve(actor=city.actor_of("dept_admin"), assessment=a)
    for role in ("dept_officer", "ward_officer", "cluster_lead", "school_admin"):
        scope = city.scope_of(role)
        d = selectors.campaign_dashboard(scope=scope, campaign=campaign)
        assert d["progress"] == selectors.campaign_progress(scope=scope, campaign=campaign), role
        assert d["levels"] == selectors.level_distribution(scope=scope, campaign=campaign), role
        live = selectors.weakest_criteria(scope=scope, campaign=campaign)
        assert {**d["weakest"], "cells": sorted(d["weakest"]["cells"])} == {
            **live,
            "cells": sorted(live["cells"]),
        }
        for by in ("level", "ownership"):
            live = selectors.level_distribution(scope=scope, campaign=campaign, by=by)
            assert selectors.campaign_dashboard(scope=scope, campaign=campaign, by=by)["levels"] == live
        assert d["as_of"] is not None
    # a ward officer's figures hold only the ward's schools
    ward = selectors.campaign_dashboard(scope=city.scope_of("ward_officer"), campaign=campaign)
    assert ward["progress"]["count"] == 2


def test_a_committed_assessment_change_shows_within_the_minute(city, campaign, client_for):
    scope = city.scope_of("dept_officer")
    before = selectors.campaign_dashboard(scope=scope, campaign=campaign)["progress"]["total"]
    assert before["submitted"] == 0
    _submit(city, campaign, 1)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        selectors.campaign_dashboard(scope=scope, campaign=campaign)  # stale: a sweep is queued (and runs)
        after = selectors.campaign_dashboard(scope=scope, campaign=campaign)
    assert after["progress"]["total"]["submitted"] == 1
    assert after["levels"] and after["as_of"] is not None
    body = client_for("dept_officer").get(
        reverse("monitoring:dashboard", kwargs={"campaign_id": campaign.pk})
    )
    assert 'data-testid="figures-as-of"' in body.content.decode()


def test_the_dashboard_query_count_does_not_grow_with_schools(
    city, campaign, client_for, django_assert_max_num_queries
):
    _submit(city, campaign, 0)
    client = client_for("dept_officer")
    page = reverse("monitoring:dashboard", kwargs={"campaign_id": campaign.pk})
    client.get(page)  # the first read ever counts the figures
    with django_assert_max_num_queries(24):
        assert client.get(page).status_code == 200
