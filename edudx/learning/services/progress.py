"""A learner's actions in a lesson — open it, view a block, watch a video (position kept so it
resumes), hand in an assignment — and the teacher's feedback. Each action is written to the
LRS; a lesson whose blocks are all done is completed, scored by the course's weighted policy,
and passed or failed against its pass mark."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import FieldError, NotFound, ValidationFailed

from .. import permissions as perms
from .. import statements
from ..models import (
    Assignment,
    Block,
    BlockKind,
    BlockProgress,
    Course,
    CourseKind,
    Lesson,
    LessonState,
    Progress,
)
from .courses import require_author
from .submissions import lesson_completed

if TYPE_CHECKING:
    from edudx.core.scope import Scope

MAX_SUBMISSION = 50 * 1024**2
VIDEO_EVENTS = ("initialized", "played", "paused", "seeked", "completed")


@dataclass(frozen=True)
class LearnerContext:
    course: Course
    lesson: Lesson
    class_id: int | None
    student_id: int | None


def current_class(scope: Scope, user_id: int) -> tuple[int | None, int | None]:
    """(student id, class id) of the pupil's active enrolment now, read from the registry: a
    transfer moves the pupil's lessons with them."""
    from ..selectors import pupil_class

    return pupil_class(scope=scope, user_id=user_id)


def learner_context(actor: Actor, lesson: Lesson) -> LearnerContext:
    """The lesson as this learner may do it: published and assigned to their current class.
    Anything else is NotFound (a foreign lesson is not confirmed to exist)."""
    from ..selectors import open_course_learner

    if actor.user is None:
        raise NotFound()
    # The lesson as stored now, not as the caller's copy remembers it.
    fresh = Lesson.objects.select_related("course").filter(pk=lesson.pk, state=LessonState.PUBLISHED).first()
    if fresh is None:
        raise NotFound()
    lesson = fresh
    if lesson.course.kind in (CourseKind.OPEN, CourseKind.TRAINING):
        # Anyone signed in (a citizen has no role at all) who enrolled in the open course; the
        # staff put on a training course.
        if not open_course_learner(course=lesson.course, user_id=actor.user.pk):
            raise NotFound()
        return LearnerContext(lesson.course, lesson, None, None)
    if not actor.scope.has_perm(perms.LEARN):
        raise NotFound()
    student_id, class_id = current_class(actor.scope, actor.user.pk)
    if class_id is None or not Assignment.objects.filter(lesson=lesson, school_class_id=class_id).exists():
        raise NotFound()
    return LearnerContext(lesson.course, lesson, class_id, student_id)


def _write(
    actor: Actor,
    ctx: LearnerContext,
    verb: str,
    obj: dict[str, Any],
    result: dict[str, Any] | None = None,
    categories: tuple[str, ...] = (),
) -> None:
    statements.write(
        actor=actor,
        course=ctx.course,
        statement=statements.build(
            user_id=actor.user.pk,
            verb=verb,
            obj=obj,
            course=ctx.course,
            lesson=ctx.lesson,
            class_id=ctx.class_id,
            result=result,
            categories=categories,
        ),
    )


@transaction.atomic
def lesson_open(*, actor: Actor, lesson: Lesson) -> Progress:
    """The learner opens the lesson: viewed, and started the first time."""
    ctx = learner_context(actor, lesson)
    progress, created = Progress.objects.get_or_create(
        lesson=lesson, user=actor.user, defaults={"student_id": ctx.student_id}
    )
    obj = statements.activity("lesson", lesson.pk, lesson.title)
    _write(actor, ctx, "viewed", obj)
    if created:
        _write(actor, ctx, "started", obj)
    return progress


@transaction.atomic
def block_view(*, actor: Actor, block: Block) -> BlockProgress:
    """A resource or text block seen: viewed, and done."""
    ctx = learner_context(actor, block.lesson)
    _write(actor, ctx, "viewed", statements.block_activity(block))
    return block_done(actor=actor, block=block, ctx=ctx)


@transaction.atomic
def video_event(*, actor: Actor, block: Block, event: str, position: int) -> BlockProgress:
    """A video profile event at `position` seconds; the position is kept so the video resumes
    there, and a video watched to the end is done."""
    if block.kind != BlockKind.VIDEO or event not in VIDEO_EVENTS:
        raise ValidationFailed(_("Not a video event."), code="bad_video_event")
    ctx = learner_context(actor, block.lesson)
    limit = block.video_seconds or 86_400
    position = max(0, min(int(position), limit))
    bp, _created = BlockProgress.objects.get_or_create(block=block, user=actor.user)
    bp.position_seconds = position
    bp.save(update_fields=["position_seconds", "updated_at"])
    result = {"extensions": {statements.TIME_EXT: position}}
    verb = "completed" if event == "completed" else event
    _write(
        actor,
        ctx,
        verb,
        statements.block_activity(block),
        result=result,
        categories=(statements.VIDEO_CATEGORY,),
    )
    if event == "completed":
        return block_done(actor=actor, block=block, ctx=ctx)
    return bp


@transaction.atomic
def assignment_submit(
    *, actor: Actor, block: Block, text: str, upload: File[Any] | None = None
) -> BlockProgress:
    """Hand in text and/or a file; handing in again replaces the earlier one until feedback."""
    if block.kind != BlockKind.ASSIGNMENT:
        raise NotFound()
    ctx = learner_context(actor, block.lesson)
    text = text.strip()[:50_000]
    if not text and upload is None:
        raise ValidationFailed(
            details=[FieldError("text", "required", str(_("Write an answer or attach a file.")))]
        )
    if upload is not None and (upload.size or 0) > MAX_SUBMISSION:
        raise ValidationFailed(
            details=[FieldError("file", "too_large", str(_("The file is too large (50 MB at most).")))]
        )
    bp, _created = BlockProgress.objects.get_or_create(block=block, user=actor.user)
    bp.text = text
    if upload is not None:
        bp.file.save(f"{block.pk}-{actor.user.pk}.bin", upload, save=False)
    bp.done = True
    bp.save()
    _write(actor, ctx, "submitted", statements.block_activity(block))
    _maybe_complete(actor, ctx)
    return bp


@transaction.atomic
def assignment_feedback(
    *, actor: Actor, submission: BlockProgress, feedback: str, grade: float | None
) -> BlockProgress:
    require_author(actor, submission.block.lesson.course)
    submission.feedback = feedback.strip()[:20_000]
    submission.grade = None if grade is None else Decimal(str(max(0.0, min(100.0, grade))))
    submission.save(update_fields=["feedback", "grade", "updated_at"])
    history.record(
        actor=actor,
        obj=submission,
        action="feedback",
        changes={"grade": [None, str(submission.grade)]},
        operation="learning.assignment_feedback",
    )
    return submission


def block_done(
    *, actor: Actor, block: Block, ctx: LearnerContext, grade: Decimal | None = None
) -> BlockProgress:
    bp, _created = BlockProgress.objects.get_or_create(block=block, user=actor.user)
    if not bp.done or grade is not None:
        bp.done = True
        if grade is not None:
            bp.grade = grade
        bp.save(update_fields=["done", "grade", "updated_at"])
        _maybe_complete(actor, ctx)
    return bp


def lesson_grade(course: Course, done: list[BlockProgress]) -> Decimal | None:
    """The course's weighted policy over graded blocks: quizzes and assignments each averaged,
    then weighted; a kind with nothing graded gives its weight to the other."""
    by_kind: dict[str, list[Decimal]] = {"quiz": [], "assignment": []}
    for bp in done:
        # An H5P, cmi5 or SCORM block's score counts as an assessment, as a quiz's does.
        kind = "quiz" if bp.block.kind in (BlockKind.H5P, BlockKind.CMI5, BlockKind.SCORM) else bp.block.kind
        if bp.grade is not None and kind in by_kind:
            by_kind[kind].append(bp.grade)
    weights = {"quiz": course.quiz_weight, "assignment": course.assignment_weight}
    parts = [(sum(v, Decimal(0)) / len(v), weights[k]) for k, v in by_kind.items() if v]
    total_weight = sum(w for _, w in parts)
    if not parts:
        return None
    if total_weight == 0:
        return (sum((a for a, _ in parts), Decimal(0)) / len(parts)).quantize(Decimal("0.01"))
    return (sum((a * w for a, w in parts), Decimal(0)) / total_weight).quantize(Decimal("0.01"))


def _maybe_complete(actor: Actor, ctx: LearnerContext, *, done: list[BlockProgress] | None = None) -> None:
    """Complete the lesson once every block is done. `done` given: these rows are every block
    of the lesson, done (a one-block lesson's quiz just graded) — nothing is read back and the
    learner's lesson row is completed by one conditional update."""
    lesson = ctx.lesson
    if done is None:
        block_ids = list(lesson.blocks.values_list("pk", flat=True))
        done = list(
            BlockProgress.objects.filter(block_id__in=block_ids, user=actor.user, done=True).select_related(
                "block"
            )
        )
        progress, _created = Progress.objects.get_or_create(
            lesson=lesson, user=actor.user, defaults={"student_id": ctx.student_id}
        )
        if progress.completed_at is not None or len(done) < len(block_ids):
            return
    else:
        progress = Progress(lesson=lesson, user=actor.user, student_id=ctx.student_id)
    progress.completed_at = timezone.now()
    progress.score = lesson_grade(ctx.course, done)
    progress.passed = None if progress.score is None else progress.score >= ctx.course.pass_mark
    if progress.pk is not None:
        progress.save(update_fields=["completed_at", "score", "passed"])
    elif not _complete_row(progress):
        return
    obj = statements.activity("lesson", lesson.pk, lesson.title)
    fraction = float(progress.score) / 100 if progress.score is not None else 1.0
    _write(
        actor,
        ctx,
        "completed",
        obj,
        result=statements.score_result(fraction, progress.passed),
        categories=(statements.MOVEON,),
    )
    if progress.passed is not None:
        _write(
            actor, ctx, "passed" if progress.passed else "failed", obj,
            result=statements.score_result(fraction, progress.passed), categories=(statements.MOVEON,),
        )  # fmt: skip
    if ctx.course.kind == CourseKind.OPEN:
        from .certificates import certificate_issue_if_passed

        certificate_issue_if_passed(actor=actor, course=ctx.course)
    elif ctx.course.kind == CourseKind.TRAINING:
        from .training import training_completed_if_passed

        training_completed_if_passed(actor=actor, course=ctx.course)


def _complete_row(progress: Progress) -> bool:
    """Complete the learner's lesson row; True if this call completed it (not an earlier one)."""
    values = {"completed_at": progress.completed_at, "score": progress.score, "passed": progress.passed}
    if lesson_completed(progress):  # the ORM's conditional update, as SQL compiled once per process
        return True
    _row, created = Progress.objects.get_or_create(
        lesson=progress.lesson, user=progress.user, defaults={"student_id": progress.student_id, **values}
    )
    return created
