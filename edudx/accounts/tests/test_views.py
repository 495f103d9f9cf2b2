"""The role screen: an administrator works inside their own scope only."""

from __future__ import annotations

import re

import pytest

from edudx.accounts.models import ApiToken, Membership, User
from edudx.core.roles import Role

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return {v for v in re.findall(r'<option value="([^"]*)"', select) if v}


def test_school_admin_lists_only_the_people_of_their_school(city, client_for):
    page = client_for(Role.SCHOOL_ADMIN).get("/accounts/roles/").content.decode()
    for role in (Role.SCHOOL_ADMIN, Role.TEACHER, Role.STUDENT):
        assert city.users[role].username in page
    for role in (Role.DEPT_ADMIN, Role.WARD_OFFICER, Role.VIEWER, Role.CLUSTER_LEAD):
        assert city.users[role].username not in page


def test_the_role_screen_is_refused_to_roles_that_grant_nothing(client_for):
    assert client_for(Role.TEACHER).get("/accounts/roles/").status_code == 403
    assert client_for(Role.WARD_OFFICER).get("/accounts/users/new/").status_code == 403


def test_pickers_offer_only_units_in_scope_and_grantable_roles(city, client_for):
    teacher = city.users[Role.TEACHER]
    page = client_for(Role.SCHOOL_ADMIN).get(f"/accounts/users/{teacher.pk}/").content.decode()
    assert _options(page, "unit") == {str(city.schools[0].unit.pk)}
    assert _options(page, "role") == {"school_admin", "teacher", "student", "viewer"}
    assert _options(page, "grouping") == set()


def test_department_admin_is_offered_every_role_and_unit(city, client_for):
    teacher = city.users[Role.TEACHER]
    page = client_for(Role.DEPT_ADMIN).get(f"/accounts/users/{teacher.pk}/").content.decode()
    assert _options(page, "role") == set(Role.values)
    assert str(city.schools[3].unit.pk) in _options(page, "unit")
    assert _options(page, "grouping") == {str(city.cluster.pk)}


def test_school_admin_creates_a_user_with_a_first_role_at_their_school(city, client_for):
    response = client_for(Role.SCHOOL_ADMIN).post(
        "/accounts/users/new/",
        {"username": "gv_a1", "full_name": "Giáo Viên A", "password": "", "role": "teacher",
         "unit": city.schools[0].unit.pk},
    )  # fmt: skip
    user = User.objects.get(username="gv_a1")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/users/{user.pk}/"
    assert Membership.objects.get(user=user).unit == city.schools[0].unit


def test_a_forged_unit_outside_the_scope_is_refused_and_no_user_is_left_behind(city, client_for):
    response = client_for(Role.SCHOOL_ADMIN).post(
        "/accounts/users/new/",
        {"username": "gv_b1", "full_name": "Giáo Viên B", "role": "teacher", "unit": city.schools[2].unit.pk},
    )
    assert response.status_code == 422
    assert not User.objects.filter(username="gv_b1").exists()


def test_a_forged_role_is_refused(city, client_for):
    teacher = city.users[Role.TEACHER]
    response = client_for(Role.SCHOOL_ADMIN).post(
        f"/accounts/users/{teacher.pk}/grant/", {"role": "dept_admin", "unit": city.schools[0].unit.pk}
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(user=teacher, role="dept_admin").exists()


def test_grant_and_revoke_through_the_screen(city, client_for):
    teacher = city.users[Role.TEACHER]
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        f"/accounts/users/{teacher.pk}/grant/", {"role": "viewer", "unit": city.schools[0].unit.pk}
    )
    assert response.status_code == 302
    m = Membership.objects.get(user=teacher, role="viewer")
    response = c.post(f"/accounts/memberships/{m.pk}/revoke/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()


def test_another_schools_user_and_membership_are_not_found(city, client_for):
    ward_user = city.users[Role.WARD_OFFICER]
    c = client_for(Role.SCHOOL_ADMIN)
    assert c.get(f"/accounts/users/{ward_user.pk}/").status_code == 404
    m = Membership.objects.get(user=ward_user)
    assert c.post(f"/accounts/memberships/{m.pk}/revoke/").status_code == 404
    assert Membership.objects.filter(pk=m.pk).exists()


def test_token_page_shows_the_key_once_and_revokes(city, client_for):
    c = client_for(Role.TEACHER)
    page = c.post("/accounts/tokens/", {"name": "bảng tính"}).content.decode()
    key = re.search(r'value="(edx_[^"]+)"[^>]*data-testid="new-token"', page).group(1)
    token = ApiToken.objects.get(user=city.users[Role.TEACHER])
    assert key.startswith(token.prefix)
    assert key not in c.get("/accounts/tokens/").content.decode()
    assert c.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_users_token(city, client_for):
    from edudx.accounts import services

    token, _key = services.token_create(
        actor=city.actor_of(Role.VIEWER), user=city.users[Role.VIEWER], name="viewer's"
    )
    assert client_for(Role.DEPT_ADMIN).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_user_page_hides_grants_outside_the_administrators_scope(city, client_for):
    from edudx.accounts import services
    from edudx.core.actor import Actor

    teacher = city.users[Role.TEACHER]
    services.membership_grant(actor=Actor.system(), user=teacher, role="viewer", unit=city.schools[3].unit)
    page = client_for(Role.SCHOOL_ADMIN).get(f"/accounts/users/{teacher.pk}/").content.decode()
    assert city.schools[0].moet_code in page  # the grant at their own school
    assert city.schools[3].moet_code not in page
    page = client_for(Role.DEPT_ADMIN).get(f"/accounts/users/{teacher.pk}/").content.decode()
    assert city.schools[3].moet_code in page
