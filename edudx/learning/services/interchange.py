"""Questions into a course's bank from QTI 2.1 (a content package or one item) or from the
XLSX template. The whole file is read and checked first; an XLSX with any faulty row imports
nothing (every fault is returned with its row and column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from edudx.core import history
from edudx.core.actor import Actor

from .. import grading, qti, xlsx_questions
from ..models import Course, Question
from .courses import require_author


@dataclass
class QuestionsImported:
    created: list[Question] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # QTI: items that do not map
    errors: list[xlsx_questions.CellError] = field(default_factory=list)  # XLSX: nothing imported


def _create(
    actor: Actor,
    course: Course,
    rows: list[tuple[str, str, dict[str, Any], float, str]],
    shared: bool,
    how: str,
) -> list[Question]:
    made = []
    for kind, text, data, points, topic in rows:
        q = Question(
            course=course,
            unit_path=course.unit_path,
            created_by=actor.user,
            kind=kind,
            text=text,
            data=data,
            points=Decimal(str(points)).quantize(Decimal("0.01")),
            subject=course.subject,
            grade=course.grade,
            topic=topic[:300],
            shared=shared,
        )
        q.save(force_insert=True)
        made.append(q)
    history.record(
        actor=actor,
        obj=course,
        action=f"{how}_import",
        changes={"questions": [None, len(made)]},
        operation=f"learning.questions_{how}_import",
    )
    return made


@transaction.atomic
def questions_import_qti(
    *, actor: Actor, course: Course, data: bytes, shared: bool = False
) -> QuestionsImported:
    require_author(actor, course)
    bank = qti.read(data)
    out = QuestionsImported(skipped=list(bank.skipped))
    rows = []
    for n, item in enumerate(bank.items, 1):
        if grading.check_key(item.kind, item.data):
            out.skipped.append(f"#{n}")
            continue
        rows.append((item.kind, item.text, item.data, item.points, ""))
    out.created = _create(actor, course, rows, shared, "qti")
    return out


@transaction.atomic
def questions_import_xlsx(
    *, actor: Actor, course: Course, data: bytes, shared: bool = False
) -> QuestionsImported:
    require_author(actor, course)
    sheet = xlsx_questions.read(data)
    if sheet.errors:
        return QuestionsImported(errors=sheet.errors)
    return QuestionsImported(created=_create(actor, course, sheet.items, shared, "xlsx"))
