"""A few class courses for the demo: in the first demo schools, one grade-6 class each gets a
mathematics course with a lesson (two library resources, a text, a video and a quiz of four
items) assigned for next week — enough for the teacher's pages and the pupil's list. The first
class course also gets a lesson of interactive blocks (H5P, cmi5, SCORM), an LTI tool in draft
and a class message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from edudx.core.demo import DemoContext
from edudx.core.scope import Scope
from edudx.library import selectors as library
from edudx.registry import selectors as registry

from . import services
from .models import BlockKind, Course, CourseKind, QuestionKind
from .schemas import AssignIn, BlockIn, CourseIn, LessonIn, QuestionIn, QuizIn

ORDER = 85
COURSES = 3
QUESTIONS = [
    QuestionIn(
        kind=QuestionKind.SINGLE,
        text="1/2 + 1/4 bằng bao nhiêu?",
        data={"options": ["3/4", "2/6", "1/8"], "correct": [0]},
    ),
    QuestionIn(kind=QuestionKind.TRUE_FALSE, text="Phân số 2/4 bằng 1/2.", data={"correct": True}),
    QuestionIn(
        kind=QuestionKind.SHORT,
        text="Viết phân số một phần ba bằng chữ.",
        data={"answers": ["một phần ba"], "fold": True},
    ),
    QuestionIn(kind=QuestionKind.NUMERIC, text="0,5 + 0,25 = ?", data={"value": 0.75, "tolerance": 0.001}),
]


def build(ctx: DemoContext) -> None:
    system = Scope.system()
    classes, _order = registry.class_list(scope=system)
    picked, schools = [], set()
    for c in classes.filter(year__is_current=True, grade=6).order_by("school_id", "name"):
        if c.school_id not in schools:
            schools.add(c.school_id)
            picked.append(c)
        if len(picked) == COURSES:
            break
    resources = list(library.published(scope=system).order_by("id")[:2])
    course_of_first: Course | None = None
    for cls in picked:
        course = services.course_create(
            actor=ctx.actor,
            data=CourseIn(title=f"Toán 6 — {cls.name} (học kết hợp)", class_id=cls.pk, subject="toan"),
        )
        lesson = services.lesson_create(
            actor=ctx.actor, course=course, data=LessonIn(title="Phân số và số thập phân")
        )
        qs = [services.question_create(actor=ctx.actor, course=course, data=q) for q in QUESTIONS]
        quiz = services.quiz_create(
            actor=ctx.actor,
            course=course,
            data=QuizIn(title="Kiểm tra 10 phút", time_limit_minutes=10),
            question_ids=[q.pk for q in qs],
        )
        for r in resources:
            services.block_add(
                actor=ctx.actor, lesson=lesson, data=BlockIn(kind=BlockKind.RESOURCE, resource_id=r.pk)
            )
        services.block_add(
            actor=ctx.actor,
            lesson=lesson,
            data=BlockIn(kind=BlockKind.TEXT, html="<p>Đọc tài liệu, xem video rồi làm bài kiểm tra.</p>"),
        )
        services.block_add(
            actor=ctx.actor,
            lesson=lesson,
            data=BlockIn(
                kind=BlockKind.VIDEO,
                title="Phân số là gì?",
                video_url="https://hoclieu.example.edu.vn/video/phan-so.mp4",
                video_seconds=300,
            ),
        )
        services.block_add(actor=ctx.actor, lesson=lesson, data=BlockIn(kind=BlockKind.QUIZ, quiz_id=quiz.pk))
        services.lesson_publish(actor=ctx.actor, lesson=lesson)
        services.course_publish(actor=ctx.actor, course=course)
        due = timezone.make_aware(dt.datetime.combine(ctx.today + dt.timedelta(days=7), dt.time(20, 0)))
        services.lesson_assign(actor=ctx.actor, lesson=lesson, data=AssignIn(class_id=cls.pk, due_at=due))
        course_of_first = course_of_first or course
    ctx.log(f"learning: {len(picked)} class courses with an assigned lesson")
    _open_course(ctx, picked[0].school_id if picked else None)
    if course_of_first is not None:
        _interactive(ctx, course_of_first, picked[0])


def _interactive(ctx: DemoContext, course: Course, cls: Any) -> None:
    """The first class course's second lesson: one H5P block, one cmi5 AU and one SCORM 1.2
    package (tiny packages of our own, learning/interactive/samples/), assigned to the class;
    an LTI tool registered in draft for the school (no tool runs in the demo); a class message."""
    from django.core.files.base import File

    from .interactive.samples import folder_zip, scorm_zip
    from .lti import services as lti
    from .lti.schemas import ToolIn
    from .services import interactive, messages, scorm

    lesson = services.lesson_create(actor=ctx.actor, course=course, data=LessonIn(title="Học liệu tương tác"))
    interactive.h5p_add(
        actor=ctx.actor, lesson=lesson, upload=File(folder_zip("h5p")), title="Chào lớp (H5P)"
    )
    interactive.cmi5_import(actor=ctx.actor, lesson=lesson, upload=File(folder_zip("cmi5")))
    scorm.scorm_add(actor=ctx.actor, lesson=lesson, upload=File(scorm_zip("1.2")))
    services.lesson_publish(actor=ctx.actor, lesson=lesson)
    due = timezone.make_aware(dt.datetime.combine(ctx.today + dt.timedelta(days=10), dt.time(20, 0)))
    services.lesson_assign(actor=ctx.actor, lesson=lesson, data=AssignIn(class_id=cls.pk, due_at=due))
    lti.tool_create(
        actor=ctx.actor,
        data=ToolIn(
            name="Phòng thí nghiệm ảo (bản nháp)",
            school_id=cls.school_id,
            login_url="https://phongthinghiem.example.edu.vn/lti/login",
            target_link_url="https://phongthinghiem.example.edu.vn/lti/launch",
            jwks_url="https://phongthinghiem.example.edu.vn/.well-known/jwks.json",
        ),
    )
    messages.message_send(
        actor=ctx.actor,
        course=course,
        title="Bài học tương tác mới",
        body="Các em mở bài “Học liệu tương tác”: một trò chơi H5P, một bài cmi5 và một gói SCORM.",
    )
    ctx.log("learning: 1 lesson of H5P, cmi5 and SCORM blocks, 1 LTI tool in draft, 1 class message")


def _open_course(ctx: DemoContext, school_id: int | None) -> None:
    """One open course for citizens (registration at /learning/register/, the code printed by
    the console e-mail backend): a reading and a two-question check."""
    if school_id is None:
        return
    course = services.course_create(
        actor=ctx.actor,
        data=CourseIn(
            title="Kỹ năng số cho cha mẹ học sinh",
            kind=CourseKind.OPEN,
            school_id=school_id,
            description="Khóa học mở: an toàn trên mạng và dùng các dịch vụ giáo dục trực tuyến.",
            capacity=500,
        ),
    )
    lesson = services.lesson_create(actor=ctx.actor, course=course, data=LessonIn(title="An toàn trên mạng"))
    qs = [
        services.question_create(actor=ctx.actor, course=course, data=q)
        for q in (
            QuestionIn(
                kind=QuestionKind.SINGLE,
                text="Mật khẩu nào mạnh hơn?",
                data={"options": ["12345678", "Hoc-suot-doi-2026"], "correct": [1]},
            ),
            QuestionIn(
                kind=QuestionKind.TRUE_FALSE, text="Nên chia sẻ mã OTP cho người lạ.", data={"correct": False}
            ),
        )
    ]
    quiz = services.quiz_create(
        actor=ctx.actor, course=course, data=QuizIn(title="Kiểm tra"), question_ids=[q.pk for q in qs]
    )
    services.block_add(
        actor=ctx.actor,
        lesson=lesson,
        data=BlockIn(kind=BlockKind.TEXT, html="<p>Không chia sẻ mật khẩu và mã OTP; dùng mật khẩu dài.</p>"),
    )
    services.block_add(actor=ctx.actor, lesson=lesson, data=BlockIn(kind=BlockKind.QUIZ, quiz_id=quiz.pk))
    services.lesson_publish(actor=ctx.actor, lesson=lesson)
    services.course_publish(actor=ctx.actor, course=course)
    ctx.log("learning: 1 open course for citizens")
