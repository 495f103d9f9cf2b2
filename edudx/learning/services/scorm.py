"""SCORM blocks: each launchable item of an imported SCORM 1.2 or 2004 package becomes a block,
played in a frame of our origin with scorm-again as the run-time API. A learner's attempt keeps
the run-time data the SCO commits (status, score, location, suspend data, time) so the next
launch resumes it; each commit is turned into xAPI statements of the xAPI SCORM profile
(initialized, completed, passed/failed, scored, suspended, terminated) written through the
LRS's own write path, and the block is completed by its rule: the SCO reports success (passed)
or, reporting none, completion; a SCORM 1.2 item with a mastery score is passed at that raw
score when the SCO itself says only "completed"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import NotFound, ValidationFailed

from .. import statements
from ..interactive import archive, scorm
from ..models import Block, BlockKind, InteractivePackage, Lesson, ScormAttempt
from ..models.interactive import PackageKind
from .courses import require_author
from .interactive import _store, grade_of
from .progress import LearnerContext, block_done, learner_context

ADL = "http://adlnet.gov/expapi/verbs/"
PROFILE = "https://w3id.org/xapi/scorm"
SCO_TYPE = "http://adlnet.gov/expapi/activities/lesson"
ATTEMPT_TYPE = "http://adlnet.gov/expapi/activities/attempt"

_DEC = r"-?\d{1,9}(\.\d{1,7})?"
TIME_12 = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
TIME_2004 = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$")
# The elements kept, per version: (where the generic name lives, its check).
ELEMENTS: dict[str, dict[str, tuple[str, Any]]] = {
    "1.2": {
        "status": ("cmi.core.lesson_status", {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}),
        "raw": ("cmi.core.score.raw", (0, 100)),
        "min": ("cmi.core.score.min", (0, 100)),
        "max": ("cmi.core.score.max", (0, 100)),
        "session_time": ("cmi.core.session_time", TIME_12),
        "location": ("cmi.core.lesson_location", 255),
        "exit": ("cmi.core.exit", {"", "time-out", "suspend", "logout"}),
        "suspend_data": ("cmi.suspend_data", 4096),
    },
    "2004": {
        "completion": ("cmi.completion_status", {"completed", "incomplete", "not attempted", "unknown"}),
        "success": ("cmi.success_status", {"passed", "failed", "unknown"}),
        "scaled": ("cmi.score.scaled", (-1, 1)),
        "raw": ("cmi.score.raw", (-1e9, 1e9)),
        "min": ("cmi.score.min", (-1e9, 1e9)),
        "max": ("cmi.score.max", (-1e9, 1e9)),
        "progress": ("cmi.progress_measure", (0, 1)),
        "session_time": ("cmi.session_time", TIME_2004),
        "location": ("cmi.location", 1000),
        "exit": ("cmi.exit", {"", "time-out", "suspend", "logout", "normal"}),
        "suspend_data": ("cmi.suspend_data", 64000),
    },
}  # fmt: skip
MAX_KEYS = 5000


def scorm_add(*, actor: Actor, lesson: Lesson, upload: File[Any]) -> list[Block]:
    """One block per launchable item of a SCORM package (checked whole before anything is
    written: learning.interactive.archive and .scorm)."""
    require_author(actor, lesson.course)
    zf = archive.open_zip(upload)
    with zf:
        pkg = scorm.read(zf)
        package = InteractivePackage(
            course=lesson.course,
            kind=PackageKind.SCORM,
            title=pkg.title,
            main=f"SCORM {pkg.version}",
            meta={"version": pkg.version, "items": pkg.items},
            created_by=actor.user,
        )
        blocks = [Block(kind=BlockKind.SCORM, title=i["title"], au_id=i["id"]) for i in pkg.items]
        return _store(actor=actor, lesson=lesson, package=package, zf=zf, files=pkg.files, blocks=blocks)


def item(block: Block) -> dict[str, Any]:
    if block.kind != BlockKind.SCORM or block.package is None:
        raise NotFound()
    for it in block.package.meta.get("items", []):
        if it.get("id") == block.au_id:
            return dict(it)
    raise NotFound()


def sco_iri(block: Block) -> str:
    return statements.iri("blocks", f"{block.pk}/sco")


def attempt_open(*, actor: Actor, block: Block) -> ScormAttempt:
    """The learner's attempt at the block (made at the first launch, then resumed)."""
    learner_context(actor, block.lesson)
    item(block)
    assert block.package is not None  # item() checked it
    attempt, _created = ScormAttempt.objects.get_or_create(
        block=block, user=actor.user, defaults={"version": block.package.meta.get("version", "1.2")}
    )
    return attempt


def launch_data(attempt: ScormAttempt, *, learner_name: str) -> dict[str, str]:
    """The flattened run-time data the SCO starts with (scorm-again's loadFromFlattenedJSON):
    the learner, and what the last session left (entry `resume` after a suspend)."""
    kept = dict(attempt.cmi)
    suspended = kept.pop("exit", "") == "suspend"
    kept.pop("session_time", None)
    names = ELEMENTS[attempt.version]
    data = {names[k][0]: str(v) for k, v in kept.items() if k in names and v not in ("", None)}
    learner = f"u{attempt.user_id}"
    if attempt.version == "1.2":
        data.update({"cmi.core.student_id": learner, "cmi.core.student_name": learner_name[:255]})
        data["cmi.core.entry"] = "resume" if suspended else ("" if attempt.initialized_at else "ab-initio")
    else:
        data.update({"cmi.learner_id": learner, "cmi.learner_name": learner_name[:255]})
        data["cmi.entry"] = "resume" if suspended else ("" if attempt.initialized_at else "ab-initio")
    return data


def _bad(what: str) -> ValidationFailed:
    return ValidationFailed(
        _("The run-time data is not valid: %(what)s.") % {"what": what[:80]}, code="scorm_bad_value"
    )


def _check(name: str, value: Any, rule: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(name)
    text = str(value)
    if isinstance(rule, set):
        if text not in rule:
            raise _bad(name)
    elif isinstance(rule, int):
        if len(text) > rule:
            raise _bad(name)
    elif isinstance(rule, tuple):
        if text == "":
            return text
        if not re.fullmatch(_DEC, text.strip()):
            raise _bad(name)
        try:
            number = Decimal(text.strip())
        except InvalidOperation as exc:
            raise _bad(name) from exc
        if not rule[0] <= number <= rule[1]:
            raise _bad(name)
        return str(number)
    elif text and not rule.match(text):
        raise _bad(name)
    return text


def parse_commit(version: str, data: Any) -> dict[str, str]:
    """The kept elements of a scorm-again commit (flattened: {"cmi.core.lesson_status": …}),
    each checked; other elements (interactions, objectives, read-only ones) are not kept."""
    if not isinstance(data, dict) or len(data) > MAX_KEYS:
        raise ValidationFailed(_("The run-time data is not valid."), code="scorm_bad_commit")
    out: dict[str, str] = {}
    for key, (name, rule) in ELEMENTS[version].items():
        if name in data:
            out[key] = _check(name, data[name], rule)
    return out


def _seconds(version: str, text: str) -> int:
    if not text:
        return 0
    if version == "1.2":
        hh, mm, ss = text.split(":")
        return int(hh) * 3600 + int(mm) * 60 + int(float(ss))
    found = re.fullmatch(TIME_2004, text)
    if found is None:
        return 0
    years, months, days = (int((found.group(i) or "0")[:-1] or 0) for i in (1, 2, 3))
    hours, minutes = (int((found.group(i) or "0")[:-1] or 0) for i in (5, 6))
    secs = float((found.group(7) or "0S")[:-1])
    return int(((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + secs)


def _state(version: str, cmi: dict[str, str], mastery: str | None) -> tuple[str, str]:
    """(completion, success) in SCORM 2004 terms, whatever the version."""
    if version == "2004":
        return cmi.get("completion", "unknown") or "unknown", cmi.get("success", "unknown") or "unknown"
    status = cmi.get("status", "not attempted")
    completion = (
        "completed"
        if status in ("passed", "completed", "failed")
        else ("incomplete" if status in ("incomplete", "browsed") else "not attempted")
    )
    success = status if status in ("passed", "failed") else "unknown"
    if success == "unknown" and mastery is not None and cmi.get("raw"):
        success = "passed" if Decimal(cmi["raw"]) >= Decimal(mastery) else "failed"
    return completion, success


def _score(version: str, cmi: dict[str, str]) -> dict[str, Any] | None:
    score: dict[str, Any] = {}
    for key in ("scaled", "raw", "min", "max"):
        if cmi.get(key):
            score[key] = float(cmi[key])
    if version == "1.2" and "raw" in score:
        score.setdefault("min", 0.0)
        score.setdefault("max", 100.0)
        score["scaled"] = round(
            max(0.0, min(1.0, (score["raw"] - score["min"]) / max(score["max"] - score["min"], 1e-9))), 4
        )
    if "raw" in score and not score.get("min", 0) <= score["raw"] <= score.get("max", score["raw"]):
        score = {k: v for k, v in score.items() if k == "scaled"}
    return score or None


def _statement(
    attempt: ScormAttempt, ctx: LearnerContext, verb: str, result: dict[str, Any] | None = None
) -> dict[str, Any]:
    block = attempt.block
    obj = {
        "objectType": "Activity",
        "id": sco_iri(block),
        "definition": {"type": SCO_TYPE, "name": {"vi-VN": (block.title or "SCORM")[:200]}},
    }
    stmt = statements.build(
        user_id=attempt.user_id, verb="viewed", obj=obj, course=ctx.course, lesson=ctx.lesson,
        class_id=ctx.class_id, result=result,
    )  # fmt: skip
    stmt["verb"] = {"id": ADL + verb, "display": {"en-US": verb}}
    stmt["context"]["registration"] = str(attempt.key)
    activities = stmt["context"]["contextActivities"]
    activities["category"] = [{"id": PROFILE, "objectType": "Activity"}]
    activities.setdefault("grouping", []).append(
        {"id": f"{sco_iri(block)}/attempts/{attempt.key}", "objectType": "Activity",
         "definition": {"type": ATTEMPT_TYPE}}
    )  # fmt: skip
    return stmt


def attempt_owned(*, actor: Actor, key: str) -> ScormAttempt:
    """The signed-in learner's own attempt by its key; anyone else's (or none): NotFound."""
    attempt = (
        ScormAttempt.objects.select_related("block__lesson__course", "block__package")
        .filter(key=key, user=actor.user)
        .first()
    )
    if attempt is None:
        raise NotFound()
    return attempt


def commit(
    *, actor: Actor, key: str, data: Any, initialize: bool = False, terminate: bool = False
) -> ScormAttempt:
    """Store one commit of the SCO's run-time data for the signed-in learner's own attempt
    (another's, or a block they may no longer do: NotFound), and record what changed as xAPI
    statements in one LRS write."""
    attempt = attempt_owned(actor=actor, key=key)
    ctx = learner_context(actor, attempt.block.lesson)
    it = item(attempt.block)
    cmi = parse_commit(attempt.version, data) if data else {}
    with transaction.atomic(), statements.batch(actor=actor):
        attempt = ScormAttempt.objects.select_for_update().select_related("block").get(pk=attempt.pk)
        before_completion, before_success, before_score = attempt.completion, attempt.success, attempt.score
        kept = dict(attempt.cmi)
        if initialize:  # a new session: the last one's exit is spent (it told `entry`)
            kept.pop("exit", None)
        merged = {**kept, **cmi}
        completion, success = _state(attempt.version, merged, it.get("mastery"))
        score = _score(attempt.version, merged)
        grade = grade_of({"score": score}) if score else None
        now = timezone.now()
        if initialize and attempt.initialized_at is None:
            attempt.initialized_at = now
            statements.write(
                actor=actor, course=ctx.course, statement=_statement(attempt, ctx, "initialized")
            )
        elif initialize and attempt.cmi.get("exit") == "suspend":
            statements.write(actor=actor, course=ctx.course, statement=_statement(attempt, ctx, "resumed"))
        if score and grade != before_score:
            statements.write(
                actor=actor, course=ctx.course, statement=_statement(attempt, ctx, "scored", {"score": score})
            )
        result = {"score": score} if score else {}
        if completion == "completed" and before_completion != "completed":
            statements.write(
                actor=actor, course=ctx.course,
                statement=_statement(attempt, ctx, "completed", {**result, "completion": True}),
            )  # fmt: skip
        if success in ("passed", "failed") and success != before_success:
            statements.write(
                actor=actor, course=ctx.course,
                statement=_statement(attempt, ctx, success, {**result, "success": success == "passed"}),
            )  # fmt: skip
        if terminate:
            seconds = _seconds(attempt.version, merged.get("session_time", ""))
            attempt.total_seconds = min(attempt.total_seconds + seconds, 10**9)
            attempt.terminated_at = now
            verb = "suspended" if merged.get("exit") == "suspend" else "terminated"
            statements.write(
                actor=actor, course=ctx.course,
                statement=_statement(attempt, ctx, verb, {"duration": f"PT{seconds}S"}),
            )  # fmt: skip
            merged.pop("session_time", None)
        attempt.cmi, attempt.completion, attempt.success, attempt.score = merged, completion, success, grade
        attempt.save()
        done = success == "passed" or (success == "unknown" and completion == "completed")
        if done:
            block_done(actor=actor, block=attempt.block, ctx=ctx, grade=grade)
    return attempt
