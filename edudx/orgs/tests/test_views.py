"""The unit tree screen: department administrators rename and move; everyone sees history."""

from __future__ import annotations

import pytest

from edudx.core.roles import Role

pytestmark = pytest.mark.django_db


def test_tree_shows_the_callers_part_only(city, client_for):
    page = client_for(Role.WARD_OFFICER).get("/orgs/").content.decode()
    assert city.wards[0].name in page
    assert city.wards[1].name not in page
    assert city.schools[2].unit.name not in page


def test_dept_admin_renames_and_the_history_shows_it(city, client_for):
    c = client_for(Role.DEPT_ADMIN)
    ward = city.wards[0]
    r = c.post(f"/orgs/units/{ward.pk}/rename/", {"name": "Phường An Khánh Mới"})
    assert r.status_code == 302
    page = c.get(f"/orgs/units/{ward.pk}/").content.decode()
    assert "Phường An Khánh Mới" in page
    assert "Phường An Khánh →" in page  # before → after in the history list


def test_dept_admin_moves_a_school_and_cannot_create_a_cycle(city, client_for):
    c = client_for(Role.DEPT_ADMIN)
    school = city.schools[0].unit
    assert c.post(f"/orgs/units/{school.pk}/move/", {"new_parent": city.wards[1].pk}).status_code == 302
    school.refresh_from_db()
    assert school.parent_id == city.wards[1].pk
    ward = city.wards[0]
    r = c.post(f"/orgs/units/{ward.pk}/move/", {"new_parent": ward.pk})
    assert r.status_code == 422
    ward.refresh_from_db()
    assert ward.parent_id == city.dept.pk


def test_others_see_no_forms_and_cannot_post(city, client_for):
    c = client_for(Role.WARD_OFFICER)
    ward = city.wards[0]
    page = c.get(f"/orgs/units/{ward.pk}/").content.decode()
    assert "/rename/" not in page
    assert c.post(f"/orgs/units/{ward.pk}/rename/", {"name": "X"}).status_code == 403
    ward.refresh_from_db()
    assert ward.name == "Phường An Khánh"


def test_grouping_page_lists_members_in_scope(city, client_for):
    page = client_for(Role.SCHOOL_ADMIN).get(f"/orgs/groupings/{city.cluster.pk}/").content.decode()
    assert city.schools[0].unit.name in page
    assert city.schools[2].unit.name not in page
