from decimal import Decimal

import pytest

from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.infrastructure import selectors, services
from edudx.infrastructure.filters import ReadinessFilter
from edudx.infrastructure.models import Condition, DeviceCategory
from edudx.infrastructure.schemas import DeviceIn, DevicePatch


def test_devices_get_sequential_printable_asset_tags(equipped):
    tags = sorted(
        selectors.device_list(scope=Actor.system().scope)[0]
        .filter(school=equipped["a1"])
        .values_list("asset_tag", flat=True)
    )
    assert tags[0] == f"TB-{equipped['a1'].moet_code}-00001" and len(set(tags)) == len(tags) == 4


def test_a_teacher_reports_a_condition_and_history_shows_it(city, equipped):
    device = selectors.device_list(scope=Actor.system().scope)[0].filter(school=equipped["a1"]).first()
    services.device_set_condition(
        actor=city.actor_of(Role.TEACHER), device=device, condition=Condition.NEEDS_REPAIR, note="Quạt kêu to"
    )
    device.refresh_from_db()
    assert device.condition == Condition.NEEDS_REPAIR
    last = entries_for(device)[0]
    assert (
        last.changes == {"condition": ["in_use", "needs_repair"]} and last.actor == city.users[Role.TEACHER]
    )


def test_a_teacher_cannot_add_devices_and_nobody_touches_another_schools(city, equipped):
    with pytest.raises(PermissionDenied):
        services.device_create(
            actor=city.actor_of(Role.TEACHER),
            school=equipped["a1"],
            data=DeviceIn(category=DeviceCategory.LAPTOP),
        )
    with pytest.raises(PermissionDenied):
        services.device_set_condition(
            actor=city.actor_of(Role.SCHOOL_ADMIN), device=equipped["b_device"], condition=Condition.IN_USE
        )
    equipped["b_device"].refresh_from_db()
    assert equipped["b_device"].condition == Condition.BROKEN


def test_a_device_cannot_sit_in_another_schools_room(city, equipped):
    with pytest.raises(ValidationFailed) as exc:
        services.device_create(
            actor=Actor.system(),
            school=equipped["a1"],
            data=DeviceIn(category=DeviceCategory.LAPTOP, room_id=equipped["b_room"].pk),
        )
    assert exc.value.code == "room_other_school"


def test_the_asset_tag_never_changes(equipped):
    with pytest.raises(ValidationFailed):
        services.device_update(
            actor=Actor.system(), device=equipped["b_device"], data=DevicePatch(asset_tag="X-1")
        )


def test_a_ward_officer_sees_readiness_of_exactly_their_wards_schools(city, equipped):
    results = selectors.readiness_for(scope=city.scope_of(Role.WARD_OFFICER))
    assert set(results) == {city.schools[0].pk, city.schools[1].pk}


def test_readiness_reflects_the_inventory(city, equipped):
    results = selectors.readiness_for(scope=Actor.system().scope)
    a1, b1 = results[equipped["a1"].pk], results[equipped["b1"].pk]
    assert a1.presentation_share == 1.0 and a1.inputs.computers_working == 3 and a1.inputs.labs == 1
    assert a1.inputs.pupils == 3 and a1.kbps_per_pupil == pytest.approx(200 * 1000 / 3)
    assert b1.presentation_share == 0.0 and b1.broken_share == 1.0
    assert {"presentation_share", "broken_share", "pupils_per_computer"} <= set(b1.below)


def test_procurement_ranks_the_worst_school_first_and_prices_it(city, equipped):
    rows = selectors.procurement_list(scope=Actor.system().scope)
    ids = [r["id"] for r in rows]
    # A1 meets every threshold; the three schools without computers or displays do not.
    assert equipped["a1"].pk not in ids and set(ids) == {s.pk for s in city.schools[1:]}
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert all(rows[i]["score"] <= rows[i + 1]["score"] for i in range(len(rows) - 1))
    b1 = next(r for r in rows if r["id"] == equipped["b1"].pk)
    assert (
        b1["needs"]["projector"] == 1 and b1["cost_vnd"] > 0 and b1["moet_code"] == equipped["b1"].moet_code
    )
    ward = selectors.procurement_list(
        scope=city.scope_of(Role.WARD_OFFICER), filters=ReadinessFilter(below_only=True)
    )
    assert [r["id"] for r in ward] == [city.schools[1].pk]


def test_only_the_department_changes_thresholds_and_it_changes_results(city, equipped):
    with pytest.raises(PermissionDenied):
        services.threshold_set(
            actor=city.actor_of(Role.SCHOOL_ADMIN), code="max_pupils_per_computer", value=Decimal(1)
        )
    a1 = selectors.readiness_for(scope=Actor.system().scope)[equipped["a1"].pk]
    assert "pupils_per_computer" not in a1.below  # 3 pupils, 3 working computers
    services.threshold_set(
        actor=city.actor_of(Role.DEPT_ADMIN), code="max_pupils_per_computer", value=Decimal("0.5")
    )
    a1 = selectors.readiness_for(scope=Actor.system().scope)[equipped["a1"].pk]
    assert "pupils_per_computer" in a1.below and a1.needs["desktop"] == 3


def test_a_monthly_snapshot_counts_devices_by_condition_and_can_be_rerun(equipped):
    import datetime as dt

    from django.core.management import call_command

    from edudx.infrastructure.models import ConditionSnapshot

    call_command("infra_snapshot", "--month", "2026-03-01")
    call_command("infra_snapshot", "--month", "2026-03-01")  # idempotent
    snap = ConditionSnapshot.objects.get(school=equipped["b1"], month=dt.date(2026, 3, 1))
    assert (snap.broken, snap.in_use) == (1, 0)
    assert ConditionSnapshot.objects.filter(month=dt.date(2026, 3, 1)).count() == 2
    rows = selectors.condition_over_time(scope=Actor.system().scope)
    assert rows == [{"month": dt.date(2026, 3, 1), "in_use": 4, "needs_repair": 0, "broken": 1, "retired": 0}]
