"""Import an IMS Common Cartridge 1.3 into a new course: the package is read and checked in
full (`cartridge.reader`) before anything is written, then the course, its sections, lessons,
blocks and quizzes are created in one transaction — a refusal at any point leaves nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from edudx.core import history
from edudx.core.actor import Actor

from .. import grading
from ..cartridge import reader
from ..models import BlockKind, Course, CourseKind, Question
from ..schemas import BlockIn, CourseIn, LessonIn, QuizIn, SectionIn
from .courses import block_add, course_create, lesson_create, section_create
from .quizzes import quiz_create


@dataclass
class Imported:
    course: Course
    lessons: int
    blocks: int
    questions: int
    skipped: int  # resources and questions with no counterpart here (files, other item types)


@transaction.atomic
def course_import(
    *,
    actor: Actor,
    data: bytes,
    kind: str = CourseKind.CLASS,
    class_id: int | None = None,
    school_id: int | None = None,
    title: str = "",
) -> Imported:
    parsed = reader.read(data)  # every check before the first write
    course = course_create(
        actor=actor,
        data=CourseIn(
            title=(title.strip() or parsed.title)[:200],
            kind=CourseKind(kind),
            description=parsed.description,
            class_id=class_id,
            school_id=school_id,
        ),
    )
    lessons = blocks = questions = 0
    skipped = parsed.skipped
    for ps in parsed.sections:
        section = section_create(actor=actor, course=course, data=SectionIn(title=ps.title))
        for pl in ps.lessons:
            lesson = lesson_create(
                actor=actor, course=course, data=LessonIn(title=pl.title, section_id=section.pk)
            )
            lessons += 1
            for pb in pl.blocks:
                if pb.kind == "quiz" and pb.quiz is not None:
                    made = []
                    for pq in pb.quiz.questions:
                        if grading.check_key(pq.kind, pq.data):
                            skipped += 1
                            continue
                        q = Question(
                            course=course,
                            unit_path=course.unit_path,
                            created_by=actor.user,
                            kind=pq.kind,
                            text=pq.text,
                            data=pq.data,
                            points=Decimal(str(pq.points)).quantize(Decimal("0.01")),
                            subject=course.subject,
                            grade=course.grade,
                        )
                        q.save(force_insert=True)
                        made.append(q.pk)
                    questions += len(made)
                    quiz = quiz_create(
                        actor=actor, course=course, data=QuizIn(title=pb.title or "Quiz"), question_ids=made
                    )
                    block_add(
                        actor=actor,
                        lesson=lesson,
                        data=BlockIn(kind=BlockKind.QUIZ, quiz_id=quiz.pk, title=pb.title),
                    )
                elif pb.kind == "video":
                    block_add(
                        actor=actor,
                        lesson=lesson,
                        data=BlockIn(kind=BlockKind.VIDEO, video_url=pb.url, title=pb.title),
                    )
                else:
                    block_add(
                        actor=actor,
                        lesson=lesson,
                        data=BlockIn(kind=BlockKind.TEXT, html=pb.html, title=pb.title),
                    )
                blocks += 1
    history.record(
        actor=actor,
        obj=course,
        action="cartridge_import",
        changes={"lessons": [None, lessons], "blocks": [None, blocks], "questions": [None, questions]},
        operation="learning.course_import",
    )
    return Imported(course, lessons, blocks, questions, skipped)
