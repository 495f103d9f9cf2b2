"""The organisation tree: creation, renames and moves keep history; subtrees are one range."""

from __future__ import annotations

import pytest

from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.orgs import selectors, services
from edudx.orgs.models import SEGMENT_WIDTH, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    return Actor.system(source="test")


@pytest.fixture
def tree(system):
    root = services.unit_create(actor=system, code="ROOT", name="Sở", kind="department", parent=None)
    ward = services.unit_create(actor=system, code="W1", name="Phường Một", kind="ward", parent=root)
    other = services.unit_create(actor=system, code="W2", name="Phường Hai", kind="ward", parent=root)
    school = services.unit_create(actor=system, code="S1", name="Trường Một", kind="school", parent=ward)
    office = services.unit_create(actor=system, code="O1", name="Tổ Một", kind="office", parent=school)
    return root, ward, other, school, office


def test_create_builds_the_path_from_the_parent_and_records_history(tree):
    root, ward, _other, school, _office = tree
    assert root.path == str(root.pk).zfill(SEGMENT_WIDTH) and root.depth == 0
    assert school.path == ward.path + str(school.pk).zfill(SEGMENT_WIDTH)
    assert school.depth == 2
    (entry,) = entries_for(school)
    assert entry.action == "create"
    assert entry.changes["parent"] == [None, ward.pk]
    assert entry.changes["code"] == [None, "S1"]


def test_create_refuses_a_duplicate_code(system, tree):
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(actor=system, code="S1", name="Khác", kind="school", parent=tree[1])
    assert exc.value.details[0].field == "code"


def test_rename_keeps_the_old_name_in_history(system, tree):
    school = tree[3]
    services.unit_update(actor=system, unit=school, name="  Trường Mới  ")
    school.refresh_from_db()
    assert school.name == "Trường Mới"
    assert school.code == "S1"
    assert entries_for(school)[0].changes == {"name": ["Trường Một", "Trường Mới"]}


def test_rename_to_the_same_name_writes_nothing(system, tree):
    school = tree[3]
    services.unit_update(actor=system, unit=school, name="Trường Một")
    assert len(entries_for(school)) == 1


def test_move_rewrites_the_paths_of_the_whole_subtree_and_records_history(system, tree):
    _root, ward, other, school, office = tree
    services.unit_move(actor=system, unit=school, new_parent=other)
    school.refresh_from_db()
    office.refresh_from_db()
    assert school.parent_id == other.pk
    assert school.path == other.path + str(school.pk).zfill(SEGMENT_WIDTH)
    assert office.path == school.path + str(office.pk).zfill(SEGMENT_WIDTH)
    assert (school.depth, office.depth) == (2, 3)
    assert entries_for(school)[0].action == "move"
    assert entries_for(school)[0].changes == {"parent": [ward.pk, other.pk]}
    assert list(selectors.unit_list(scope=_system_scope(), within=ward)) == [ward]


def _system_scope():
    from edudx.core.scope import Scope

    return Scope.system()


def test_a_unit_cannot_move_under_itself_or_its_descendant(system, tree):
    _root, _ward, _other, school, office = tree
    for target in (school, office):
        with pytest.raises(ValidationFailed) as exc:
            services.unit_move(actor=system, unit=school, new_parent=target)
        assert exc.value.code == "move_cycle"
    school.refresh_from_db()
    assert school.path.startswith(tree[1].path)


def test_subtree_query_returns_the_unit_and_its_descendants_only(tree):
    root, ward, other, school, office = tree
    within_ward = selectors.unit_list(scope=_system_scope(), within=ward)
    assert [u.code for u in within_ward] == ["W1", "S1", "O1"]
    assert [u.code for u in selectors.unit_list(scope=_system_scope(), kind="ward")] == ["W1", "W2"]
    assert OrgUnit.objects.count() == 5


def test_subtree_query_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(selectors.unit_list(scope=_system_scope(), within=tree[1]))


def test_only_a_department_administrator_renames_or_moves(city):
    school_unit = city.schools[0].unit
    for role in (Role.WARD_OFFICER, Role.SCHOOL_ADMIN, Role.DEPT_OFFICER):
        with pytest.raises(PermissionDenied):
            services.unit_update(actor=city.actor_of(role), unit=school_unit, name="Đổi Tên")
        with pytest.raises(PermissionDenied):
            services.unit_move(actor=city.actor_of(role), unit=school_unit, new_parent=city.wards[1])
    services.unit_update(actor=city.actor_of(Role.DEPT_ADMIN), unit=school_unit, name="Đổi Tên")
    school_unit.refresh_from_db()
    assert school_unit.name == "Đổi Tên"


def test_grouping_members_change_with_history(system, tree):
    root, _ward, _other, school, office = tree
    g = services.grouping_create(actor=system, code="C1", name="Cụm", kind="cluster", owner=root)
    services.grouping_set_members(actor=system, grouping=g, units=[school])
    services.grouping_set_members(actor=system, grouping=g, units=[school, office])
    assert set(g.members.values_list("code", flat=True)) == {"S1", "O1"}
    assert entries_for(g)[0].changes == {"members": [[school.pk], sorted([school.pk, office.pk])]}


def test_a_ward_officer_sees_groupings_with_a_member_in_the_ward_only(city, system):
    services.grouping_create(actor=system, code="GB", name="Riêng B", kind="other", owner=city.wards[1])
    visible = set(
        selectors.grouping_list(scope=city.scope_of(Role.WARD_OFFICER)).values_list("code", flat=True)
    )
    assert visible == {"CUM1"}
