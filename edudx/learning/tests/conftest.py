"""A class course of school A1's class with one published lesson of four blocks (a library
resource, text, a video, a quiz), assigned to the class; the pupil user is a pupil of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone


@dataclass
class Built:
    course: Any
    lesson: Any
    quiz: Any
    blocks: list[Any]
    resource: Any
    questions: list[Any]


def published_resource(city, title="Phân số — bài giảng"):
    from edudx.library.tests.helpers import make_resource, publish

    return publish(city, make_resource(city, title=title, grades=(6,)))


def build_lesson(city, *, assign: bool = True, due: dt.datetime | None = None) -> Built:
    from edudx.learning import services
    from edudx.learning.schemas import AssignIn, BlockIn, CourseIn, LessonIn, QuestionIn, QuizIn

    teacher = city.actor_of("teacher")
    course = services.course_create(
        actor=teacher, data=CourseIn(title="Toán 6A1 — kết hợp", class_id=city.classes[0].pk, subject="toan")
    )
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="Phân số"))
    qs = [
        services.question_create(
            actor=teacher,
            course=course,
            data=QuestionIn(
                kind="single", text="1/2 + 1/2 = ?", data={"options": ["1", "2"], "correct": [0]}
            ),
        ),
        services.question_create(
            actor=teacher,
            course=course,
            data=QuestionIn(
                kind="short", text="Thủ đô của Việt Nam?", data={"answers": ["Hà Nội"], "fold": True}
            ),
        ),
    ]
    quiz = services.quiz_create(
        actor=teacher, course=course, data=QuizIn(title="Kiểm tra nhanh"), question_ids=[q.pk for q in qs]
    )
    resource = published_resource(city)
    blocks = [
        services.block_add(
            actor=teacher, lesson=lesson, data=BlockIn(kind="resource", resource_id=resource.pk)
        ),
        services.block_add(actor=teacher, lesson=lesson, data=BlockIn(kind="text", html="<p>Đọc kỹ</p>")),
        services.block_add(
            actor=teacher,
            lesson=lesson,
            data=BlockIn(kind="video", video_url="https://video.example.vn/phan-so.mp4", video_seconds=120),
        ),
        services.block_add(actor=teacher, lesson=lesson, data=BlockIn(kind="quiz", quiz_id=quiz.pk)),
    ]
    lesson = services.lesson_publish(actor=teacher, lesson=lesson)
    if assign:
        services.lesson_assign(
            actor=teacher,
            lesson=lesson,
            data=AssignIn(class_id=city.classes[0].pk, due_at=due or timezone.now() + dt.timedelta(days=7)),
        )
    return Built(course, lesson, quiz, blocks, resource, qs)


@pytest.fixture
def built(city):
    return build_lesson(city)
