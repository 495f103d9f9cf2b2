"""The pages through the test client: the teacher builds, assigns and sees the grid; the pupil
does the lesson at phone size; outsiders' ids and odd input never reach a 500."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def client_of(city, role):
    c = Client()
    c.force_login(city.users[role])
    return c


def test_teacher_pages_and_the_pupil_path(city, built):
    from edudx.learning.models import Attempt, Progress

    t = client_of(city, "teacher")
    assert built.course.title in t.get("/learning/").content.decode()
    page = t.get(f"/learning/courses/{built.course.pk}/").content.decode()
    assert built.lesson.title in page and built.quiz.title in page
    assert "Phân số — bài giảng" in t.get(f"/learning/lessons/{built.lesson.pk}/").content.decode()
    p = client_of(city, "student")
    assert built.lesson.title in p.get("/learning/me/").content.decode()
    lesson_page = p.get(f"/learning/me/lessons/{built.lesson.pk}/").content.decode()
    assert "Đọc kỹ" in lesson_page
    for b in built.blocks[:2]:
        assert p.post(f"/learning/me/blocks/{b.pk}/seen/").status_code == 302
    r = p.post(
        f"/learning/me/blocks/{built.blocks[2].pk}/video/",
        {"event": "paused", "position": "33.7"},
        HTTP_ACCEPT="application/json",
    )
    assert json.loads(r.content) == {"position": 33, "done": False}
    p.post(f"/learning/me/blocks/{built.blocks[2].pk}/video/", {"event": "completed", "position": "120"})
    r = p.post(f"/learning/me/blocks/{built.blocks[3].pk}/quiz/")
    attempt = Attempt.objects.get(user=city.users["student"])
    assert r.url == f"/learning/me/attempts/{attempt.pk}/"
    form = p.get(r.url).content.decode()
    assert "Hà Nội" not in form  # the answer key never reaches the page
    q1, q2 = built.questions
    p.post(r.url, {f"q{q1.pk}": "0", f"q{q2.pk}": "HA NOI"})
    assert Progress.objects.get(user=city.users["student"], lesson=built.lesson).completed_at
    grid = t.get(f"/learning/courses/{built.course.pk}/grid/").content.decode()
    assert 'data-state="completed"' in grid
    gift = t.get(f"/learning/courses/{built.course.pk}/gift.txt").content.decode()
    assert "=Hà Nội" in gift
    assert t.get(f"/learning/quizzes/{built.quiz.pk}/").status_code == 200
    assert t.get("/learning/activity/").status_code == 200


def test_teacher_builds_through_the_pages(city):
    from edudx.learning.models import Block, Course, Question

    t = client_of(city, "teacher")
    r = t.post("/learning/new/", {"title": "Khóa qua trang", "kind": "class", "class_id": city.classes[0].pk})
    course = Course.objects.get(title="Khóa qua trang")
    assert r.status_code == 302 and course.school_class_id == city.classes[0].pk
    t.post(f"/learning/courses/{course.pk}/do/lesson/", {"title": "Bài 1"})
    lesson = course.lessons.get()
    t.post(f"/learning/courses/{course.pk}/gift/", {"text": "2+2? {=4 ~5}\n\nSố pi? {#3.14:0.01}\n\nhỏng {"})
    assert Question.objects.filter(course=course).count() == 2
    t.post(
        f"/learning/courses/{course.pk}/quizzes/new/",
        {
            "title": "KT",
            "draw": 0,
            "time_limit_minutes": 0,
            "max_attempts": 0,
            "pass_mark": 50,
            "question": [q.pk for q in Question.objects.filter(course=course)],
        },
    )
    quiz = course.quizzes.get()
    assert quiz.items.count() == 2
    t.post(
        f"/learning/lessons/{lesson.pk}/do/block/",
        {"kind": "text", "html": '<p onclick="x()">Chào<script>alert(1)</script></p>'},
    )
    t.post(f"/learning/lessons/{lesson.pk}/do/block/", {"kind": "quiz", "quiz_id": quiz.pk})
    t.post(f"/learning/lessons/{lesson.pk}/do/block/", {"kind": "video", "video_url": "javascript:alert(1)"})
    blocks = list(Block.objects.filter(lesson=lesson))
    assert [b.kind for b in blocks] == ["text", "quiz"]
    assert "script" not in blocks[0].html and "onclick" not in blocks[0].html and "Chào" in blocks[0].html
    t.post(f"/learning/lessons/{lesson.pk}/do/publish/")
    r = t.post(
        f"/learning/lessons/{lesson.pk}/do/assign/",
        {"class_id": city.classes[0].pk, "due_at": "2030-01-01T08:00"},
    )
    assert lesson.assignments.count() == 1


def test_outsiders_get_404_and_odd_input_no_500(city, built):
    from edudx.learning.tests.conftest import build_lesson

    p = client_of(city, "student")
    # Another school's teacher's course (B1) is invisible to A1's teacher and pupil.
    t = client_of(city, "teacher")
    assert t.get(f"/learning/courses/{built.course.pk + 10_000}/").status_code == 404
    assert p.get(f"/learning/courses/{built.course.pk}/").status_code in (403, 404)
    assert t.get(f"/learning/me/lessons/{built.lesson.pk}/").status_code == 404  # teachers are not learners
    assert p.get("/learning/me/lessons/99999999999999999999/").status_code == 404
    assert (
        p.post(
            f"/learning/me/blocks/{built.blocks[2].pk}/video/", {"event": "<x>", "position": "nan"}
        ).status_code
        == 302
    )
    assert (
        p.post(
            f"/learning/me/blocks/{built.blocks[2].pk}/video/", {"event": "paused", "position": "1e309"}
        ).status_code
        == 302
    )
    assert t.post(f"/learning/courses/{built.course.pk}/gift/", {"text": "{" * 100_000}).status_code == 302
    assert (
        t.post(
            f"/learning/lessons/{built.lesson.pk}/do/assign/",
            {"class_id": city.classes[2].pk, "due_at": "2030-01-01T08:00"},
        ).status_code
        == 404
    )
    assert (
        t.post(
            f"/learning/lessons/{built.lesson.pk}/do/block/", {"kind": "resource", "resource_id": "99999999"}
        ).status_code
        == 404
    )
    assert build_lesson


def test_a_nul_in_the_course_list_filters_is_dropped_or_refused(city, built):
    t = client_of(city, "teacher")
    r = t.get("/learning/", {"q": "ab\x00c", "kind": "\x00"})
    assert r.status_code == 200 and built.course.title in r.content.decode()
    assert t.get("/api/v1/learning/courses", {"q": "\x00"}).status_code == 422
    assert built.course.title not in t.get("/learning/", {"q": "không có"}).content.decode()
