"""Role dashboards on home (issue #18 item 7): the department and a ward see DX levels per ward and
drill to a ward's schools and on to a school's evaluation; a ward never sees another ward's
schools; a principal sees their school against the target and a to-do; the figures download as
XLSX; the query count does not grow with the schools."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from edudx.core.actor import Actor
from edudx.monitoring import services
from edudx.monitoring.models import Assessment, Campaign, Framework
from edudx.monitoring.tests.conftest import fill
from edudx.web import dashboards


@pytest.fixture
def published(city):
    """A 4725 campaign: A1 published at Level 3/2, A2 returned, B1 published at Level 1."""
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, 0, tzinfo=dt.UTC), tick=True):
        admin = city.actor_of("dept_admin")
        fw = Framework.objects.get(code="4725", year=2025)
        c = services.campaign_create(
            actor=admin, framework=fw, owner=city.dept, name="CĐS 2025-2026", school_year="2025-2026"
        )
        services.campaign_transition(actor=admin, campaign=c, to=Campaign.State.OPEN)
        system = Actor.system(source="test")
        for i, ratio in ((0, 0.9), (2, 0.3)):
            a = Assessment.objects.get(campaign=c, school=city.schools[i])
            fill(system, a, ratio=ratio)
            services.assessment_submit(actor=system, assessment=a)
            services.assessment_approve(actor=admin, assessment=a)
            services.assessment_publish(actor=admin, assessment=a)
        a2 = Assessment.objects.get(campaign=c, school=city.schools[1])
        fill(system, a2, ratio=0.5)
        services.assessment_submit(actor=system, assessment=a2)
        services.assessment_return(actor=admin, assessment=a2, comments={}, note="Thiếu minh chứng I.4")
    return c


def test_the_department_sees_levels_per_ward_and_drills_to_a_school(city, published, client_for):
    board = dashboards.build(city.scope_of("dept_officer"))
    assert board["kind"] == "authority"
    rows = {r["key"]: r for r in board["dx"].rows}
    a, b = rows[city.wards[0].pk], rows[city.wards[1].pk]
    assert (a["schools"], a["published"], a["reached"]) == (2, 1, 1)
    assert (b["schools"], b["published"], b["reached"]) == (2, 1, 0)
    client = client_for("dept_officer")
    home = client.get(reverse("web:home")).content.decode()
    assert f"?ward={city.wards[0].pk}" in home and 'data-testid="dx-table"' in home
    ward = client.get(reverse("web:home"), {"ward": city.wards[0].pk}).content.decode()
    school_url = reverse("monitoring:school_profile", kwargs={"school_id": city.schools[0].pk})
    assert school_url in ward and city.schools[2].name not in ward
    assert client.get(school_url).status_code == 200
    r = client.get(reverse("web:dx_xlsx"))
    names = [row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)]
    assert city.wards[0].name in names and city.wards[1].name in names


def test_a_ward_sees_only_its_own_schools(city, published, client_for):
    board = dashboards.build(city.scope_of("ward_officer"))
    assert [r["key"] for r in board["dx"].rows] == [city.wards[0].pk]
    # asking for the other ward's drill-down shows nothing of it
    other = dashboards.build(city.scope_of("ward_officer"), ward_id=city.wards[1].pk)
    assert other["dx"].rows == []
    page = client_for("ward_officer").get(reverse("web:home"), {"ward": city.wards[1].pk}).content.decode()
    assert city.schools[2].name not in page and city.schools[3].name not in page
    for junk in ("abc", "-1", "9" * 40, "\x00"):
        assert client_for("ward_officer").get(reverse("web:home"), {"ward": junk}).status_code == 200


def test_a_principal_sees_the_school_against_the_target_and_a_to_do(city, published, client_for):
    board = dashboards.build(city.scope_of("school_admin"))  # school A1
    assert board["kind"] == "principal"
    assert {g["code"]: g["level"] for g in board["dx"]["groups"]} == {"I": 3, "II": 3}
    page = client_for("school_admin").get(reverse("web:home")).content.decode()
    assert 'data-testid="dashboard-principal"' in page and 'data-testid="todo"' in page
    assert client_for("school_admin").get(reverse("web:dx_xlsx")).status_code == 200  # no ward table: empty


def test_a_returned_self_assessment_is_on_the_to_do(city, published):
    from edudx.core.roles import Role
    from edudx.core.scope import Grant, Scope

    a2 = city.schools[1]
    scope = Scope(user_id=None, grants=(Grant(role=Role.SCHOOL_ADMIN, paths=(a2.unit.path,)),))
    board = dashboards.build(scope)
    assert [t["code"] for t in board["todo"]][:1] == ["assessment_returned"]


def test_home_queries_do_not_grow_with_schools(city, published, client_for, django_assert_max_num_queries):
    client = client_for("dept_officer")
    client.get(reverse("web:home"))
    with django_assert_max_num_queries(60):
        assert client.get(reverse("web:home")).status_code == 200
