"""The organisation API: the tree and groupings, within the caller's scope."""

from __future__ import annotations

import pytest

from edudx.core.actor import Actor
from edudx.core.roles import Role
from edudx.orgs import services

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs"


def test_units_list_the_callers_subtree_in_tree_order(city, client_for):
    rows = client_for(Role.WARD_OFFICER).get(f"{API}/units").json()["items"]
    assert [r["code"] for r in rows] == ["PA", city.schools[0].moet_code, city.schools[1].moet_code]
    assert rows[1]["parent_id"] == city.wards[0].pk


def test_units_filter_by_kind_within_and_text(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    assert [r["code"] for r in c.get(f"{API}/units", {"kind": "ward"}).json()["items"]] == ["PA", "PB"]
    within = c.get(f"{API}/units", {"within": city.wards[1].pk, "kind": "school"}).json()["items"]
    assert {r["id"] for r in within} == {city.schools[2].unit_id, city.schools[3].unit_id}
    assert [r["code"] for r in c.get(f"{API}/units", {"q": "Bến Thành"}).json()["items"]] == ["PB"]


def test_children_and_cursor_walk(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    kids = c.get(f"{API}/units/{city.dept.pk}/children").json()["items"]
    assert [k["code"] for k in kids] == ["PA", "PB"]
    seen, cursor, sizes = [], None, []
    while True:
        page = c.get(f"{API}/units", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        sizes.append(len(page["items"]))
        seen += [r["path"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]  # 7 units: the department, 2 wards, 4 schools
    assert seen == sorted(seen) and len(set(seen)) == 7


def test_a_unit_outside_the_scope_is_not_found(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    assert c.get(f"{API}/units/{city.schools[0].unit_id}").status_code == 200
    r = c.get(f"{API}/units/{city.wards[1].pk}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert c.get(f"{API}/units/{city.wards[1].pk}/children").status_code == 404


def test_grouping_detail_shows_only_members_inside_the_scope(city, client_for):
    body = client_for(Role.WARD_OFFICER).get(f"{API}/groupings/{city.cluster.pk}").json()
    assert [m["id"] for m in body["members"]] == [city.schools[0].unit_id]
    body = client_for(Role.CLUSTER_LEAD).get(f"{API}/groupings/{city.cluster.pk}").json()
    assert {m["id"] for m in body["members"]} == {city.schools[0].unit_id, city.schools[2].unit_id}


def test_groupings_list_and_privacy(city, client_for):
    services.grouping_create(
        actor=Actor.system(), code="GB", name="Riêng B", kind="other", owner=city.wards[1]
    )
    codes = lambda role: [g["code"] for g in client_for(role).get(f"{API}/groupings").json()["items"]]  # noqa: E731
    assert codes(Role.DEPT_OFFICER) == ["CUM1", "GB"]
    assert codes(Role.WARD_OFFICER) == ["CUM1"]
    assert codes(Role.STUDENT) == []


def test_unit_list_query_count_is_fixed(city, client_for, django_assert_max_num_queries):
    c = client_for(Role.DEPT_OFFICER)
    c.get(f"{API}/units")
    # session + user + memberships + the tree's roots (department scope) + the page
    with django_assert_max_num_queries(5):
        c.get(f"{API}/units", {"limit": 500})
    with django_assert_max_num_queries(5):
        c.get(f"{API}/groupings", {"limit": 500})
