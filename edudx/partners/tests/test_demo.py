"""The demo step: approved apps with clients, schools using them, consents with a withdrawal."""

from __future__ import annotations

import pytest

from edudx.core.demo import DemoContext
from edudx.partners import demo
from edudx.partners.models import AppState, Consent, PartnerApp, PartnerClient, SchoolApp, UseState


@pytest.mark.django_db
def test_demo_builds_partners_a_reviewed_catalogue_and_consent_flows(city):
    demo.build(DemoContext(scale="small"))
    states = dict(PartnerApp.objects.values_list("name", "state"))
    assert states == {
        "Lớp học Sao Mai": AppState.APPROVED,
        "Sổ liên lạc An Tâm": AppState.APPROVED,
        "Trắc nghiệm Nhanh": AppState.UNDER_REVIEW,
    }
    assert SchoolApp.objects.filter(state=UseState.APPROVED).count() == 5
    assert SchoolApp.objects.filter(state=UseState.REQUESTED).count() == 1
    assert PartnerClient.objects.filter(revoked_at__isnull=True).count() == 2
    assert Consent.objects.filter(given=False).count() == 1
    assert Consent.objects.filter(given=True).count() >= 2
