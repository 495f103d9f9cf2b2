"""The core path through services: a teacher builds and assigns a lesson, the pupil does it,
every step lands in the LRS with the course, lesson and class as context."""

import json

import pytest

from edudx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def statements(verb: str | None = None):
    from edudx.lrs.models import Statement

    rows = [json.loads(s.data) for s in Statement.objects.order_by("id")]
    return [r for r in rows if verb is None or r["verb"]["display"]["en-US"] == verb]


def test_the_pupil_does_the_lesson_and_every_step_is_in_the_lrs(city, built):
    from edudx.learning import selectors, services
    from edudx.learning.models import Progress

    pupil = city.actor_of("student")
    mine = selectors.pupil_lessons(scope=pupil.scope, user_id=pupil.user.pk)
    assert [p.lesson.pk for p in mine] == [built.lesson.pk]
    services.lesson_open(actor=pupil, lesson=built.lesson)
    resource, text, video, quiz = built.blocks
    services.block_view(actor=pupil, block=resource)
    services.block_view(actor=pupil, block=text)
    services.video_event(actor=pupil, block=video, event="played", position=0)
    services.video_event(actor=pupil, block=video, event="paused", position=45)
    assert selectors.learner_blocks(lesson=built.lesson, user_id=pupil.user.pk)[2][1].position_seconds == 45
    services.video_event(actor=pupil, block=video, event="completed", position=120)
    attempt = services.attempt_start(actor=pupil, block=quiz)
    q1, q2 = built.questions
    attempt = services.attempt_submit(
        actor=pupil, attempt=attempt, answers={str(q1.pk): "0", str(q2.pk): "ha noi"}
    )
    assert attempt.score == 100 and attempt.passed is True
    p = Progress.objects.get(lesson=built.lesson, user=pupil.user)
    assert p.completed_at is not None and p.score == 100 and p.passed is True
    verbs = [s["verb"]["display"]["en-US"] for s in statements()]
    for verb in ("viewed", "started", "played", "paused", "answered", "scored", "passed", "completed"):
        assert verb in verbs, verb
    done = statements("completed")[-1]
    assert done["object"]["id"].endswith(f"/learning/lessons/{built.lesson.pk}")
    ctx = done["context"]["contextActivities"]
    assert ctx["parent"][0]["id"].endswith(f"/learning/courses/{built.course.pk}")
    assert any(g["id"].endswith(f"/learning/classes/{city.classes[0].pk}") for g in ctx["grouping"])
    assert "https://w3id.org/xapi/cmi5/context/categories/moveon" in [c["id"] for c in ctx["category"]]
    paused = statements("paused")[0]
    assert paused["result"]["extensions"]["https://w3id.org/xapi/video/extensions/time"] == 45
    grid = selectors.progress_grid(scope=city.scope_of("teacher"), course=built.course)
    row = next(r for r in grid.rows if r["student_id"] == city.students[0].pk)
    assert row["cells"] == ["completed"]
    assert all(r["cells"] == [None] for r in grid.rows if r is not row)


def test_a_transfer_takes_the_pupil_out_of_the_class_course(city, built):
    """The roster is read from the registry (never written): a pupil transferred to school B1
    no longer sees the lesson, may not open it, and leaves the grid and the enrolments."""
    import datetime as dt

    from edudx.core.actor import Actor
    from edudx.learning import selectors, services
    from edudx.learning.models import Enrolment
    from edudx.registry import services as registry
    from edudx.registry.models import Student

    pupil = city.actor_of("student")
    assert Enrolment.objects.filter(course=built.course, active=True).count() == 3
    registry.enrolment_transfer(
        actor=Actor.system(),
        student=Student.objects.get(pk=city.students[0].pk),
        to_class=city.classes[2],
        on=dt.date(2025, 10, 1),
    )
    pupil = city.actor_of("student")
    assert selectors.pupil_lessons(scope=pupil.scope, user_id=pupil.user.pk) == []
    with pytest.raises(NotFound):
        services.lesson_open(actor=pupil, lesson=built.lesson)
    grid = selectors.progress_grid(scope=city.scope_of("teacher"), course=built.course)
    assert city.students[0].pk not in [r["student_id"] for r in grid.rows]
    assert services.roster_sync(actor=Actor.system(), course=built.course) == (0, 1)
    assert not Enrolment.objects.get(course=built.course, student_id=city.students[0].pk).active
    # A teacher (not a pupil) never gets a learner's lesson.
    with pytest.raises(NotFound):
        services.lesson_open(actor=city.actor_of("teacher"), lesson=built.lesson)


def test_quiz_attempts_and_time_limit(city, built):
    from edudx.learning import services

    pupil = city.actor_of("student")
    built.quiz.max_attempts = 1
    built.quiz.save()
    a = services.attempt_start(actor=pupil, block=built.blocks[3])
    assert services.attempt_start(actor=pupil, block=built.blocks[3]).pk == a.pk  # resumed, not a new one
    a = services.attempt_submit(actor=pupil, attempt=a, answers={"999999": "x"})
    assert a.score == 0 and a.passed is False
    with pytest.raises(Conflict) as exc:
        services.attempt_start(actor=pupil, block=built.blocks[3])
    assert exc.value.code == "no_attempts_left"
    with pytest.raises(Conflict):
        services.attempt_submit(actor=pupil, attempt=a, answers={})


def test_a_submission_stores_its_statements_in_one_batch_and_only_once(city, built, monkeypatch):
    """An exam hour's cost: a submission's answered/scored/passed (and the lesson's completion)
    go to the LRS in one batch write, not one write each; a second submit of the same attempt
    (a double click, a stale tab) is refused and stores nothing more."""
    from edudx.learning import services
    from edudx.learning import statements as services_statements
    from edudx.lrs import services as lrs
    from edudx.lrs.models import Statement

    pupil = city.actor_of("student")
    a = services.attempt_start(actor=pupil, block=built.blocks[3])
    calls = {"one": 0, "many": 0}
    one, many = lrs.statement_record, lrs.statements_store

    def count_one(**kw):
        calls["one"] += 1
        return one(**kw)

    def count_many(**kw):
        calls["many"] += 1
        return many(**kw)

    monkeypatch.setattr(lrs, "statement_record", count_one)
    monkeypatch.setattr(lrs, "statements_store", count_many)
    before = Statement.objects.count()
    q1, q2 = built.questions
    stale = a
    a = services.attempt_submit(actor=pupil, attempt=a, answers={str(q1.pk): "0", str(q2.pk): "x"})
    assert calls == {"one": 0, "many": 1}
    verbs = [s["verb"]["display"]["en-US"] for s in statements()[before:]]
    assert verbs.count("answered") == 2 and "scored" in verbs and ("passed" in verbs or "failed" in verbs)
    # The attempt's statements share its registration (a query by it returns the attempt).
    of_attempt = [s for s in statements()[before:] if "/lessons/" not in s["object"]["id"]]
    assert len(of_attempt) >= 3
    registrations = {s["context"]["registration"] for s in of_attempt}
    assert registrations == {services_statements.attempt_registration(a.pk)}
    assert services_statements.attempt_registration(a.pk + 1) not in registrations
    stored = Statement.objects.count()
    with pytest.raises(Conflict) as exc:
        services.attempt_submit(actor=pupil, attempt=stale, answers={})
    assert exc.value.code == "already_submitted"
    assert Statement.objects.count() == stored
    assert calls["many"] == 1


def test_a_refused_batch_leaves_the_attempt_unsubmitted(city, built, monkeypatch):
    """The attempt's grade and its statements are one transaction: when the LRS refuses the
    statements the attempt stays open to submit again."""
    from edudx.learning import services
    from edudx.learning.models import Attempt
    from edudx.lrs import services as lrs

    pupil = city.actor_of("student")
    a = services.attempt_start(actor=pupil, block=built.blocks[3])

    def refuse(**kw):
        raise ValidationFailed(code="xapi_400")

    monkeypatch.setattr(lrs, "statements_store", refuse)
    with pytest.raises(ValidationFailed):
        services.attempt_submit(actor=pupil, attempt=a, answers={})
    assert Attempt.objects.get(pk=a.pk).submitted_at is None


def test_answers_after_the_time_limit_count_as_blank(city, built):
    import datetime as dt

    from edudx.learning import services
    from edudx.learning.models import Attempt

    pupil = city.actor_of("student")
    built.quiz.time_limit_minutes = 10
    built.quiz.save()
    a = services.attempt_start(actor=pupil, block=built.blocks[3])
    Attempt.objects.filter(pk=a.pk).update(started_at=a.started_at - dt.timedelta(minutes=13))
    q1, q2 = built.questions
    a = services.attempt_submit(actor=pupil, attempt=a, answers={str(q1.pk): "0", str(q2.pk): "Hà Nội"})
    assert a.score == 0


def test_lesson_states_and_assignment_rules(city):
    import datetime as dt

    from edudx.learning import services
    from edudx.learning.schemas import AssignIn, CourseIn, LessonIn

    teacher = city.actor_of("teacher")
    course = services.course_create(actor=teacher, data=CourseIn(title="Khóa", class_id=city.classes[0].pk))
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="Trống"))
    with pytest.raises(ValidationFailed) as exc:
        services.lesson_publish(actor=teacher, lesson=lesson)
    assert exc.value.code == "empty_lesson"
    with pytest.raises(Conflict) as exc:
        services.lesson_assign(
            actor=teacher,
            lesson=lesson,
            data=AssignIn(class_id=city.classes[0].pk, due_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        )
    assert exc.value.code == "lesson_not_published"
    services.course_publish(actor=teacher, course=course)
    with pytest.raises(Conflict):
        services.course_publish(actor=teacher, course=course)
    services.course_archive(actor=teacher, course=course)
    course = services.course_reopen(actor=teacher, course=course)
    assert course.state == "draft"


def test_open_answers_wait_for_the_teacher_and_assignments_get_feedback(city, built):
    from django.core.files.base import ContentFile

    from edudx.learning import selectors, services
    from edudx.learning.schemas import BlockIn, QuestionIn

    teacher, pupil = city.actor_of("teacher"), city.actor_of("student")
    essay = services.question_create(
        actor=teacher, course=built.course, data=QuestionIn(kind="essay", text="Vì sao 1/2 = 2/4?", points=2)
    )
    services.quiz_add(actor=teacher, quiz=built.quiz, question_ids=[essay.pk])
    q1, q2 = built.questions
    a = services.attempt_start(actor=pupil, block=built.blocks[3])
    a = services.attempt_submit(
        actor=pupil,
        attempt=a,
        answers={str(q1.pk): "0", str(q2.pk): "Hà Nội", str(essay.pk): "Vì nhân cả tử và mẫu"},
    )
    assert a.needs_grading and a.passed is None and a.score == 50  # 2 of 4 points graded so far
    assert statements("scored") and not statements("passed")
    with pytest.raises(PermissionDenied):
        services.attempt_grade(actor=city.actor_of("student"), attempt=a, grades={str(essay.pk): 1})
    a = services.attempt_grade(actor=teacher, attempt=a, grades={str(essay.pk): 0.5, "999": 1})
    assert not a.needs_grading and a.score == 75 and a.passed is True
    task = services.block_add(
        actor=teacher, lesson=built.lesson, data=BlockIn(kind="assignment", prompt="Vẽ hình")
    )
    sub = services.assignment_submit(
        actor=pupil, block=task, text="Bài của em", upload=ContentFile(b"x", name="hinh.png")
    )
    assert "submitted" in [s["verb"]["display"]["en-US"] for s in statements()]
    got = selectors.submission_get(scope=teacher.scope, pk=sub.pk)
    services.assignment_feedback(actor=teacher, submission=got, feedback="Tốt", grade=90)
    with pytest.raises(NotFound):
        selectors.submission_get(scope=city.scope_of("student"), pk=sub.pk)


def test_the_shared_bank_offers_questions_to_every_course_of_the_subject(city, built):
    from edudx.learning import selectors, services
    from edudx.learning.schemas import CourseIn, QuestionIn

    teacher = city.actor_of("teacher")
    shared = services.question_create(
        actor=teacher,
        course=built.course,
        data=QuestionIn(
            kind="numeric",
            text="pi?",
            data={"value": 3.14, "tolerance": 0.01},
            shared=True,
            topic="Số thập phân",
            grade=6,
        ),
    )
    other = services.course_create(
        actor=teacher, data=CourseIn(title="Toán 6 khác", class_id=city.classes[0].pk, subject="toan")
    )
    assert shared in selectors.bank_for_course(scope=teacher.scope, course=other)
    assert built.questions[0] not in selectors.bank_for_course(scope=teacher.scope, course=other)
    assert list(selectors.bank_shared(subject="toan", grade=6, topic="Số thập phân")) == [shared]
    with pytest.raises(ValidationFailed):
        services.question_create(
            actor=teacher,
            course=other,
            data=QuestionIn(kind="single", text="?", data={"options": ["a"], "correct": [3]}),
        )
