"""Policies as data: versions with effective dates, rules parsed by their code's model."""

from __future__ import annotations

import datetime as dt

import pytest

from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.policies import selectors, services
from edudx.policies.rules import DATA_SHARING, DEFAULT_SHARING

pytestmark = pytest.mark.django_db


def test_default_holds_until_a_version_is_in_force():
    assert selectors.sharing_rules() == DEFAULT_SHARING
    a = Actor.system(source="test")
    rules = {"allowed": {"public_task": {"*": ["roster", "identifiers"]}}, "approval_by": "ward"}
    services.policy_publish(
        actor=a, code=DATA_SHARING, title="v1", effective_from=dt.date(2026, 1, 1), rules=rules
    )
    assert selectors.sharing_rules(dt.date(2025, 12, 31)) == DEFAULT_SHARING
    now = selectors.sharing_rules(dt.date(2026, 6, 1))
    assert now.approval_by == "ward" and now.allowed["public_task"]["*"] == ["roster", "identifiers"]


def test_a_new_version_closes_the_previous_one():
    a = Actor.system(source="test")
    v1 = services.policy_publish(
        actor=a, code=DATA_SHARING, title="v1", effective_from=dt.date(2026, 1, 1), rules={}
    )
    v2 = services.policy_publish(
        actor=a, code=DATA_SHARING, title="v2", effective_from=dt.date(2026, 9, 1), rules={"consent_age": 10}
    )
    v1.refresh_from_db()
    assert (v1.version, v2.version, v1.effective_to) == (1, 2, dt.date(2026, 9, 1))
    assert selectors.sharing_rules(dt.date(2026, 8, 31)).consent_age == 7
    assert selectors.sharing_rules(dt.date(2026, 9, 1)).consent_age == 10
    with pytest.raises(ValidationFailed) as exc:
        services.policy_publish(
            actor=a, code=DATA_SHARING, title="v3", effective_from=dt.date(2026, 8, 1), rules={}
        )
    assert exc.value.code == "effective_from_too_early"


@pytest.mark.parametrize(
    "rules",
    [{"approval_by": "mayor"}, {"consent_age": 40}, {"allowed": {"gift": {}}}, {"unknown": 1}],
)
def test_rules_that_do_not_parse_are_refused(rules):
    with pytest.raises(ValidationFailed) as exc:
        services.policy_publish(
            actor=Actor.system(source="test"),
            code=DATA_SHARING,
            title="x",
            effective_from=dt.date(2026, 1, 1),
            rules=rules,
        )
    assert exc.value.code == "bad_rules"


def test_only_the_department_publishes(city):
    from edudx.core.roles import Role

    with pytest.raises(PermissionDenied):
        services.policy_publish(
            actor=city.actor_of(Role.SCHOOL_ADMIN),
            code=DATA_SHARING,
            title="x",
            effective_from=dt.date(2026, 1, 1),
            rules={},
        )


def test_policies_page_names_what_each_policy_drives_and_the_version_in_force(city, client_for):
    page = client_for("teacher").get("/policies/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "data_sharing" in text and "consent_age" in text  # the default's rules are shown
    services.policy_publish(
        actor=Actor.system(source="t"),
        code="data_sharing",
        title="Chia sẻ dữ liệu 2027",
        effective_from=dt.date(2026, 1, 2),
        rules={"approval_by": "ward", "consent_age": 7, "allowed": {"public_task": {"*": ["roster"]}}},
    )
    text = client_for("teacher").get("/policies/").content.decode()
    assert "Chia sẻ dữ liệu 2027" in text and "ward" in text
    assert client_for("student").get("/policies/").status_code in (403, 404)
