"""Every branch of core.scope: the one answer to "what may this user see and do"."""

from __future__ import annotations

import pytest
from django.db.models import Q

from edudx.core.errors import PermissionDenied
from edudx.core.roles import Role
from edudx.core.scope import Grant, Scope, path_upper_bound, subtree_q

WARD_A = "0000001" + "0000002"
SCHOOL_A1 = WARD_A + "0000004"
WARD_B = "0000001" + "0000003"
SCHOOL_B1 = WARD_B + "0000006"
VIEW = "registry.view"
CHANGE = "registry.change"


def scope(*grants: Grant, user_id: int = 7) -> Scope:
    return Scope(user_id=user_id, grants=tuple(grants))


def test_upper_bound_is_the_next_path_of_the_same_width():
    assert path_upper_bound("0000001") == "0000002"
    assert path_upper_bound("00000010000009") == "00000010000010"
    assert len(path_upper_bound(SCHOOL_A1)) == len(SCHOOL_A1)


def test_subtree_q_is_a_half_open_range_on_the_path():
    q = subtree_q(WARD_A, "unit__path")
    assert q == Q(unit__path__gte=WARD_A, unit__path__lt=path_upper_bound(WARD_A))


def test_system_scope_sees_and_may_do_everything():
    s = Scope.system()
    assert s.is_authenticated
    assert s.has_role(Role.TEACHER)
    assert s.paths_for(CHANGE) is None
    assert s.has_perm(CHANGE)
    assert s.can(CHANGE, None)
    assert s.can(CHANGE, SCHOOL_B1)
    assert s.filter_q(CHANGE, "path") == Q(pk__isnull=False)  # everything, and safe to OR onto
    s.require(CHANGE, SCHOOL_B1)
    s.require_any(CHANGE)


def test_anonymous_scope_sees_nothing():
    s = Scope.anonymous()
    assert not s.is_authenticated
    assert s.roles() == frozenset()
    assert not s.has_role(Role.VIEWER)
    assert s.paths_for(VIEW) == ()
    assert not s.has_perm(VIEW)
    assert not s.can(VIEW, SCHOOL_A1)
    assert s.filter_q(VIEW, "path") == Q(pk__in=[])
    with pytest.raises(PermissionDenied):
        s.require(VIEW, SCHOOL_A1)
    with pytest.raises(PermissionDenied):
        s.require_any(VIEW)


def test_a_user_with_a_grant_is_authenticated_and_has_its_role():
    s = scope(Grant(Role.TEACHER, (SCHOOL_A1,), unit_id=4))
    assert s.is_authenticated
    assert s.roles() == {Role.TEACHER}
    assert s.has_role(Role.SCHOOL_ADMIN, Role.TEACHER)
    assert not s.has_role(Role.SCHOOL_ADMIN)


def test_a_user_without_grants_is_still_authenticated_but_may_nothing():
    s = scope()
    assert s.is_authenticated
    assert not s.has_perm(VIEW)


def test_paths_hold_only_grants_whose_role_carries_the_permission():
    s = scope(Grant(Role.VIEWER, (WARD_A,)), Grant(Role.SCHOOL_ADMIN, (SCHOOL_B1,)))
    assert s.paths_for(VIEW) == (WARD_A, SCHOOL_B1)
    assert s.paths_for(CHANGE) == (SCHOOL_B1,)  # viewers do not change the registry


def test_paths_covered_by_an_ancestor_are_dropped():
    s = scope(Grant(Role.TEACHER, (SCHOOL_A1,)), Grant(Role.WARD_OFFICER, (WARD_A,)))
    assert s.paths_for(VIEW) == (WARD_A,)


def test_paths_are_computed_once_per_permission():
    s = scope(Grant(Role.TEACHER, (SCHOOL_A1,)))
    first = s.paths_for(VIEW)
    assert s.paths_for(VIEW) is first
    assert ("paths", VIEW) in s._cache


def test_a_grouping_grant_covers_every_member_path():
    s = scope(Grant(Role.CLUSTER_LEAD, (SCHOOL_A1, SCHOOL_B1), grouping_id=1))
    assert s.can(VIEW, SCHOOL_A1)
    assert s.can(VIEW, SCHOOL_B1)
    assert not s.can(VIEW, WARD_B)


def test_can_checks_the_subtree_of_each_granted_path():
    s = scope(Grant(Role.WARD_OFFICER, (WARD_A,)))
    assert s.can(VIEW, WARD_A)
    assert s.can(VIEW, SCHOOL_A1)
    assert not s.can(VIEW, WARD_B)
    assert not s.can(VIEW, SCHOOL_B1)
    assert not s.can(VIEW, "0000001")  # the department above the ward


def test_can_refuses_an_object_without_a_unit():
    s = scope(Grant(Role.WARD_OFFICER, (WARD_A,)))
    assert not s.can(VIEW, None)
    assert not s.can(VIEW, "")


def test_require_raises_outside_and_passes_inside():
    s = scope(Grant(Role.SCHOOL_ADMIN, (SCHOOL_A1,)))
    s.require(CHANGE, SCHOOL_A1)
    with pytest.raises(PermissionDenied):
        s.require(CHANGE, SCHOOL_B1)


def test_require_any_asks_only_whether_the_permission_is_held_somewhere():
    s = scope(Grant(Role.TEACHER, (SCHOOL_A1,)))
    s.require_any(VIEW)
    with pytest.raises(PermissionDenied):
        s.require_any(CHANGE)


def test_filter_q_ors_one_range_per_pruned_path():
    s = scope(
        Grant(Role.VIEWER, (WARD_A,)), Grant(Role.VIEWER, (SCHOOL_B1,)), Grant(Role.VIEWER, (SCHOOL_A1,))
    )
    assert s.filter_q(VIEW, "path") == Q() | subtree_q(WARD_A, "path") | subtree_q(SCHOOL_B1, "path")


def test_filter_q_of_a_permission_nobody_in_the_scope_holds_matches_nothing():
    s = scope(Grant(Role.STUDENT, (SCHOOL_A1,)))
    assert s.filter_q(VIEW, "path") == Q(pk__in=[])


def test_an_unknown_permission_is_a_loud_error():
    with pytest.raises(KeyError):
        scope(Grant(Role.TEACHER, (SCHOOL_A1,))).paths_for("registry.veiw")


@pytest.mark.django_db
def test_filter_q_selects_exactly_the_subtree_rows(city):
    from edudx.orgs.models import OrgUnit

    ward_a = city.scope_of(Role.WARD_OFFICER)
    codes = set(OrgUnit.objects.filter(ward_a.filter_q(VIEW, "path")).values_list("code", flat=True))
    assert codes == {"PA", city.schools[0].moet_code, city.schools[1].moet_code}
    cluster = city.scope_of(Role.CLUSTER_LEAD)
    codes = set(OrgUnit.objects.filter(cluster.filter_q(VIEW, "path")).values_list("code", flat=True))
    assert codes == {city.schools[0].moet_code, city.schools[2].moet_code}


@pytest.mark.django_db
def test_a_scope_holding_every_root_needs_no_path_condition(city):
    # A department-wide list must not join unit paths: that makes the database sort millions
    # of rows before the first page. The rows it selects stay exactly the same.
    from edudx.registry.models import Student

    admin = city.scope_of(Role.DEPT_ADMIN)
    assert admin.filter_q("registry.view_people", "school__unit__path") == Q(pk__isnull=False)
    # Callers OR their own conditions onto it; an empty Q would swallow them.
    assert (admin.filter_q("registry.view_people", "school__unit__path") | Q(pk=-1)) != Q(pk=-1)
    ward = city.scope_of(Role.WARD_OFFICER)
    assert "school__unit__path__gte" in str(ward.filter_q("registry.view_people", "school__unit__path"))
    everyone = set(Student.objects.values_list("pk", flat=True))
    assert (
        set(
            Student.objects.filter(admin.filter_q("registry.view_people", "school__unit__path")).values_list(
                "pk", flat=True
            )
        )
        == everyone
    )


@pytest.mark.django_db
def test_covers_everything_only_where_filter_q_filters_nothing(city):
    """The registry counts a department's name search without the scope filter when
    `covers_everything` says so: a ward officer, a principal or a teacher must never get True."""
    from edudx.registry.models import Student

    perm = "registry.view_people"
    assert Scope.system().covers_everything(perm)
    assert city.scope_of("dept_admin").covers_everything(perm)
    for role in ("ward_officer", "school_admin", "teacher", "cluster_lead"):
        scope = city.scope_of(role)
        assert not scope.covers_everything(perm), role
        assert (
            Student.objects.filter(scope.filter_q(perm, "school__unit__path")).count()
            < Student.objects.count()
        )
