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

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.query import get_related_populators
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


def _submission_query(scope: Scope, user_id: int, attempt_id: int) -> QuerySet[Attempt]:
    """The ORM form of the read (what `submission_attempt` runs, compiled once per scope shape)."""
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
        .filter(pk=attempt_id, user_id=user_id)[:2]
    )


# Stand-ins for the three values that change from one submission to the next: the query is
# compiled once with them, and each run swaps them for the real ones in the parameters.
_SCOPE_USER, _USER, _ATTEMPT = -7_300_000_001, -7_300_000_002, -7_300_000_003


class _Prepared:
    """One compiled form of the read: its SQL, its parameters with the stand-ins, and what
    turns a row into the attempt with its quiz, block, lesson, course and annotations (Django's
    own converters and related populators, as a queryset's iteration uses them)."""

    def __init__(self, scope: Scope, alias: str) -> None:
        # A new Scope, not dataclasses.replace: a request's scope is a lazy object.
        stand_in = Scope(
            user_id=None if scope.user_id is None else _SCOPE_USER,
            grants=scope.grants,
            is_system=scope.is_system,
            student_id=scope.student_id,
            staff_id=scope.staff_id,
        )
        qs = _submission_query(stand_in, _USER, _ATTEMPT)
        self.compiler = qs.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        slots: dict[int, list[int]] = {_SCOPE_USER: [], _USER: [], _ATTEMPT: []}
        for n, value in enumerate(self.params):
            if type(value) is int and value in slots:
                slots[value].append(n)
        if not slots[_USER] or not slots[_ATTEMPT]:
            raise LookupError("the read lost its parameters")  # never seen; the ORM path is the fallback
        self.slots = slots
        select, klass_info = self.compiler.select, self.compiler.klass_info
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]  # Django 5.2: 3 arguments
        self.annotations = dict(self.compiler.annotation_col_map or {})
        self.alias = alias

    def run(self, scope_user: int | None, user_id: int, attempt_id: int) -> list[Attempt]:
        params = list(self.params)
        for value, at in ((scope_user, self.slots[_SCOPE_USER]), (user_id, self.slots[_USER])):
            for n in at:
                params[n] = value
        for n in self.slots[_ATTEMPT]:
            params[n] = attempt_id
        with connections[self.alias].cursor() as cur:
            cur.execute(self.sql, params)
            rows = cur.fetchall()
        out = []
        for row in self.compiler.results_iter([rows]):
            obj = Attempt.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, at in self.annotations.items():
                setattr(obj, name, row[at])
            out.append(obj)
        return out


_PREPARED: dict[tuple[object, ...], _Prepared] = {}
PREPARED_LIMIT = 4_096  # scope shapes (a school's pupils share one)


def _prepared(scope: Scope) -> _Prepared:
    # Everything of the scope but its user (a stand-in in the SQL), and the database: pupils of
    # one school share one compiled read.
    alias = router.db_for_read(Attempt)
    key = (alias, scope.grants, scope.is_system, scope.student_id, scope.staff_id, scope.user_id is None)
    hit = _PREPARED.get(key)
    if hit is None:
        hit = _Prepared(scope, alias)
        with _LOCK:
            if len(_PREPARED) >= PREPARED_LIMIT:
                _PREPARED.clear()
            _PREPARED[key] = hit
    return hit


def submission_attempt(*, scope: Scope, user_id: int, attempt_id: int, prepared: bool = True) -> Attempt:
    """The learner's attempt, its quiz, lesson and course, and what the learner check needs —
    in one indexed read: `learner_student` and `learner_class` (the pupil's active enrolment now,
    through registry as the scope sees it; a transfer moves the lessons at once),
    `learner_assigned` (the lesson is assigned to that class) and `lesson_blocks` (how many
    blocks the lesson has: a one-block lesson completes without reading its blocks back).
    Someone else's attempt, or none, is NotFound.

    An exam hour runs it thousands of times a minute, and Django building and compiling the
    query cost ~100 times what SQLite takes to run it: the SQL is compiled once per process and
    scope shape (the scope without its user: the pupils of one school share it) and run with
    the parameters alone (`_Prepared`); the registry's scope rule is still the one that wrote
    it. `prepared=False` runs the ORM form (tests compare the two)."""
    if type(user_id) is not int or type(attempt_id) is not int or not 0 < attempt_id < 2**63:
        raise NotFound()  # what a URL or a body could carry that no row has
    if prepared:
        found = _prepared(scope).run(scope.user_id, user_id, attempt_id)
    else:
        found = list(_submission_query(scope, user_id, attempt_id))
    if len(found) != 1:
        raise NotFound()
    return found[0]
