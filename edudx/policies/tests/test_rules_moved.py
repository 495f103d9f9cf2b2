"""Readiness thresholds, unit costs and the DX frameworks' levels read through policies: a
version in force drives each rule in its owner app; before its first day the old setting holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.policies import selectors, services
from edudx.policies.rules import FRAMEWORK_LEVELS, READINESS, UNIT_COSTS

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 1)


def _publish(code: str, rules: dict, start: dt.date = DAY):
    return services.policy_publish(
        actor=Actor.system(source="test"), code=code, title=f"{code} test", effective_from=start, rules=rules
    )


def test_a_readiness_policy_drives_the_thresholds_infrastructure_reads():
    from edudx.infrastructure import services as infra
    from edudx.infrastructure import thresholds

    infra.threshold_set(actor=Actor.system(source="t"), code="max_pupils_per_computer", value=Decimal(25))
    _publish(READINESS, {"values": {"max_pupils_per_computer": "12", "min_lab_ratio": 2, "no_such_code": 1}})
    with time_machine.travel(dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)):
        before = thresholds.current()
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)):
        after = thresholds.current()
    assert before["max_pupils_per_computer"] == Decimal(25)  # the settings page's value
    assert after["max_pupils_per_computer"] == Decimal(12)  # the policy's, from its first day
    assert after["min_lab_ratio"] == Decimal(2)
    assert "no_such_code" not in after  # a code infrastructure does not know is never read
    assert after["max_device_age_years"] == Decimal(7)  # not named: the default holds


def test_a_unit_cost_policy_drives_procurement_prices():
    from edudx.infrastructure import thresholds

    _publish(UNIT_COSTS, {"costs_vnd": {"laptop": 9_000_000}})
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)):
        costs = thresholds.unit_costs()
    assert costs["laptop"] == 9_000_000 and costs["desktop"] == 14_000_000


def test_a_framework_levels_policy_drives_which_schools_a_campaign_covers(city):
    from edudx.monitoring import services as monitoring
    from edudx.monitoring.models import Campaign, Framework

    framework = Framework.objects.get(code="4725", year=2025)
    admin = city.actor_of("dept_admin")
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC)):
        campaign = monitoring.campaign_create(
            actor=admin, framework=framework, owner=city.dept, name="CĐS", school_year="2025-2026"
        )
        stored = set(monitoring.covered_schools(actor=admin, campaign=campaign).values_list("pk", flat=True))
        level = city.schools[0].level
        _publish(FRAMEWORK_LEVELS, {"levels": {"4725": [level]}}, start=dt.date(2026, 5, 1))
        by_policy = set(
            monitoring.covered_schools(actor=admin, campaign=campaign).values_list("pk", flat=True)
        )
    assert stored == {s.pk for s in city.schools}
    assert by_policy == {s.pk for s in city.schools if s.level == level}
    assert Campaign.objects.filter(pk=campaign.pk).exists()


@pytest.mark.parametrize(
    ("code", "rules"),
    [
        (READINESS, {"values": {"max_pupils_per_computer": -1}}),
        (READINESS, {"values": {"bad key!": 1}}),
        (UNIT_COSTS, {"costs_vnd": {"laptop": "cheap"}}),
        (FRAMEWORK_LEVELS, {"levels": {"4725": ["KINDERGARTEN"]}}),
        (FRAMEWORK_LEVELS, {"assign": {}}),
    ],
)
def test_rules_of_the_moved_codes_are_checked(code, rules):
    with pytest.raises(ValidationFailed) as exc:
        _publish(code, rules)
    assert exc.value.code == "bad_rules"


def test_framework_levels_fall_back_to_the_frameworks_own():
    assert selectors.framework_levels("4725", ["TH"]) == ["TH"]
    _publish(FRAMEWORK_LEVELS, {"levels": {"3806": ["THPT"]}})
    assert selectors.framework_levels("4725", ["TH"], on=DAY) == ["TH"]
    assert selectors.framework_levels("3806", [], on=DAY) == ["THPT"]


def test_the_page_shows_which_policy_drives_each_rule_and_the_form_publishes(city, client_for):
    dept = client_for("dept_admin")
    page = dept.get("/policies/")
    assert page.status_code == 200
    assert b'href="/policies/publish/"' in page.content
    form = dept.get("/policies/publish/?code=unit_costs")
    assert form.status_code == 200 and b"costs_vnd" in form.content
    today = timezone.localdate()
    data = {
        "code": UNIT_COSTS,
        "title": "Đơn giá 2026",
        "effective_from": today.isoformat(),
        "reference": "QĐ 1/2026",
        "rules": '{"costs_vnd": {"laptop": 15000000}}',
    }
    assert dept.post("/policies/publish/", {**data, "rules": "{not json"}).status_code == 200
    nul = dept.post("/policies/publish/", {**data, "rules": '{"costs_vnd": {"a\\u0000": 1}}'})
    assert nul.status_code == 200 and b"is-invalid" in nul.content
    huge = dept.post("/policies/publish/", {**data, "rules": "[" + "1," * 20_000 + "1]"})
    assert huge.status_code == 200 and b"is-invalid" in huge.content
    bad = dept.post("/policies/publish/", {**data, "rules": '{"costs_vnd": {"laptop": -5}}'})
    assert bad.status_code == 200 and b"is-invalid" in bad.content
    ok = dept.post("/policies/publish/", data)
    assert ok.status_code == 302
    assert selectors.unit_costs() == {"laptop": 15_000_000}
    again = dept.post("/policies/publish/", data)  # not after the version in force: refused
    assert again.status_code == 200 and b"is-invalid" in again.content
    shown = dept.get("/policies/").content.decode()
    assert "costs_vnd.laptop" in shown and "Đơn giá 2026" in shown
    assert client_for("teacher").get("/policies/publish/").status_code == 403
    assert client_for("teacher").post("/policies/publish/", data).status_code == 403
