"""Reads of an exam hour's submission: the attempt with everything its check needs in one
query, and the questions from a per-process memory (the same 20 answer keys are read thousands
of times a minute).

A question is never changed once made (the bank only adds questions; a quiz item protects its
question from deletion), so a question's id is its version: a key read once stays right for the
life of the process. Should an edit of questions ever come, it must make a new question (a new
id) rather than change one in place — or this memory must learn a version column. A question
saved or deleted in this process is forgotten at once (a database rebuilt under the same ids, as
tests do, never grades against an old key). Bounded: past `LIMIT` questions the oldest half is
forgotten."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from ..models import Assignment, Attempt, Block, Question

LIMIT = 20_000
_MEMORY: dict[int, Question] = {}
_LOCK = threading.Lock()


def questions(ids: Iterable[int]) -> dict[int, Question]:
    """{id: question} for the ids that exist; only the ids not yet in memory are read (one
    query, none at all once warm)."""
    wanted = [i for i in ids if isinstance(i, int)]
    missing = [i for i in wanted if i not in _MEMORY]
    if missing:
        read = {q.pk: q for q in Question.objects.filter(pk__in=missing)}
        with _LOCK:
            if len(_MEMORY) + len(read) > LIMIT:
                for key in list(_MEMORY)[: len(_MEMORY) // 2]:
                    _MEMORY.pop(key, None)
            _MEMORY.update(read)
    return {i: _MEMORY[i] for i in wanted if i in _MEMORY}


def forget() -> None:
    """Empty the memory (tests that rebuild a database under the same ids)."""
    with _LOCK:
        _MEMORY.clear()


@receiver(post_save, sender=Question, dispatch_uid="learning.quiz_keys.saved")
@receiver(post_delete, sender=Question, dispatch_uid="learning.quiz_keys.deleted")
def _changed(sender: type[Question], instance: Question, **kwargs: object) -> None:
    _MEMORY.pop(instance.pk, None)


def submission_attempt(*, scope: Scope, user_id: int, attempt_id: int) -> Attempt:
    """The learner's attempt, its quiz, lesson and course, and what the learner check needs —
    in one indexed read: `learner_student` and `learner_class` (the pupil's active enrolment now,
    through registry as the scope sees it; a transfer moves the lessons at once),
    `learner_assigned` (the lesson is assigned to that class) and `lesson_blocks` (how many
    blocks the lesson has: a one-block lesson completes without reading its blocks back).
    Someone else's attempt, or none, is NotFound."""
    pupils, _order = registry.student_list(scope=scope)
    mine = pupils.filter(user_id=user_id, enrolments__state="active").order_by(
        "-enrolments__start_date", "-enrolments__id"
    )
    blocks = (
        Block.objects.filter(lesson_id=OuterRef("block__lesson_id"))
        .order_by()
        .values("lesson_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    try:
        return (
            Attempt.objects.select_related("quiz", "block__lesson__course")
            .annotate(
                learner_student=Subquery(mine.values("pk")[:1]),
                learner_class=Subquery(mine.values("enrolments__school_class_id")[:1]),
                lesson_blocks=Subquery(blocks),
                learner_assigned=Exists(
                    Assignment.objects.filter(
                        lesson_id=OuterRef("block__lesson_id"), school_class_id=OuterRef("learner_class")
                    )
                ),
            )
            .get(pk=attempt_id, user_id=user_id)
        )
    except (Attempt.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
