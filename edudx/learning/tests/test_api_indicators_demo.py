"""The API (scoped, foreign ids 404), the indicators, the copy of a course and the demo."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def api(city, role):
    c = Client()
    c.force_login(city.users[role])
    return c


def test_api_lists_reads_and_assigns_within_scope(city, built):
    t = api(city, "teacher")
    body = json.loads(t.get("/api/v1/learning/courses").content)
    assert [c["id"] for c in body["items"]] == [built.course.pk]
    grid = json.loads(t.get(f"/api/v1/learning/courses/{built.course.pk}/grid").content)
    assert len(grid["rows"]) == 3 and grid["lessons"][0]["id"] == built.lesson.pk
    r = t.post(
        f"/api/v1/learning/lessons/{built.lesson.pk}/assign",
        {"class_id": city.classes[0].pk, "due_at": "2030-01-01T08:00:00+07:00"},
        content_type="application/json",
    )
    assert r.status_code == 200
    # School B1's class: not in the teacher's scope.
    r = t.post(
        f"/api/v1/learning/lessons/{built.lesson.pk}/assign",
        {"class_id": city.classes[2].pk, "due_at": "2030-01-01T08:00:00+07:00"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert t.get("/api/v1/learning/courses/99999999999999999999").status_code in (404, 422)
    ward_b_viewer = api(city, "viewer")  # ward A's viewer sees A1's course; the pupil sees none
    assert ward_b_viewer.get(f"/api/v1/learning/courses/{built.course.pk}").status_code == 200
    assert api(city, "student").get(f"/api/v1/learning/courses/{built.course.pk}").status_code in (403, 404)
    r = t.post(
        "/api/v1/learning/courses",
        {"title": "B1?", "kind": "class", "class_id": city.classes[2].pk},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_indicators(city, built):
    from edudx.core import indicators
    from edudx.learning import services

    pupil = city.actor_of("student")
    services.lesson_open(actor=pupil, lesson=built.lesson)
    ids = [s.pk for s in city.schools]
    a1 = city.schools[0].pk
    assert indicators.get("learning.blended_class_share").compute(ids)[a1] == 100.0
    assert indicators.get("learning.active_pupil_share").compute(ids)[a1] == pytest.approx(33.3)
    assert indicators.get("learning.course_authors").compute(ids) == {a1: 1, **dict.fromkeys(ids[1:], 0)}


def test_copy_for_another_class_keeps_structure_and_pins(city, built):
    from edudx.learning import services
    from edudx.learning.models import Block

    copy = services.course_copy(actor=city.actor_of("teacher"), course=built.course, title="Năm sau")
    assert copy.state == "draft" and copy.pk != built.course.pk
    blocks = list(Block.objects.filter(lesson__course=copy).order_by("position"))
    assert [b.kind for b in blocks] == ["resource", "text", "video", "quiz"]
    assert blocks[0].resource_version_id == built.blocks[0].resource_version_id
    assert blocks[3].quiz.course_id == copy.pk and blocks[3].quiz.items.count() == 2
    assert not copy.lessons.get().assignments.exists()


def test_demo_builds(city):
    from edudx.core.demo import DemoContext
    from edudx.learning import demo
    from edudx.learning.models import Assignment, Block, ClassMessage, Course, LtiTool

    demo.build(DemoContext(scale="small"))
    assert Assignment.objects.count() == 4  # three class lessons and the interactive one
    assert Course.objects.filter(kind="open", state="published", capacity=500).count() == 1
    kinds = sorted(Block.objects.filter(kind__in=("h5p", "cmi5", "scorm")).values_list("kind", flat=True))
    assert kinds == ["cmi5", "h5p", "scorm"]
    assert LtiTool.objects.filter(state="draft").count() == 1 and ClassMessage.objects.count() == 1


def test_activity_dashboard_reads_maintained_figures_drilled_by_ward(city, built):
    from edudx.learning import selectors, services

    services.lesson_open(actor=city.actor_of("student"), lesson=built.lesson)
    rows, as_of = selectors.activity(scope=city.scope_of("dept_admin"))
    assert as_of is not None
    by_name = {r["name"]: r for r in rows}
    ward_a = by_name[city.wards[0].name]
    assert (ward_a["schools"], ward_a["courses"], ward_a["assigned"], ward_a["learners"]) == (2, 1, 1, 1)
    assert by_name[city.wards[1].name]["courses"] == 0
    schools, _ = selectors.activity(scope=city.scope_of("dept_admin"), ward_id=city.wards[0].pk)
    assert [(r["name"], r["learners"]) for r in schools][0] == (city.schools[0].unit.name, 1)
    # A ward officer of ward A sees only ward A.
    rows, _ = selectors.activity(scope=city.scope_of("ward_officer"))
    assert [r["name"] for r in rows] == [city.wards[0].name]
    page = api(city, "dept_admin").get(f"/learning/activity/?ward={city.wards[0].pk}").content.decode()
    assert city.schools[0].unit.name in page
