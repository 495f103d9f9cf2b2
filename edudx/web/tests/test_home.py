"""The overview: headline figures and charts for the user's scope."""

import json

import pytest
from django.urls import reverse

from edudx.core.roles import Role
from edudx.registry import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    # The overview caches its figures per scope; each test starts without them.
    from django.core.cache import cache

    cache.clear()


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_ward_officer_sees_the_figures_of_their_ward_only(city, client_for):
    response = client_for(Role.WARD_OFFICER).get(reverse("web:home"))
    assert response.context["figures"] == {"schools": 2, "students": 6, "staff": 2, "classes": 2}
    html = response.content.decode()
    assert 'data-testid="figure-students">6<' in html


def test_department_officer_sees_the_whole_city(city, client_for):
    # The ward officer's cached figures are not served to a user with another scope.
    client_for(Role.WARD_OFFICER).get(reverse("web:home"))
    figures = client_for(Role.DEPT_OFFICER).get(reverse("web:home")).context["figures"]
    assert figures["schools"] == 4 and figures["students"] == 12


def test_charts_count_students_by_grade_gender_and_status(city, client_for):
    services.student_set_status(
        actor=city.actor_of(Role.SCHOOL_ADMIN), student=city.students[1], status="thoi_hoc"
    )
    response = client_for(Role.WARD_OFFICER).get(reverse("web:home"))
    grades = json.loads(response.context["grade_chart"])
    assert (grades["labels"], grades["values"]) == (["Khối 6"], [6])
    # a click on a bar opens the pupils of that grade (the list applies the caller's scope)
    assert grades["urls"] == [reverse("registry:student_list") + "?grade=6"]
    genders = json.loads(response.context["gender_chart"])
    assert dict(zip(genders["labels"], genders["values"], strict=True)) == {"Nam": 4, "Nữ": 2}
    assert dict(response.context["status_rows"]) == {"Đang học": 5, "Thôi học": 1}
    levels = json.loads(response.context["level_chart"])
    assert levels == {
        "labels": ["THCS"],
        "values": [2],
        "urls": [reverse("registry:school_list") + "?level=THCS"],
    }


def test_cluster_lead_without_access_to_people_sees_no_student_charts(city, client_for):
    response = client_for(Role.CLUSTER_LEAD).get(reverse("web:home"))
    assert response.context["figures"]["schools"] == 2
    assert "students" not in response.context["figures"]
    assert 'id="chart-genders"' not in response.content.decode()


def test_overview_speaks_english_after_the_switch(city, client_for):
    c = client_for(Role.WARD_OFFICER)
    assert "Tổng quan" in c.get(reverse("web:home")).content.decode()
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = c.get(reverse("web:home")).content.decode()
    assert "Students by gender" in html and "Tổng quan" not in html
