"""Granting roles stays inside the granter's scope; tokens authenticate until revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from edudx.accounts import services
from edudx.accounts.models import Membership
from edudx.core.errors import PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(city):
    return services.user_create(
        actor=city.actor_of(Role.SCHOOL_ADMIN), username="gv_moi", full_name="Giáo Viên Mới", password=None
    )


def test_school_admin_grants_teacher_at_own_school(city, newcomer):
    m = services.membership_grant(
        actor=city.actor_of(Role.SCHOOL_ADMIN), user=newcomer, role=Role.TEACHER, unit=city.schools[0].unit
    )
    assert m.granted_by == city.users[Role.SCHOOL_ADMIN]
    assert services.scope_for_user(newcomer).can("registry.view_people", city.schools[0].unit.path)
    assert entries_for(newcomer)[0].action == "grant"


def test_school_admin_cannot_grant_at_another_school(city, newcomer):
    for school in city.schools[1:]:
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                actor=city.actor_of(Role.SCHOOL_ADMIN), user=newcomer, role=Role.TEACHER, unit=school.unit
            )
    assert not Membership.objects.filter(user=newcomer).exists()


def test_school_admin_cannot_grant_department_or_area_roles(city, newcomer):
    admin = city.actor_of(Role.SCHOOL_ADMIN)
    for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.CLUSTER_LEAD):
        with pytest.raises(PermissionDenied):
            services.membership_grant(actor=admin, user=newcomer, role=role, unit=city.schools[0].unit)


def test_school_admin_cannot_grant_on_a_grouping_owned_above_them(city, newcomer):
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=city.actor_of(Role.SCHOOL_ADMIN), user=newcomer, role=Role.TEACHER, grouping=city.cluster
        )


def test_roles_without_grant_rights_grant_nothing(city, newcomer):
    for role in (Role.WARD_OFFICER, Role.TEACHER, Role.DEPT_OFFICER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                actor=city.actor_of(role), user=newcomer, role=Role.VIEWER, unit=city.schools[0].unit
            )


def test_department_admin_grants_any_role_anywhere(city, newcomer):
    admin = city.actor_of(Role.DEPT_ADMIN)
    services.membership_grant(actor=admin, user=newcomer, role=Role.DEPT_ADMIN, unit=city.dept)
    services.membership_grant(actor=admin, user=newcomer, role=Role.CLUSTER_LEAD, grouping=city.cluster)
    assert Membership.objects.filter(user=newcomer).count() == 2


def test_a_grant_needs_exactly_one_of_unit_and_grouping(city, newcomer):
    with pytest.raises(ValidationFailed):
        services.membership_grant(actor=city.actor_of(Role.DEPT_ADMIN), user=newcomer, role=Role.VIEWER)


def test_revoke_follows_the_grant_rules_and_keeps_history(city, newcomer):
    m = services.membership_grant(
        actor=city.actor_of(Role.DEPT_ADMIN), user=newcomer, role=Role.TEACHER, unit=city.schools[2].unit
    )
    with pytest.raises(PermissionDenied):
        services.membership_revoke(actor=city.actor_of(Role.SCHOOL_ADMIN), membership=m)
    services.membership_revoke(actor=city.actor_of(Role.DEPT_ADMIN), membership=m)
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert entries_for(newcomer)[0].action == "revoke"


def test_an_administrator_cannot_revoke_their_own_administrator_role(city):
    admin = city.users[Role.SCHOOL_ADMIN]
    m = Membership.objects.get(user=admin, role=Role.SCHOOL_ADMIN)
    with pytest.raises(ValidationFailed):
        services.membership_revoke(actor=city.actor_of(Role.SCHOOL_ADMIN), membership=m)


def test_user_create_refuses_a_taken_username_and_a_weak_password(city):
    admin = city.actor_of(Role.SCHOOL_ADMIN)
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=admin, username="T_TEACHER", full_name="X", password=None)
    assert exc.value.details[0].code == "duplicate"
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=admin, username="new1", full_name="X", password="12345")
    assert {d.code for d in exc.value.details} == {"weak_password"}
    with pytest.raises(PermissionDenied):
        services.user_create(actor=city.actor_of(Role.TEACHER), username="new2", full_name="X", password=None)


def test_a_token_authenticates_its_user_until_revoked(city):
    user = city.users[Role.TEACHER]
    actor = city.actor_of(Role.TEACHER)
    token, key = services.token_create(actor=actor, user=user, name="script")
    assert key.startswith("edx_") and token.prefix == key[:12]
    assert token.key_hash != key  # only a hash is stored
    assert services.token_authenticate(key) == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    services.token_revoke(actor=actor, token=token)
    assert services.token_authenticate(key) is None


def test_expired_wrong_and_inactive_user_tokens_do_not_authenticate(city):
    user = city.users[Role.TEACHER]
    actor = city.actor_of(Role.TEACHER)
    _t, expired = services.token_create(
        actor=actor, user=user, name="old", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    assert services.token_authenticate(expired) is None
    assert services.token_authenticate("edx_not-a-real-key") is None
    assert services.token_authenticate("not-even-prefixed") is None
    _t, key = services.token_create(actor=actor, user=user, name="live")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert services.token_authenticate(key) is None


def test_a_user_cannot_create_a_token_for_someone_else_without_grant_rights(city):
    with pytest.raises(PermissionDenied):
        services.token_create(
            actor=city.actor_of(Role.TEACHER), user=city.users[Role.VIEWER], name="not mine"
        )


def test_a_user_created_with_a_role_the_admin_may_not_grant_is_not_created_at_all(city):
    from edudx.accounts.models import User

    admin = city.actor_of(Role.SCHOOL_ADMIN)
    with pytest.raises(PermissionDenied):
        services.user_create_with_role(
            actor=admin, username="newcomer9", full_name="X", password=None,
            role=Role.TEACHER, unit=city.schools[2].unit,
        )  # fmt: skip
    assert not User.objects.filter(username="newcomer9").exists()
    user = services.user_create_with_role(
        actor=admin, username="newcomer9", full_name="X", password=None,
        role=Role.TEACHER, unit=city.schools[0].unit,
    )  # fmt: skip
    assert Membership.objects.filter(user=user, role=Role.TEACHER, unit=city.schools[0].unit).exists()
