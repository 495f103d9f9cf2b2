"""xAPI statements of learner actions, written in-process through `lrs.services.statement_record`
(the LRS's own write path: validated, stored in the course's unit subtree, no HTTP).

The actor is the platform account (`u<user id>` at the LRS home page — no name, no e-mail);
the context names the course (parent), the lesson (grouping) and the class (grouping, and an
extension with its id). Completion, pass and fail carry the cmi5 "moveOn" category; video
actions follow the xAPI video profile (verbs, activity type, the `time` extension).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from edudx.core.actor import Actor
from edudx.lrs import services as lrs

if TYPE_CHECKING:
    from edudx.lrs.services import Prepared

    from .models import Block, Course, Lesson

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/"
VERBS = {
    "viewed": "http://id.tincanapi.com/verb/viewed",
    "started": "http://activitystrea.ms/start",
    "answered": ADL + "answered",
    "submitted": "http://activitystrea.ms/submit",
    "completed": ADL + "completed",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "scored": ADL + "scored",
    "initialized": ADL + "initialized",
    "registered": ADL + "registered",
    "earned": "http://id.tincanapi.com/verb/earned",
    "played": VIDEO + "verbs/played",
    "paused": VIDEO + "verbs/paused",
    "seeked": VIDEO + "verbs/seeked",
}
TYPES = {
    "course": ADL.replace("verbs/", "activities/") + "course",
    "lesson": ADL.replace("verbs/", "activities/") + "lesson",
    "quiz": ADL.replace("verbs/", "activities/") + "assessment",
    "question": ADL.replace("verbs/", "activities/") + "cmi.interaction",
    "video": VIDEO + "activity-type/video",
    "resource": ADL.replace("verbs/", "activities/") + "file",
    "text": ADL.replace("verbs/", "activities/") + "module",
    "assignment": ADL.replace("verbs/", "activities/") + "assessment",
}
SEGMENT = {"course": "courses", "lesson": "lessons", "quiz": "quizzes", "question": "questions"}
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
VIDEO_CATEGORY = "https://w3id.org/xapi/video"
CLASS_EXT = "https://edudx.hcm.edu.vn/xapi/extensions/class"
TIME_EXT = VIDEO + "extensions/time"
CERT_EXT = "https://edudx.hcm.edu.vn/xapi/extensions/certificate"


def home() -> str:
    return str(settings.LRS_AUTHORITY_HOMEPAGE).rstrip("/")


def iri(kind: str, pk: int | str) -> str:
    return f"{home()}/learning/{kind}/{pk}"


def agent(user_id: int) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home(), "name": f"u{user_id}"}}


def activity(kind: str, pk: int | str, name: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": iri(SEGMENT.get(kind, "blocks"), pk),
        "definition": {"type": TYPES[kind], "name": {"vi-VN": name[:200] or kind}},
    }


def build(
    *,
    user_id: int,
    verb: str,
    obj: dict[str, Any],
    course: Course,
    lesson: Lesson | None = None,
    class_id: int | None = None,
    result: dict[str, Any] | None = None,
    categories: tuple[str, ...] = (),
    registration: str | None = None,
) -> dict[str, Any]:
    """A statement of the learner `user_id`. `registration`: the attempt the statement belongs
    to (`attempt_registration`), so the statements of one attempt are found together; a new
    one when not given."""
    parent = [{"id": iri("courses", course.pk), "objectType": "Activity"}]
    grouping = []
    if lesson is not None and obj["id"] != iri("lessons", lesson.pk):
        grouping.append({"id": iri("lessons", lesson.pk), "objectType": "Activity"})
    extensions: dict[str, Any] = {}
    if class_id:
        grouping.append({"id": iri("classes", class_id), "objectType": "Activity"})
        extensions[CLASS_EXT] = class_id
    context: dict[str, Any] = {
        "registration": registration or str(uuid.uuid4()),
        "contextActivities": {"parent": parent},
    }
    if grouping:
        context["contextActivities"]["grouping"] = grouping
    if categories:
        context["contextActivities"]["category"] = [{"id": c, "objectType": "Activity"} for c in categories]
    if extensions:
        context["extensions"] = extensions
    stmt: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent(user_id),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "context": context,
        "timestamp": timezone.now().isoformat(),
    }
    if result:
        stmt["result"] = result
    return stmt


REGISTRATIONS = uuid.UUID("7d1f6c52-2f0e-4d1a-9a51-3c4b8e0d2a15")  # namespace of attempt registrations


def attempt_registration(attempt_id: int) -> str:
    """The xAPI registration of a quiz attempt: the same for each of its statements (answered,
    scored, passed or failed), stable (a name-based UUID of the attempt id), so a query by
    registration returns the attempt's statements — and the LRS indexes one registration key
    per attempt instead of a random one per statement."""
    return str(uuid.uuid5(REGISTRATIONS, f"{home()}/learning/attempts/{attempt_id}"))


# Statements of one learner action held back to be stored together (see `batch`): a statement
# as built, or a batch the LRS already validated and prepared (`prepare`).
_PENDING: ContextVar[list[tuple[str, dict[str, Any] | Prepared]] | None] = ContextVar(
    "learning_statements", default=None
)


def write(*, actor: Actor, course: Course, statement: dict[str, Any]) -> str:
    """Store one statement in the course's unit subtree — at once, or with the others of the
    open `batch`."""
    pending = _PENDING.get()
    if pending is not None:
        pending.append((course.unit_path, statement))
        return str(statement["id"])
    return lrs.statement_record(actor=actor, statement=statement, unit=SimpleNamespace(path=course.unit_path))


def prepare(*, course: Course, statements: list[dict[str, Any]]) -> Prepared:
    """Validate and prepare statements for the course's unit subtree now, outside any writer
    lock (`lrs.services.statements_prepare`); `write_prepared` hands them to the open batch.
    Refused with ValidationFailed as the batch would refuse them."""
    return lrs.statements_prepare(statements=statements, unit=SimpleNamespace(path=course.unit_path))


def write_prepared(*, course: Course, prepared: Prepared) -> None:
    """Store statements prepared by `prepare` with the others of the open batch (there must be
    one: prepared statements are stored only through a batch)."""
    pending = _PENDING.get()
    if pending is None:
        raise RuntimeError("prepared statements are written inside statements.batch()")
    pending.append((course.unit_path, prepared))


@contextmanager
def batch(*, actor: Actor) -> Iterator[None]:
    """Statements written inside are stored when the block ends without an error, through the
    LRS's batch path (`lrs.services.statements_prepare`, then one `statements_store` per unit:
    one store, in the caller's transaction) — a quiz submission's two dozen statements cost one
    write, not 24, and a writer's batch of many submissions one for all. An error inside stores
    none of them. Nested batches join the outer one."""
    if _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[str, dict[str, Any] | Prepared]] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    # Per unit, in the order written: runs of statements as built are prepared here.
    by_unit: dict[str, list[Prepared | list[dict[str, Any]]]] = {}
    for unit_path, item in pending:
        runs = by_unit.setdefault(unit_path, [])
        if isinstance(item, dict):
            if runs and isinstance(runs[-1], list):
                runs[-1].append(item)
            else:
                runs.append([item])
        else:
            runs.append(item)
    for unit_path, runs in by_unit.items():
        unit = SimpleNamespace(path=unit_path)
        ready = [
            r if not isinstance(r, list) else lrs.statements_prepare(statements=r, unit=unit) for r in runs
        ]
        lrs.statements_store(actor=actor, batches=ready)


def mark() -> int:
    """Where the open batch stands (0 outside one): `drop_since` forgets what came after."""
    pending = _PENDING.get()
    return len(pending) if pending is not None else 0


def drop_since(position: int) -> None:
    """Forget the open batch's statements after `position` (a savepoint of it rolled back)."""
    pending = _PENDING.get()
    if pending is not None:
        del pending[position:]


def block_activity(block: Block) -> dict[str, Any]:
    kind = block.kind if block.kind in TYPES else "text"
    return activity(
        kind, f"blocks/{block.pk}" if kind != "quiz" else block.quiz_id or block.pk, block.title or kind
    )


def score_result(fraction: float, passed: bool | None, *, duration_s: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "score": {
            "scaled": round(max(0.0, min(1.0, fraction)), 4),
            "raw": round(fraction * 100, 2),
            "min": 0,
            "max": 100,
        },
        "completion": True,
    }
    if passed is not None:
        result["success"] = passed
    if duration_s is not None:
        result["duration"] = f"PT{max(0, duration_s)}S"
    return result
