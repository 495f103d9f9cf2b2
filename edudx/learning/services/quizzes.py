"""Writes to question banks and quizzes: questions (typed, answer key checked), GIFT import,
quizzes and their items; attempts (draw, shuffle, time limit, attempts allowed), auto-grading
and the teacher's grading of open answers. Learner actions go to the LRS (learning/statements.py)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from edudx.core.services import create_with_history

from .. import gift, grading, statements
from .. import permissions as perms
from ..models import Attempt, Block, BlockProgress, Course, CourseKind, LessonState, Question, Quiz, QuizItem
from ..schemas import QuestionIn, QuizIn
from . import submissions
from .courses import require_author
from .progress import LearnerContext, _maybe_complete, learner_context

GRACE = dt.timedelta(minutes=2)  # a slow connection's last submit after the time limit still counts
QUESTION_FIELDS = ("kind", "text", "data", "points", "subject", "grade", "topic", "shared", "course")


def _key_error(kind: str, data: dict[str, Any]) -> None:
    problem = grading.check_key(kind, data)
    if problem:
        raise ValidationFailed(
            details=[
                FieldError("data", f"bad_{problem}", str(_("The answer key of this question is incomplete.")))
            ]
        )


@transaction.atomic
def question_create(*, actor: Actor, course: Course, data: QuestionIn) -> Question:
    """A question in the course's bank; `shared` also offers it to every author of the subject."""
    require_author(actor, course)
    _key_error(data.kind, data.data)
    question = Question(
        course=course,
        unit_path=course.unit_path,
        created_by=actor.user,
        **{
            **data.model_dump(),
            "points": Decimal(str(data.points)),
            "subject": data.subject or course.subject,
        },
    )
    return create_with_history(
        actor=actor, obj=question, fields=QUESTION_FIELDS, operation="learning.question_create"
    )


@transaction.atomic
def gift_import(
    *, actor: Actor, course: Course, text: str, shared: bool = False
) -> tuple[list[Question], list[tuple[int, str]]]:
    """Questions from a GIFT file (Moodle's format) into the course's bank. Returns what was
    created and, per unreadable question (numbered from 1), why; nothing is half-created."""
    require_author(actor, course)
    parsed = gift.parse(text)
    errors = list(parsed.errors)
    created = []
    for n, p in enumerate(parsed.questions, start=1):
        if grading.check_key(p.kind, p.data):
            errors.append((n, "incomplete"))
            continue
        q = Question(
            course=course,
            unit_path=course.unit_path,
            created_by=actor.user,
            kind=p.kind,
            text=(f"{p.title}: " if p.title and p.title not in p.text else "") + p.text[:20_000],
            data=p.data,
            subject=course.subject,
            grade=course.grade,
            shared=shared,
        )
        q.save(force_insert=True)
        created.append(q)
    history.record(
        actor=actor,
        obj=course,
        action="gift_import",
        changes={"questions": [None, len(created)]},
        operation="learning.gift_import",
    )
    return created, errors


@transaction.atomic
def quiz_create(*, actor: Actor, course: Course, data: QuizIn, question_ids: list[int] | None = None) -> Quiz:
    require_author(actor, course)
    quiz = Quiz(course=course, **data.model_dump())
    create_with_history(
        actor=actor, obj=quiz, fields=tuple(data.model_dump()), operation="learning.quiz_create"
    )
    if question_ids:
        quiz_add(actor=actor, quiz=quiz, question_ids=question_ids)
    return quiz


@transaction.atomic
def quiz_add(*, actor: Actor, quiz: Quiz, question_ids: list[int]) -> int:
    """Put questions of the course's bank, or shared ones of the course's subject, on the quiz."""
    from ..selectors import bank_for_course

    require_author(actor, quiz.course)
    ids = set(
        bank_for_course(scope=actor.scope, course=quiz.course)
        .filter(pk__in=question_ids)
        .values_list("pk", flat=True)
    )
    if len(ids) != len(set(question_ids)):
        raise ValidationFailed(
            details=[FieldError("question_ids", "unknown", str(_("Some questions are not in the bank.")))]
        )
    have = set(quiz.items.values_list("question_id", flat=True))
    start = quiz.items.count()
    new = [q for q in question_ids if q not in have]
    QuizItem.objects.bulk_create(
        QuizItem(quiz=quiz, question_id=q, position=start + i) for i, q in enumerate(new)
    )
    history.record(
        actor=actor,
        obj=quiz,
        action="items_add",
        changes={"items": [start, start + len(new)]},
        operation="learning.quiz_add",
    )
    return len(new)


@transaction.atomic
def attempt_start(*, actor: Actor, block: Block) -> Attempt:
    """Start (or resume) an attempt at the block's quiz: questions drawn and shuffled now and
    kept on the attempt, so a reload shows the same ones."""
    ctx = learner_context(actor, block.lesson)
    quiz = Quiz.objects.filter(pk=block.quiz_id).first() if block.quiz_id else None
    if quiz is None:
        raise Conflict(_("This block has no quiz."), code="no_quiz")
    open_attempt = Attempt.objects.filter(quiz=quiz, user=actor.user, submitted_at__isnull=True).first()
    if open_attempt is not None:
        return open_attempt
    done = Attempt.objects.filter(quiz=quiz, user=actor.user).count()
    if quiz.max_attempts and done >= quiz.max_attempts:
        raise Conflict(_("No attempts left."), code="no_attempts_left")
    ids = list(quiz.items.order_by("position", "id").values_list("question_id", flat=True))
    rng = random.SystemRandom()
    if quiz.draw and quiz.draw < len(ids):
        ids = rng.sample(ids, quiz.draw)
    if quiz.shuffle:
        rng.shuffle(ids)
    attempt = Attempt.objects.create(
        quiz=quiz, user=actor.user, block=block, number=done + 1, question_ids=ids, started_at=timezone.now()
    )
    statements.write(
        actor=actor,
        course=ctx.course,
        statement=statements.build(
            user_id=actor.user.pk,
            verb="started",
            obj=statements.activity("quiz", quiz.pk, quiz.title),
            course=ctx.course,
            lesson=block.lesson,
            class_id=ctx.class_id,
        ),
    )
    return attempt


def _score(attempt: Attempt, questions: dict[int, Question]) -> tuple[Decimal | None, bool]:
    total = earned = Decimal(0)
    pending = False
    for qid in attempt.question_ids:
        q = questions.get(qid)
        if q is None:
            continue
        fraction = attempt.item_scores.get(str(qid))
        total += q.points
        if fraction is None:
            pending = True
        else:
            earned += q.points * Decimal(str(fraction))
    if total == 0:
        return Decimal(0), pending
    return (earned * 100 / total).quantize(Decimal("0.01")), pending


def attempt_submit(*, actor: Actor, attempt: Attempt, answers: dict[str, Any]) -> Attempt:
    """Grade what the learner sent (answers keyed by question id; anything else is ignored):
    each item auto-graded, open answers left to the teacher. Writes answered per question,
    scored, and passed or failed to the LRS; a graded quiz counts towards the lesson.

    An exam hour sends thousands of these at once. Before any write: one read of the attempt
    with its learner check (`selectors.exam.submission_attempt` — skipped when the caller
    already read the attempt that way), the questions from the process's memory, grading in
    plain Python. Then the writes — claim the attempt by a conditional update (a second submit
    finds nothing to claim), the block row upserted, the lesson completed, the statements in
    one LRS batch — run through `submissions.write`: with the writer on, many submissions in
    one transaction and one commit; the call returns only after that commit."""
    from ..selectors.exam import questions as question_keys
    from ..selectors.exam import submission_attempt

    if actor.user is None or attempt.user_id != actor.user.pk:
        raise PermissionDenied()
    if "learner_assigned" not in attempt.__dict__:
        attempt = submission_attempt(scope=actor.scope, user_id=actor.user.pk, attempt_id=attempt.pk)
    if attempt.submitted_at is not None:
        raise Conflict(_("This attempt was already submitted."), code="already_submitted")
    quiz = attempt.quiz
    now = timezone.now()
    if (
        quiz.time_limit_minutes
        and now > attempt.started_at + dt.timedelta(minutes=quiz.time_limit_minutes) + GRACE
    ):
        answers = {}  # too late: submitted empty, so the attempt still ends
    ctx = _submission_context(actor, attempt)
    questions = question_keys(attempt.question_ids)
    kept: dict[str, Any] = {}
    scores: dict[str, float | None] = {}
    for qid in attempt.question_ids:
        q = questions.get(qid)
        if q is None:
            continue
        answer = answers.get(str(qid))
        if isinstance(answer, str):
            answer = answer[:5000]
        kept[str(qid)] = answer
        scores[str(qid)] = grading.grade(q.kind, q.data, answer)
    attempt.answers, attempt.item_scores, attempt.submitted_at = kept, scores, now
    attempt.score, attempt.needs_grading = _score(attempt, questions)
    attempt.passed = (
        None if attempt.needs_grading or attempt.score is None else attempt.score >= quiz.pass_mark
    )
    # The attempt's statements built, validated and prepared for the LRS here, in the request:
    # the writer (one lock for every process's writes) only stores them.
    ready = (
        statements.prepare(
            course=ctx.course,
            statements=_attempt_statements(actor, attempt, questions, ctx, answers_sent=kept),
        )
        if ctx is not None
        else None
    )

    def writes() -> Attempt:
        if not submissions.claim(attempt):
            raise Conflict(_("This attempt was already submitted."), code="already_submitted")
        if ctx is not None and ready is not None:
            statements.write_prepared(course=ctx.course, prepared=ready)
            if not attempt.needs_grading and attempt.block is not None and attempt.score is not None:
                _quiz_done(actor, attempt.block, ctx, attempt.score, getattr(attempt, "lesson_blocks", None))
        return attempt

    return submissions.write(writes, actor=actor)


def _quiz_done(
    actor: Actor, block: Block, ctx: LearnerContext, grade: Decimal, lesson_blocks: int | None
) -> None:
    """The quiz block done with its grade: the learner's block row upserted in one statement
    (`progress.block_done` reads it first), then the lesson completed if it was the last — a
    lesson of this one block without reading its blocks back."""
    row = BlockProgress(block=block, user=actor.user, done=True, grade=grade)
    submissions.block_done(row)
    _maybe_complete(actor, ctx, done=[row] if lesson_blocks == 1 else None)


def _submission_context(actor: Actor, attempt: Attempt) -> LearnerContext | None:
    """The learner check of `learner_context` from what `submission_attempt` read: a class
    lesson published, the learner allowed to learn and the lesson assigned to their class now;
    an open or training course's lesson asks `learner_context` (its enrolment). None: the
    attempt belongs to no lesson."""
    lesson = attempt.block.lesson if attempt.block else None
    if lesson is None:
        return None
    if lesson.course.kind != CourseKind.CLASS:
        return learner_context(actor, lesson)
    if (
        lesson.state != LessonState.PUBLISHED
        or not actor.scope.has_perm(perms.LEARN)
        or not getattr(attempt, "learner_assigned", False)
    ):
        raise NotFound()
    return LearnerContext(
        lesson.course, lesson, attempt.__dict__["learner_class"], attempt.__dict__["learner_student"]
    )


def _attempt_statements(
    actor: Actor, attempt: Attempt, questions: dict[int, Question], ctx: Any, *, answers_sent: dict[str, Any]
) -> list[dict[str, Any]]:
    """The attempt's statements: answered per question, scored, and passed or failed."""
    course, lesson, quiz = ctx.course, ctx.lesson, attempt.quiz
    registration = statements.attempt_registration(attempt.pk)
    out: list[dict[str, Any]] = []
    for qid, fraction in attempt.item_scores.items():
        q = questions[int(qid)]
        result: dict[str, Any] = {"response": str(answers_sent.get(qid, ""))[:1000]}
        if fraction is not None:
            result["success"] = fraction >= 1
            result["score"] = {"scaled": round(fraction, 4)}
        out.append(
            statements.build(
                user_id=actor.user.pk,
                verb="answered",
                obj=statements.activity("question", qid, q.text),
                course=course,
                lesson=lesson,
                class_id=ctx.class_id,
                result=result,
                registration=registration,
            )
        )
    fraction = float(attempt.score or 0) / 100
    duration = (
        int((attempt.submitted_at - attempt.started_at).total_seconds()) if attempt.submitted_at else None
    )
    verbs = ["scored"] if attempt.passed is None else ["scored", "passed" if attempt.passed else "failed"]
    for verb in verbs:
        out.append(
            statements.build(
                user_id=actor.user.pk,
                verb=verb,
                obj=statements.activity("quiz", quiz.pk, quiz.title),
                course=course,
                lesson=lesson,
                class_id=ctx.class_id,
                result=statements.score_result(fraction, attempt.passed, duration_s=duration),
                categories=(statements.MOVEON,) if verb != "scored" else (),
                registration=registration,
            )
        )
    return out


@transaction.atomic
def attempt_grade(*, actor: Actor, attempt: Attempt, grades: dict[str, float]) -> Attempt:
    """The teacher grades open answers (fraction 0..1 per question id); the attempt's score
    and pass are settled once none is left."""
    require_author(actor, attempt.quiz.course)
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
    for qid, value in grades.items():
        if qid in attempt.item_scores and attempt.item_scores[qid] is None:
            attempt.item_scores[qid] = max(0.0, min(1.0, float(value)))
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    attempt.score, attempt.needs_grading = _score(attempt, questions)
    attempt.passed = (
        None if attempt.needs_grading or attempt.score is None else attempt.score >= attempt.quiz.pass_mark
    )
    attempt.save()
    history.record(
        actor=actor,
        obj=attempt,
        action="grade",
        changes={"score": [None, str(attempt.score)]},
        operation="learning.attempt_grade",
    )
    return attempt
