"""Data-quality rules and scorecards: facts counted by the importer's own rules, scores per
school, ward, cluster and city, rules edited as versioned data, drill-down scoped and masked."""

import datetime as dt

import pytest

from edudx.core import aggregates
from edudx.core.errors import NotFound, PermissionDenied, ValidationFailed
from edudx.core.roles import Role
from edudx.quality import selectors
from edudx.quality.aggregates import SCORECARD
from edudx.quality.models import RuleVersion
from edudx.quality.schemas import RuleIn
from edudx.quality.scoring import facts
from edudx.quality.services import rules as rule_services
from edudx.registry.models import Student


def _card(city, role, **kw):
    return selectors.board(scope=city.actor_of(role).scope, **kw)


def test_clean_city_scores_and_a_blank_id_lowers_completeness(city):
    f = facts.compute([city.schools[0].pk])[city.schools[0].pk]
    assert f["blank"]["students"]["n"] == 3 and f["invalid"] == {} and f["age_grade"] == {}
    assert f["enrolled"] == 3 and f["class_sizes"] == [3] and f["teachers"] == 1
    before = _card(city, Role.DEPT_OFFICER, level="school", key=city.schools[0].pk)
    assert before.card.rules["completeness.students.required"] == [15, 3]  # no ethnicity in the test city
    Student.objects.filter(pk=city.students[0].pk).update(personal_id=None)
    aggregates.refresh(SCORECARD, [city.schools[0].pk])
    after = _card(city, Role.DEPT_OFFICER, level="school", key=city.schools[0].pk)
    assert after.card.rules["completeness.students.required"] == [15, 4]
    assert after.card.dimensions["completeness"] < before.card.dimensions["completeness"]


def test_importer_rules_find_a_stored_wrong_id_and_an_age_off_its_grade(city):
    pupil = city.students[0]
    Student.objects.filter(pk=pupil.pk).update(
        personal_id="079114000099"
    )  # born 2014 → ID says 2014? century digit
    Student.objects.filter(pk=city.students[1].pk).update(date_of_birth=dt.date(2008, 1, 1))
    f = facts.compute([city.schools[0].pk])[city.schools[0].pk]
    assert f["age_grade"].get("error") == 1  # 17 in grade 6: more than 3 years older
    assert "students" in f["codes"] and f["invalid"].get("students", 0) >= 1


def test_ward_cluster_city_sum_their_schools_and_scope_is_kept(city):
    dept = _card(city, Role.DEPT_OFFICER)
    wards = {r.key for r in dept.rows if r.level == "ward"}
    assert wards == {w.pk for w in city.wards}
    assert dept.card.schools == 4
    ward = _card(city, Role.WARD_OFFICER, level="ward", key=city.wards[0].pk)
    assert {r.key for r in ward.rows} == {city.schools[0].pk, city.schools[1].pk}
    with pytest.raises(NotFound):
        _card(city, Role.WARD_OFFICER, level="ward", key=city.wards[1].pk)
    with pytest.raises(NotFound):
        _card(city, Role.SCHOOL_ADMIN, level="school", key=city.schools[2].pk)
    cluster = _card(city, Role.DEPT_OFFICER, level="cluster", key=city.cluster.pk)
    assert {r.key for r in cluster.rows} == {city.schools[0].pk, city.schools[2].pk}
    with pytest.raises(PermissionDenied):
        _card(city, Role.TEACHER)


def test_rule_edit_is_versioned_validated_and_needs_the_department(city):
    admin = city.actor_of(Role.DEPT_ADMIN)
    row = rule_services.rule_update(actor=admin, code="completeness.students.required",
                                    data=RuleIn(threshold=90, params={"fields": ["full_name", "gender"]}))  # fmt: skip
    assert row.version == 1
    assert list(
        RuleVersion.objects.filter(rule=row).values_list("version", flat=True).order_by("version")
    ) == [0, 1]
    rule = selectors.rule_get(scope=admin.scope, code="completeness.students.required")
    assert rule.threshold == 90 and rule.params["fields"] == ["full_name", "gender"]
    card = _card(city, Role.DEPT_ADMIN, level="school", key=city.schools[0].pk)
    assert card.card.rules["completeness.students.required"][0] == 6  # 3 pupils × 2 fields
    for bad in (RuleIn(params={"fields": ["password"]}), RuleIn(params={"nope": 1}), RuleIn(levels=["XX"]),
                RuleIn(params={"fields": []})):  # fmt: skip
        with pytest.raises(ValidationFailed):
            rule_services.rule_update(actor=admin, code="completeness.students.required", data=bad)
    with pytest.raises(PermissionDenied):
        rule_services.rule_update(actor=city.actor_of(Role.WARD_OFFICER), code="validity.students",
                                  data=RuleIn(threshold=50))  # fmt: skip
    with pytest.raises(NotFound):
        rule_services.rule_update(actor=admin, code="no.such.rule", data=RuleIn(threshold=50))


def test_indicators_evidence_4725_II_3_per_school(city):
    from edudx.core import indicators
    from edudx.identity.models import Status, Verification

    codes = {i.code for i in indicators.for_criterion("4725:II.3")}
    assert {"quality.record_completeness", "quality.verified_share"} <= codes
    a1 = city.schools[0].pk
    completeness = indicators.get("quality.record_completeness").compute([a1])
    # 3 pupils × 5 required fields (no ethnicity: 3 blanks) + 1 teacher × 4 (no personal ID: 1 blank)
    assert completeness[a1] == round(100 * (1 - 4 / 19), 1)
    Verification.objects.create(kind="student", person_id=city.students[0].pk, status=Status.VERIFIED)
    aggregates.refresh("identity.status", [a1])
    aggregates.refresh(SCORECARD, [a1])
    assert indicators.get("quality.verified_share").compute([a1])[a1] == 25.0  # 1 of 3 pupils and 1 teacher


def test_a_cluster_of_wards_holds_every_school_under_them(city):
    from edudx.core.actor import Actor
    from edudx.orgs import services as orgs

    a = Actor.system(source="test")
    cluster = orgs.grouping_create(actor=a, code="CUMB", name="Cụm phường B", kind="cluster", owner=city.dept)
    orgs.grouping_set_members(actor=a, grouping=cluster, units=[city.wards[1]])
    board = _card(city, Role.DEPT_OFFICER, level="cluster", key=cluster.pk)
    assert {r.key for r in board.rows} == {city.schools[2].pk, city.schools[3].pk}
