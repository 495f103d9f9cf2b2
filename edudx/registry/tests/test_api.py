"""The registry API: scoped lists with filters and cursors, masked personal IDs, writes
through the services, one error body, pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from edudx.accounts import services as accounts
from edudx.core.actor import Actor
from edudx.core.models import HistoryEntry
from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.core.text import vn_sort_key
from edudx.registry import services
from edudx.registry.models import Student
from edudx.registry.schemas import StudentFields

pytestmark = pytest.mark.django_db

API = "/api/v1/registry"


def _json(c: Client, method: str, url: str, body: dict):
    return getattr(c, method)(url, body, content_type="application/json")


def _walk(c: Client, url: str, **params) -> list[dict]:
    """Follow next_cursor to the end; check prev_cursor leads back."""
    items, pages, cursor = [], [], None
    while True:
        body = c.get(url, {**params, **({"cursor": cursor} if cursor else {})}).json()
        pages.append(body)
        items += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return items, pages


def test_lists_hold_only_the_callers_scope(city, client_for):
    ids = lambda role, what: {r["id"] for r in client_for(role).get(f"{API}/{what}").json()["items"]}  # noqa: E731
    a1, a2 = city.schools[0].pk, city.schools[1].pk
    assert ids(Role.SCHOOL_ADMIN, "schools") == {a1}
    assert ids(Role.WARD_OFFICER, "schools") == {a1, a2}
    assert ids(Role.CLUSTER_LEAD, "schools") == {a1, city.schools[2].pk}
    assert ids(Role.DEPT_OFFICER, "schools") == {s.pk for s in city.schools}
    assert ids(Role.WARD_OFFICER, "students") == {s.pk for s in city.students[:6]}
    assert ids(Role.VIEWER, "students") == set()  # viewers see schools, not people
    assert ids(Role.STUDENT, "students") == {city.students[0].pk}  # their own record
    assert ids(Role.TEACHER, "staff") == {city.staff[0].pk}


def test_filters_are_query_parameters(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    rows = c.get(f"{API}/students", {"q": "tran thi binh", "school": city.schools[2].pk}).json()["items"]
    assert [r["full_name"] for r in rows] == ["Trần Thị Bình Pba"]
    rows = c.get(f"{API}/students", {"gender": "female"}).json()["items"]
    assert {r["gender"] for r in rows} == {"female"} and len(rows) == 4
    rows = c.get(f"{API}/schools", {"area": city.wards[1].pk}).json()["items"]
    assert {r["id"] for r in rows} == {city.schools[2].pk, city.schools[3].pk}
    rows = c.get(f"{API}/schools", {"grouping": city.cluster.pk}).json()["items"]
    assert {r["id"] for r in rows} == {city.schools[0].pk, city.schools[2].pk}
    rows = c.get(f"{API}/classes", {"school": city.schools[1].pk}).json()["items"]
    assert [r["id"] for r in rows] == [city.classes[1].pk]


def test_cursor_walk_visits_every_row_once_in_order_and_back(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    items, pages = _walk(c, f"{API}/students", limit=5)
    assert len(pages) == 3
    assert sorted(r["id"] for r in items) == sorted(s.pk for s in city.students)
    names = [r["full_name"] for r in items]
    assert names == sorted(names, key=lambda n: (vn_sort_key(n), Student.objects.get(full_name=n).pk))
    back = c.get(f"{API}/students", {"limit": 5, "cursor": pages[2]["prev_cursor"]}).json()
    assert back["items"] == pages[1]["items"]
    assert pages[0]["prev_cursor"] is None and pages[-1]["next_cursor"] is None


def test_limit_is_capped_and_a_bad_cursor_is_a_field_error(client_for):
    c = client_for(Role.DEPT_OFFICER)
    too_big = c.get(f"{API}/students", {"limit": 501})
    assert too_big.status_code == 422
    assert too_big.json()["error"]["details"][0]["field"] == "limit"
    bad = c.get(f"{API}/students", {"cursor": "not-a-cursor"})
    assert bad.status_code == 400 or bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_cursor"


def test_personal_ids_are_masked_without_the_pii_permission(city, client_for):
    s = city.students[0]
    full = client_for(Role.SCHOOL_ADMIN).get(f"{API}/students/{s.pk}").json()
    assert full["personal_id"] == s.personal_id
    assert full["parent_phone"] == s.parent_phone
    masked = client_for(Role.TEACHER).get(f"{API}/students/{s.pk}").json()
    assert masked["personal_id"] == personal_id.mask(s.personal_id) != s.personal_id
    assert s.parent_phone not in str(masked)
    ward = client_for(Role.WARD_OFFICER).get(f"{API}/students").json()["items"]
    assert all("*" in r["personal_id"] for r in ward)


def test_history_masks_personal_ids_too(city, client_for):
    s = city.students[0]
    entries = client_for(Role.TEACHER).get(f"{API}/students/{s.pk}/history").json()["items"]
    assert entries[-1]["action"] == "create"
    assert s.personal_id not in str(entries)
    entries = client_for(Role.SCHOOL_ADMIN).get(f"{API}/students/{s.pk}/history").json()["items"]
    assert s.personal_id in str(entries)


def test_a_record_outside_the_scope_is_not_found_with_the_error_body(city, client_for):
    response = client_for(Role.SCHOOL_ADMIN).get(f"{API}/students/{city.students[6].pk}")
    assert response.status_code == 404
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "not_found" and error["message"] and error["details"] == []


def test_create_student_with_rule_errors_returns_field_details(city, client_for):
    body = {
        "school": city.schools[0].pk,
        "full_name": "Lê 3",
        "gender": "male",
        "date_of_birth": "2100-01-01",
    }
    response = _json(client_for(Role.SCHOOL_ADMIN), "post", f"{API}/students", body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert {"full_name", "date_of_birth"} <= {d["field"] for d in error["details"]}


def test_create_and_update_a_student_through_the_api_records_the_door(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    body = {
        "school": city.schools[0].pk,
        "full_name": "lý  thị mai",
        "gender": "female",
        "date_of_birth": "2014-02-02",
    }
    created = _json(c, "post", f"{API}/students", body)
    assert created.status_code == 201
    sid = created.json()["id"]
    assert created.json()["full_name"] == "Lý Thị Mai"
    patched = _json(c, "patch", f"{API}/students/{sid}", {"address": "5 Hai Bà Trưng"})
    assert patched.status_code == 200 and patched.json()["address"] == "5 Hai Bà Trưng"
    history = c.get(f"{API}/students/{sid}/history").json()["items"]
    assert [(h["action"], h["via"]) for h in history] == [("update", "api"), ("create", "api")]


def test_a_teacher_may_read_but_not_write(city, client_for):
    c = client_for(Role.TEACHER)
    s = city.students[0]
    before = HistoryEntry.objects.count()
    response = _json(c, "patch", f"{API}/students/{s.pk}", {"address": "x"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert HistoryEntry.objects.count() == before


def test_status_change_and_transfer(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    s = city.students[1]
    r = _json(c, "post", f"{API}/students/{s.pk}/status", {"status": "bao_luu", "on": "2025-11-01"})
    assert (
        r.status_code == 200 and r.json()["status"] == "bao_luu" and r.json()["status_date"] == "2025-11-01"
    )
    new_class = services.class_create(
        actor=Actor.system(), school=city.schools[0], year=city.year, grade=6, name="6A2"
    )
    r = _json(c, "post", f"{API}/students/{s.pk}/transfer", {"to_class": new_class.pk, "on": "2025-11-02"})
    assert r.status_code == 201 and r.json()["school_class_id"] == new_class.pk
    ends = c.get(f"{API}/students/{s.pk}/enrolments").json()["items"]
    assert [(e["class_name"], e["state"]) for e in ends] == [("6A2", "active"), ("6A1", "transferred")]
    assert ends[0]["previous_id"] == ends[1]["id"]


def test_a_school_admin_cannot_transfer_to_another_school(city, client_for):
    s = city.students[0]
    r = _json(client_for(Role.SCHOOL_ADMIN), "post", f"{API}/students/{s.pk}/transfer",
              {"to_class": city.classes[2].pk, "on": "2025-11-02"})  # fmt: skip
    assert r.status_code == 404  # the target class is outside the school admin's scope


def test_school_class_and_staff_writes(city, client_for):
    c = client_for(Role.DEPT_ADMIN)
    r = _json(c, "post", f"{API}/schools", {"parent": city.wards[0].pk, "moet_code": "79009901",
                                             "name": "Trường Tiểu học Mới", "level": "TH"})  # fmt: skip
    assert r.status_code == 201 and r.json()["area_id"] == city.wards[0].pk
    school_id = r.json()["id"]
    r = _json(c, "patch", f"{API}/schools/{school_id}", {"name": "Trường Tiểu học Hòa Bình"})
    assert r.json()["name"] == "Trường Tiểu học Hòa Bình"
    r = _json(
        c, "post", f"{API}/classes", {"school": school_id, "year": city.year.pk, "grade": 1, "name": "1A"}
    )
    assert r.status_code == 201
    r = _json(
        c, "post", f"{API}/classes", {"school": school_id, "year": city.year.pk, "grade": 9, "name": "9A"}
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "grade_not_in_level"
    r = _json(c, "post", f"{API}/staff", {"school": school_id, "full_name": "Đỗ Văn Hùng", "gender": "male"})
    assert r.status_code == 201
    staff_id = r.json()["id"]
    r = _json(c, "patch", f"{API}/staff/{staff_id}", {"subjects": ["toan", "tin_hoc"]})
    assert r.json()["subjects"] == ["toan", "tin_hoc"]
    assert len(c.get(f"{API}/schools/{school_id}/history").json()["items"]) >= 2


def test_token_auth_reads_the_same_scope_and_writes_without_csrf(city):
    _t, key = accounts.token_create(
        actor=city.actor_of(Role.SCHOOL_ADMIN), user=city.users[Role.SCHOOL_ADMIN], name="sis"
    )
    c = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert {r["id"] for r in c.get(f"{API}/schools").json()["items"]} == {city.schools[0].pk}
    r = _json(c, "patch", f"{API}/students/{city.students[0].pk}", {"address": "token"})
    assert r.status_code == 200
    assert HistoryEntry.objects.filter(via="api", operation="student_update").count() == 1


def test_session_writes_without_csrf_are_refused(city):
    c = Client(enforce_csrf_checks=True)
    c.force_login(city.users[Role.SCHOOL_ADMIN])
    r = _json(c, "patch", f"{API}/students/{city.students[0].pk}", {"address": "csrf"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    city.students[0].refresh_from_db()
    assert city.students[0].address == ""


def test_anonymous_gets_401(city):
    r = Client().get(f"{API}/students")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


# ----- pinned query counts: a page costs the same whatever its length
def _more_students(city, n: int) -> None:
    a = Actor.system()
    for i in range(n):
        sex = "male" if i % 2 else "female"
        services.student_create(
            actor=a,
            school=city.schools[0],
            data=StudentFields(full_name=f"Học Sinh {chr(65 + i)}", gender=sex, date_of_birth=dt.date(2014, 1, 1 + i),
                               personal_id=personal_id.make("079", sex, 2014, 900 + i)),
        )  # fmt: skip


@pytest.mark.parametrize(
    "what",
    ["schools", "classes", "students", "staff"],
)
def test_list_endpoints_have_a_fixed_query_count(what, city, client_for, django_assert_max_num_queries):
    _more_students(city, 10)
    c = client_for(Role.DEPT_OFFICER)
    c.get(f"{API}/{what}")  # warm the session and content-type caches
    # session + user + memberships (scope) + the tree's roots (a department scope is checked
    # against them, so the list needs no path join) + the page itself
    with django_assert_max_num_queries(5):
        r = c.get(f"{API}/{what}", {"limit": 500})
    assert r.status_code == 200 and r.json()["items"]


def test_student_page_query_count_does_not_grow_with_rows(city, client_for, django_assert_max_num_queries):
    c = client_for(Role.WARD_OFFICER)
    c.get(f"{API}/students")
    with django_assert_max_num_queries(4):
        c.get(f"{API}/students", {"limit": 2})
    _more_students(city, 12)
    with django_assert_max_num_queries(4):
        c.get(f"{API}/students", {"limit": 20})
