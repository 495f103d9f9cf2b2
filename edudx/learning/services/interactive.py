"""Interactive blocks: an H5P package played in the lesson, cmi5 units launched with the
platform's LRS as their LRS (the launch, fetch and moveOn are in services/cmi5.py).

H5P: the teacher's upload is checked whole (learning.interactive.h5p) before one file is
written under media `learning/packages/<uid>/`. The player's xAPI statements reach
`h5p_statement`, which keeps only what the learner's action says (verb, the block's own
object, result) and writes it as the signed-in learner — the client's actor and context are
never used — through the LRS's write path. A `completed` or `passed` of the content itself
completes the block, its scaled score as the block's grade.

cmi5: each AU of an imported course structure becomes a block. A launch reuses the learner's
registration for the block, opens a session, writes LMS.LaunchData into the LRS and records
`launched`; the AU fetches its LRS token once (`cmi5_fetch`); statements it sends with it reach
`cmi5_statements` (lrs.services.launch_statements_stored), which applies the AU's moveOn:
satisfied recorded, the block completed."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import NotFound, ValidationFailed

from .. import statements
from ..interactive import archive, cmi5, h5p
from ..models import Block, BlockKind, InteractivePackage, Lesson
from ..models.interactive import PackageKind
from .courses import _next, require_author
from .progress import block_done, learner_context

log = logging.getLogger(__name__)

ADL = "http://adlnet.gov/expapi/verbs/"
COMPLETED, PASSED = ADL + "completed", ADL + "passed"
RESULT_KEYS = ("score", "success", "completion", "duration", "response")


def folder(package: InteractivePackage) -> str:
    return f"learning/packages/{package.uid}"


def h5p_iri(block: Block) -> str:
    """The xAPI object of an H5P block (h5p-standalone's `xAPIObjectIRI`); sub-contents add
    `?subContentId=…`."""
    return statements.iri("blocks", f"{block.pk}/h5p")


def _store(
    *,
    actor: Actor,
    lesson: Lesson,
    package: InteractivePackage,
    zf: Any,
    files: dict[str, Any],
    blocks: list[Block],
) -> list[Block]:
    """Write the checked files, then the package and its blocks; the files go if the rows fail."""
    where = folder(package)
    package.size_bytes = archive.write(zf, files, where) if zf is not None else 0
    package.files = len(files)
    try:
        with transaction.atomic():
            package.save()
            position = _next(lesson.blocks)
            for n, block in enumerate(blocks):
                block.package = package
                block.lesson = lesson
                block.position = position + n
                block.save()
            history.record(
                actor=actor,
                obj=lesson,
                action="block_add",
                changes={"block": [None, f"{package.kind}:{len(blocks)}"]},
                operation=f"learning.{package.kind}_add",
            )
    except Exception:
        archive.remove_folder(where)
        raise
    return blocks


def h5p_add(*, actor: Actor, lesson: Lesson, upload: File[Any], title: str = "") -> Block:
    """An H5P block from an uploaded .h5p package (checked whole before anything is written)."""
    require_author(actor, lesson.course)
    zf = archive.open_zip(upload)
    with zf:
        pkg = h5p.read(zf)
        package = InteractivePackage(
            course=lesson.course,
            kind=PackageKind.H5P,
            title=pkg.title,
            main=pkg.main,
            meta=pkg.meta,
            created_by=actor.user,
        )
        block = Block(kind=BlockKind.H5P, title=(title.strip() or pkg.title)[:200])
        return _store(actor=actor, lesson=lesson, package=package, zf=zf, files=pkg.files, blocks=[block])[0]


def cmi5_import(*, actor: Actor, lesson: Lesson, upload: File[Any]) -> list[Block]:
    """One cmi5 block per AU of a course structure (cmi5.xml, or a zip with it and the AUs)."""
    require_author(actor, lesson.course)
    structure, zf, files = cmi5.read(upload, getattr(upload, "name", ""))
    package = InteractivePackage(
        course=lesson.course,
        kind=PackageKind.CMI5,
        title=structure.title,
        main=structure.course_id,
        meta={"course": structure.course_id, "aus": structure.aus},
        created_by=actor.user,
    )
    blocks = [Block(kind=BlockKind.CMI5, title=au["title"], au_id=au["id"]) for au in structure.aus]
    try:
        return _store(actor=actor, lesson=lesson, package=package, zf=zf, files=files, blocks=blocks)
    finally:
        if zf is not None:
            zf.close()


# --- H5P xAPI ----------------------------------------------------------------------------


def _bad(what: str) -> ValidationFailed:
    return ValidationFailed(
        _("The statement is not valid: %(what)s.") % {"what": what}, code="h5p_bad_statement"
    )


def _lang_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    out = {k[:20]: v[:500] for k, v in list(value.items())[:10] if isinstance(k, str) and isinstance(v, str)}
    return out or None


def _clean_object(block: Block, obj: Any) -> dict[str, Any]:
    base = h5p_iri(block)
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise _bad("object")
    oid = obj["id"]
    if oid != base and not (oid.startswith(base + "?subContentId=") and len(oid) <= len(base) + 80):
        raise ValidationFailed(
            _("The statement is about another activity than this block's content."), code="h5p_foreign_object"
        )
    out: dict[str, Any] = {"objectType": "Activity", "id": oid}
    definition = obj.get("definition")
    if isinstance(definition, dict):
        clean: dict[str, Any] = {}
        for key in ("name", "description"):
            m = _lang_map(definition.get(key))
            if m:
                clean[key] = m
        if isinstance(definition.get("type"), str) and len(definition["type"]) <= 300:
            clean["type"] = definition["type"]
        if isinstance(definition.get("interactionType"), str):
            for key in (
                "interactionType",
                "correctResponsesPattern",
                "choices",
                "source",
                "target",
                "steps",
                "scale",
            ):
                if key in definition:
                    clean[key] = definition[key]
        if clean:
            out["definition"] = clean
    return out


def h5p_statement(*, actor: Actor, block: Block, statement: Any) -> str:
    """Store one statement of the H5P player as the signed-in learner's. Raises NotFound for a
    block the learner may not do, ValidationFailed (coded) for what is not a statement about
    this block's content or what the LRS refuses."""
    ctx = learner_context(actor, block.lesson)
    if block.kind != BlockKind.H5P or block.package_id is None:
        raise NotFound()
    if not isinstance(statement, dict):
        raise _bad("body")
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str) or len(verb["id"]) > 300:
        raise _bad("verb")
    obj = _clean_object(block, statement.get("object"))
    raw_result = statement.get("result")
    result = (
        {k: raw_result[k] for k in RESULT_KEYS if k in raw_result} if isinstance(raw_result, dict) else None
    )
    clean_verb: dict[str, Any] = {"id": verb["id"]}
    display = _lang_map(verb.get("display"))
    if display:
        clean_verb["display"] = display
    stmt = statements.build(
        user_id=actor.user.pk, verb="viewed", obj=obj, course=ctx.course, lesson=ctx.lesson,
        class_id=ctx.class_id, result=result or None,
    )  # fmt: skip
    stmt["verb"] = clean_verb
    stmt["context"]["contextActivities"].setdefault("grouping", []).append(
        {"id": h5p_iri(block), "objectType": "Activity"}
    )
    with transaction.atomic():
        sid = statements.write(actor=actor, course=ctx.course, statement=stmt)
        if verb["id"] in (COMPLETED, PASSED) and obj["id"] == h5p_iri(block):
            block_done(actor=actor, block=block, ctx=ctx, grade=grade_of(result))
    return sid


def grade_of(result: dict[str, Any] | None) -> Decimal | None:
    score = (result or {}).get("score")
    if not isinstance(score, dict):
        return None
    scaled = score.get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool) and 0 <= scaled <= 1:
        return (Decimal(str(scaled)) * 100).quantize(Decimal("0.01"))
    raw, top = score.get("raw"), score.get("max")
    numbers = [v for v in (raw, top) if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) == 2 and numbers[1] > 0 and 0 <= numbers[0] <= numbers[1]:
        return (Decimal(str(raw)) / Decimal(str(top)) * 100).quantize(Decimal("0.01"))
    return None
