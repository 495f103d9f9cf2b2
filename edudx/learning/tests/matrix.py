"""Objects of school B1 for the route × role matrix test (see docs/developing.md)."""

import datetime as dt

from .matrix_interactive import PUBLIC_ROUTES as INTERACTIVE_PUBLIC
from .matrix_interactive import providers as interactive_providers
from .matrix_messages import providers as message_providers


def providers(city) -> dict[str, tuple[int, str]]:
    from django.utils import timezone

    from edudx.core.actor import Actor
    from edudx.learning import services
    from edudx.learning.models import Attempt, BlockProgress
    from edudx.learning.schemas import AssignIn, BlockIn, CourseIn, LessonIn, QuestionIn, QuizIn

    a = Actor.system(source="matrix")
    course = services.course_create(
        actor=a, data=CourseIn(title="Khóa học ma trận B1", class_id=city.classes[2].pk, subject="toan")
    )
    lesson = services.lesson_create(actor=a, course=course, data=LessonIn(title="Bài học ma trận B1"))
    q = services.question_create(
        actor=a,
        course=course,
        data=QuestionIn(kind="short", text="Câu hỏi ma trận B1", data={"answers": ["x"]}),
    )
    quiz = services.quiz_create(
        actor=a, course=course, data=QuizIn(title="Bài kiểm tra ma trận B1"), question_ids=[q.pk]
    )
    block = services.block_add(
        actor=a, lesson=lesson, data=BlockIn(kind="quiz", quiz_id=quiz.pk, title="Khối ma trận B1")
    )
    task = services.block_add(
        actor=a, lesson=lesson, data=BlockIn(kind="assignment", prompt="Đề bài ma trận B1")
    )
    services.lesson_publish(actor=a, lesson=lesson)
    services.lesson_assign(
        actor=a,
        lesson=lesson,
        data=AssignIn(class_id=city.classes[2].pk, due_at=timezone.now() + dt.timedelta(days=3)),
    )
    from edudx.accounts import services as accounts

    pupil = accounts.user_create(
        actor=a, username="matrix_b1_pupil", full_name="Học sinh ma trận B1", password=None
    )
    attempt = Attempt.objects.create(
        quiz=quiz, user=pupil, block=block, question_ids=[q.pk], started_at=timezone.now()
    )
    sub = BlockProgress.objects.create(block=task, user=pupil, done=True, text="Bài làm ma trận B1")
    return {
        "course_id": (course.pk, "Khóa học ma trận B1"),
        "lesson_id": (lesson.pk, "Bài học ma trận B1"),
        "quiz_id": (quiz.pk, "Bài kiểm tra ma trận B1"),
        "block_id": (block.pk, "Khối ma trận B1"),
        "attempt_id": (attempt.pk, "Câu hỏi ma trận B1"),
        **_lti_providers(city, course),
        "submission_id": (sub.pk, "Bài làm ma trận B1"),
        "number": (_b1_certificate(city, pupil), "Ghi chú nội bộ ma trận B1"),
        **interactive_providers(city, lesson),
        **message_providers(city, course, pupil),
    }


def _b1_certificate(city, user) -> str:
    """A certificate of an open course of B1 (its number is what the public page is given); the
    marker is the internal revocation note, which no page shows."""
    from django.utils import timezone

    from edudx.learning.models import Certificate, Course

    course = Course.objects.create(
        title="Khóa mở B1", kind="open", school=city.schools[2], unit_path=city.schools[2].unit.path
    )
    cert = Certificate.objects.create(
        number="B1MATRIX0001",
        course=course,
        user=user,
        unit_path=course.unit_path,
        issuer_name="B1",
        learner_name="Học viên B1",
        issued_at=timezone.now(),
        revoke_reason="Ghi chú nội bộ ma trận B1",
    )
    return cert.number


PUBLIC_ROUTES = {
    **INTERACTIVE_PUBLIC,
    "learning:open_list": "the catalogue of published open courses is for everyone (citizens register from it)",
    "learning:open_course": "a published open course's page, with its register/enrol buttons",
    "learning:register": "citizens register themselves",
    "learning:register_verify": "the second step of registration (the code), before any account exists",
    "learning:verify": "public certificate verification: anyone holding the number checks it",
    "learning:jwks": "the badge-signing public key verifiers use",
    "learning:issuer": "the Open Badges issuer profile",
}


def _lti_providers(city, course) -> dict[str, tuple[int, str]]:
    from .matrix_lti import providers as lti_providers

    return lti_providers(city, course)


from .matrix_lti import PUBLIC_ROUTES as _LTI_PUBLIC  # noqa: E402  (the LTI platform side's protocol endpoints)

PUBLIC_ROUTES.update(_LTI_PUBLIC)
