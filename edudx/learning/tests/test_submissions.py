"""The exam-hour submission writer: with the queue on, submissions are committed in batches by
one writer thread; each request gets its own result or refusal, and a refused submission takes
none of its statements with it."""

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from edudx.core.errors import Conflict


def _answers(built):
    q1, q2 = built.questions
    return {str(q1.pk): "0", str(q2.pk): "ha noi"}


@pytest.mark.django_db(transaction=True)
@override_settings(LEARNING_SUBMISSION_QUEUE=True)
def test_the_queue_commits_a_submission_and_refuses_a_second_one(city):
    from edudx.learning import services
    from edudx.learning.models import Attempt, Progress
    from edudx.learning.services import submissions
    from edudx.learning.tests.conftest import build_lesson
    from edudx.lrs.models import Statement

    built = build_lesson(city)
    pupil = city.actor_of("student")
    try:
        attempt = services.attempt_start(actor=pupil, block=built.blocks[3])
        before = Statement.objects.count()
        done = services.attempt_submit(actor=pupil, attempt=attempt, answers=_answers(built))
        assert done.score == 100 and submissions.WRITER.batches >= 1
        assert Attempt.objects.get(pk=attempt.pk).submitted_at is not None  # committed by the writer
        verbs = [
            json.loads(s.data)["verb"]["display"]["en-US"] for s in Statement.objects.order_by("id")[before:]
        ]
        assert verbs.count("answered") == 2 and "scored" in verbs and "passed" in verbs
        assert Progress.objects.filter(lesson=built.lesson, user=pupil.user).exists()
        stored = Statement.objects.count()
        with pytest.raises(Conflict) as e:  # the writer hands the refusal back to the request
            services.attempt_submit(actor=pupil, attempt=attempt, answers=_answers(built))
        assert e.value.code == "already_submitted"
        assert Statement.objects.count() == stored
    finally:
        submissions.WRITER.stop()


@pytest.mark.django_db(transaction=True)
def test_a_refused_job_in_a_batch_leaves_the_others_and_drops_only_its_statements(city):
    from concurrent.futures import Future

    from edudx.learning import statements
    from edudx.learning.services.submissions import Writer
    from edudx.learning.tests.conftest import build_lesson
    from edudx.lrs.models import Statement

    built = build_lesson(city, assign=False)
    course = built.course

    def stmt(verb):
        return statements.build(
            user_id=1, verb=verb, obj=statements.activity("lesson", built.lesson.pk, "x"), course=course
        )

    def good():
        statements.write(actor=None, course=course, statement=stmt("viewed"))
        return "ok"

    def refused():
        statements.write(actor=None, course=course, statement=stmt("started"))
        raise Conflict(code="already_submitted")

    futures = [Future(), Future(), Future()]
    before = Statement.objects.count()
    Writer().write([(good, futures[0]), (refused, futures[1]), (good, futures[2])])
    assert futures[0].result() == "ok" and futures[2].result() == "ok"
    assert futures[1].exception().code == "already_submitted"
    rows = [json.loads(s.data)["verb"]["display"]["en-US"] for s in Statement.objects.order_by("id")[before:]]
    assert rows == ["viewed", "viewed"]


@pytest.mark.django_db(transaction=True)
@override_settings(LEARNING_SUBMISSION_QUEUE=True)
def test_a_crash_between_acceptance_and_commit_loses_nothing_acknowledged(city, monkeypatch):
    """The batch fails after the attempt was claimed and graded (here the LRS store refuses, as
    a full disk or a killed process would end it before COMMIT): the request hears the error,
    the attempt is still open with no block, lesson or statement kept, and the pupil's second
    submit of the same answers is accepted."""
    from django.db import OperationalError

    from edudx.learning import services
    from edudx.learning.models import Attempt, BlockProgress, Progress
    from edudx.learning.services import submissions
    from edudx.learning.tests.conftest import build_lesson
    from edudx.lrs import services as lrs
    from edudx.lrs.models import Statement

    built = build_lesson(city)
    pupil = city.actor_of("student")
    real = lrs.statements_store

    def crash(**kwargs):
        raise OperationalError("disk I/O error")

    try:
        attempt = services.attempt_start(actor=pupil, block=built.blocks[3])
        before = Statement.objects.count()
        monkeypatch.setattr(lrs, "statements_store", crash)
        with pytest.raises(OperationalError):
            services.attempt_submit(actor=pupil, attempt=attempt, answers=_answers(built))
        assert Attempt.objects.get(pk=attempt.pk).submitted_at is None
        assert not BlockProgress.objects.filter(block=built.blocks[3], user=pupil.user).exists()
        assert not Progress.objects.filter(
            lesson=built.lesson, user=pupil.user, completed_at__isnull=False
        ).exists()
        assert Statement.objects.count() == before
        monkeypatch.setattr(lrs, "statements_store", real)
        done = services.attempt_submit(actor=pupil, attempt=attempt, answers=_answers(built))
        assert done.score == 100 and Attempt.objects.get(pk=attempt.pk).submitted_at is not None
        assert BlockProgress.objects.get(block=built.blocks[3], user=pupil.user).grade == 100
    finally:
        submissions.WRITER.stop()


@pytest.mark.django_db
def test_a_submission_reads_once_and_grades_from_the_process_memory(city, django_assert_max_num_queries):
    """The hot path of an exam hour: the attempt and its learner check in one read, the
    questions' keys from memory once read; a pupil of another class gets a 404, not a grade."""
    from edudx.core.errors import NotFound
    from edudx.learning import selectors, services
    from edudx.learning.selectors.exam import submission_attempt
    from edudx.learning.tests.conftest import build_lesson

    built = build_lesson(city)
    pupil = city.actor_of("student")
    attempt = services.attempt_start(actor=pupil, block=built.blocks[3])
    selectors.attempt_questions(attempt)  # the process's memory warmed by the page that showed it
    with django_assert_max_num_queries(1):
        att = submission_attempt(scope=pupil.scope, user_id=pupil.user.pk, attempt_id=attempt.pk)
        questions = selectors.attempt_questions(att)
    assert att.learner_assigned and att.learner_class == city.classes[0].pk
    assert [q.pk for q in questions] == att.question_ids
    with pytest.raises(NotFound):  # someone else's attempt id
        submission_attempt(scope=pupil.scope, user_id=pupil.user.pk + 10_000, attempt_id=attempt.pk)
    assert services.attempt_submit(actor=pupil, attempt=att, answers=_answers(built)).score == 100


@pytest.mark.django_db
def test_a_one_block_quiz_lesson_completes_from_the_submission_alone(city):
    """An exam's lesson is its quiz alone: the submission completes the lesson (score, pass,
    'completed' in the LRS) without reading its blocks back, once — a second attempt does not
    complete it again."""
    from edudx.learning import services
    from edudx.learning.models import Progress
    from edudx.learning.schemas import AssignIn, BlockIn, LessonIn
    from edudx.learning.tests.conftest import build_lesson
    from edudx.lrs.models import Statement

    built = build_lesson(city)
    teacher, pupil = city.actor_of("teacher"), city.actor_of("student")
    exam = services.lesson_create(actor=teacher, course=built.course, data=LessonIn(title="Bài thi"))
    block = services.block_add(actor=teacher, lesson=exam, data=BlockIn(kind="quiz", quiz_id=built.quiz.pk))
    services.lesson_publish(actor=teacher, lesson=exam)
    due = timezone.now() + dt.timedelta(days=1)
    services.lesson_assign(actor=teacher, lesson=exam, data=AssignIn(class_id=city.classes[0].pk, due_at=due))
    attempt = services.attempt_start(actor=pupil, block=block)
    before = Statement.objects.count()
    assert services.attempt_submit(actor=pupil, attempt=attempt, answers=_answers(built)).score == 100
    progress = Progress.objects.get(lesson=exam, user=pupil.user)
    assert progress.completed_at is not None and progress.score == 100 and progress.passed is True
    verbs = [
        json.loads(s.data)["verb"]["display"]["en-US"] for s in Statement.objects.order_by("id")[before:]
    ]
    assert verbs.count("completed") == 1
    again = services.attempt_start(actor=pupil, block=block)
    services.attempt_submit(actor=pupil, attempt=again, answers={})
    assert Progress.objects.get(lesson=exam, user=pupil.user).score == 100  # completed once, kept


@pytest.mark.django_db
def test_the_prepared_read_gives_what_the_orm_read_gives(city):
    """The exam read compiled once per scope shape and run with parameters alone: the same
    attempt, relations and learner check as the ORM form — for the pupil, after a transfer
    (nothing of the first run is baked in), and NotFound for an id that is not theirs."""
    from django.utils.functional import SimpleLazyObject

    from edudx.core.errors import NotFound
    from edudx.learning import services
    from edudx.learning.selectors.exam import submission_attempt
    from edudx.learning.tests.conftest import build_lesson
    from edudx.registry.models import Enrolment

    built = build_lesson(city)
    pupil = city.actor_of("student")
    attempt = services.attempt_start(actor=pupil, block=built.blocks[3])

    def both(user_id, attempt_id):
        out = []
        for prepared in (True, False):
            try:
                a = submission_attempt(
                    scope=SimpleLazyObject(lambda: pupil.scope),  # as a request's middleware sets it
                    user_id=user_id,
                    attempt_id=attempt_id,
                    prepared=prepared,
                )
            except NotFound:
                out.append(None)
                continue
            out.append(
                (
                    a.pk,
                    a.question_ids,
                    a.started_at,
                    a.quiz.title,
                    a.block.lesson.course.unit_path,
                    a.learner_student,
                    a.learner_class,
                    a.learner_assigned,
                    a.lesson_blocks,
                )  # fmt: skip
            )
        assert out[0] == out[1]
        return out[0]

    read = both(pupil.user.pk, attempt.pk)
    assert read[6] == city.classes[0].pk and read[7] is True and read[8] == 4
    Enrolment.objects.filter(student__user=pupil.user).update(school_class=city.classes[1])
    moved = both(pupil.user.pk, attempt.pk)  # another class now: the lesson is not assigned to it
    assert moved[6] == city.classes[1].pk and moved[7] is False
    assert both(pupil.user.pk + 10_000, attempt.pk) is None  # someone else's attempt id
    assert both(pupil.user.pk, attempt.pk + 10_000) is None
    for bad in (2**63, -1, 0):
        with pytest.raises(NotFound):
            submission_attempt(scope=pupil.scope, user_id=pupil.user.pk, attempt_id=bad)


@pytest.mark.django_db
def test_the_claim_and_the_block_upsert_written_once_keep_what_the_orm_kept(city):
    """The submission's two row writes as SQL written once per process: the claim stores the
    answers, grades and time as the ORM would (JSON, decimal), a second claim finds nothing; the
    block row already there (a video position, an earlier try) is updated, not duplicated."""
    from decimal import Decimal

    from edudx.learning import services
    from edudx.learning.models import Attempt, BlockProgress
    from edudx.learning.services import submissions
    from edudx.learning.tests.conftest import build_lesson

    built = build_lesson(city)
    pupil = city.actor_of("student")
    block = built.blocks[3]
    BlockProgress.objects.create(block=block, user=pupil.user, done=False, position_seconds=5, text="nháp")
    attempt = services.attempt_start(actor=pupil, block=block)
    done = services.attempt_submit(actor=pupil, attempt=attempt, answers=_answers(built))
    stored = Attempt.objects.get(pk=attempt.pk)
    q1, q2 = built.questions
    assert stored.answers == {str(q1.pk): "0", str(q2.pk): "ha noi"}
    assert stored.item_scores == {str(q1.pk): 1.0, str(q2.pk): 1.0}
    assert (
        stored.score == Decimal("100.00")
        and stored.passed is True
        and stored.submitted_at == done.submitted_at
    )
    row = BlockProgress.objects.get(block=block, user=pupil.user)
    assert (row.done, row.grade, row.position_seconds, row.text) == (True, Decimal("100.00"), 5, "nháp")
    assert not submissions.claim(stored)  # already submitted: nothing to claim
