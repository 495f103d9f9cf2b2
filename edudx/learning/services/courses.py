"""Writes to courses and their structure: create, publish/archive/reopen, sections, lessons,
blocks, copy, the class roster's enrolments, and lessons assigned to classes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nh3
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from edudx.core.scope import Scope
from edudx.core.services import create_with_history, full_clean_or_raise
from edudx.library import selectors as library
from edudx.registry import selectors as registry

from .. import permissions as perms
from ..models import (
    Block,
    BlockKind,
    Course,
    CourseKind,
    Lesson,
    Question,
    Quiz,
    QuizItem,
    Section,
)
from ..schemas import BlockIn, CourseIn, LessonIn, SectionIn

if TYPE_CHECKING:
    pass

COURSE_FIELDS = (
    "title",
    "kind",
    "subject",
    "grade",
    "description",
    "school",
    "school_class",
    "quiz_weight",
    "assignment_weight",
    "pass_mark",
    "enrol_opens_at",
    "enrol_closes_at",
    "capacity",
)
# Rich text keeps what a lesson needs (headings, lists, tables, links, images) and nothing that runs.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "u", "s", "sub", "sup", "h2", "h3", "h4", "ul", "ol", "li",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}
MAX_VIDEO = 2 * 1024**3


def sanitise(html: str) -> str:
    """Rich text as stored: nh3 (ammonia) keeps the allowed tags, drops scripts, event handlers
    and javascript: URLs, and adds rel="noopener noreferrer" to links."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"}
    )


def require_author(actor: Actor, course: Course) -> None:
    actor.scope.require(perms.AUTHOR, course.unit_path)


def _first_path(scope: Scope) -> str:
    paths = scope.paths_for(perms.AUTHOR)
    if paths is None:
        raise ValidationFailed(details=[FieldError("school_id", "required", str(_("Choose a school.")))])
    if not paths:
        raise PermissionDenied()
    return paths[0]


@transaction.atomic
def course_create(*, actor: Actor, data: CourseIn) -> Course:
    """A class course belongs to its class's school and enrols the class's roster; an open or
    training course belongs to the school given, or to the author's own unit."""
    values = data.model_dump(exclude={"school_id", "class_id"})
    school_class = school = None
    if data.kind == CourseKind.CLASS:
        if not data.class_id:
            raise ValidationFailed(details=[FieldError("class_id", "required", str(_("Choose the class.")))])
        school_class = registry.class_get(scope=actor.scope, pk=data.class_id)
        school = school_class.school
        values.setdefault("grade", school_class.grade)
        values["grade"] = values["grade"] if values["grade"] is not None else school_class.grade
    elif data.school_id:
        school = registry.school_get(scope=actor.scope, pk=data.school_id)
    path = school.unit.path if school is not None else _first_path(actor.scope)
    actor.scope.require(perms.AUTHOR, path)
    if data.quiz_weight + data.assignment_weight != 100:
        raise ValidationFailed(
            details=[FieldError("quiz_weight", "weights", str(_("The weights must add up to 100.")))]
        )
    if data.enrol_opens_at and data.enrol_closes_at and data.enrol_closes_at <= data.enrol_opens_at:
        raise ValidationFailed(
            details=[FieldError("enrol_closes_at", "window", str(_("Enrolment must close after it opens.")))]
        )
    course = Course(**values, school=school, school_class=school_class, unit_path=path, created_by=actor.user)
    create_with_history(actor=actor, obj=course, fields=COURSE_FIELDS, operation="learning.course_create")
    if school_class is not None:
        from .classes import roster_sync

        roster_sync(actor=actor, course=course)
    return course


def _transition(*, actor: Actor, obj: Course | Lesson, move: str) -> Any:
    require_author(actor, obj if isinstance(obj, Course) else obj.course)
    return state_move(actor=actor, obj=obj, move=move)


def state_move(*, actor: Actor, obj: Any, move: str, operation: str = "") -> Any:
    """One state move of a learning object (decision 0010), its history recorded; the caller
    has checked the actor may make it."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    step = getattr(obj, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while it is “%(state)s”.") % {"state": obj.get_state_display()},
            code="bad_state",
        )
    before = obj.state
    step()
    obj.save(update_fields=["state"])
    history.record(
        actor=actor,
        obj=obj,
        action=move,
        changes={"state": [before, obj.state]},
        operation=operation or f"learning.{type(obj).__name__.lower()}_{move}",
    )
    return obj


@transaction.atomic
def course_publish(*, actor: Actor, course: Course) -> Course:
    result: Course = _transition(actor=actor, obj=course, move="publish")
    return result


@transaction.atomic
def course_archive(*, actor: Actor, course: Course) -> Course:
    result: Course = _transition(actor=actor, obj=course, move="archive")
    return result


@transaction.atomic
def course_reopen(*, actor: Actor, course: Course) -> Course:
    result: Course = _transition(actor=actor, obj=course, move="reopen")
    return result


@transaction.atomic
def lesson_publish(*, actor: Actor, lesson: Lesson) -> Lesson:
    if not lesson.blocks.exists():
        raise ValidationFailed(_("Add at least one block before publishing."), code="empty_lesson")
    result: Lesson = _transition(actor=actor, obj=lesson, move="publish")
    return result


@transaction.atomic
def lesson_unpublish(*, actor: Actor, lesson: Lesson) -> Lesson:
    result: Lesson = _transition(actor=actor, obj=lesson, move="unpublish")
    return result


def _next(qs: Any) -> int:
    return int(qs.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def section_create(*, actor: Actor, course: Course, data: SectionIn) -> Section:
    require_author(actor, course)
    section = Section(course=course, title=data.title, position=_next(course.sections))
    return create_with_history(
        actor=actor, obj=section, fields=("title",), operation="learning.section_create"
    )


@transaction.atomic
def lesson_create(*, actor: Actor, course: Course, data: LessonIn) -> Lesson:
    require_author(actor, course)
    if data.section_id:
        section = course.sections.filter(pk=data.section_id).first()
        if section is None:
            raise NotFound()
    else:
        section = course.sections.order_by("-position").first() or section_create(
            actor=actor, course=course, data=SectionIn(title=str(_("Section 1")))
        )
    lesson = Lesson(section=section, course=course, title=data.title, position=_next(course.lessons))
    return create_with_history(
        actor=actor, obj=lesson, fields=("title", "section"), operation="learning.lesson_create"
    )


def _check_video(upload: File[Any]) -> None:
    head = upload.read(16)
    upload.seek(0)
    if upload.size is None or upload.size > MAX_VIDEO:
        raise ValidationFailed(
            details=[FieldError("video_file", "too_large", str(_("The video is too large.")))]
        )
    if not (head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"):
        raise ValidationFailed(
            details=[FieldError("video_file", "not_video", str(_("Upload an MP4 or WebM video.")))]
        )


@transaction.atomic
def block_add(*, actor: Actor, lesson: Lesson, data: BlockIn, video: File[Any] | None = None) -> Block:
    """Add a block at the end of the lesson. A library resource is pinned to its current version
    (a later version never changes a lesson already taught); text is sanitised."""
    require_author(actor, lesson.course)
    if data.kind in (BlockKind.H5P, BlockKind.CMI5, BlockKind.SCORM):  # made from an uploaded package only
        raise ValidationFailed(
            details=[FieldError("kind", "package_required", str(_("Upload the package to add this block.")))]
        )
    block = Block(lesson=lesson, kind=data.kind, title=data.title, position=_next(lesson.blocks))
    if data.kind == BlockKind.RESOURCE:
        if not data.resource_id:
            raise ValidationFailed(
                details=[FieldError("resource_id", "required", str(_("Choose a resource.")))]
            )
        resource = library.resource_get(scope=actor.scope, pk=data.resource_id)
        if resource.state != "published" or (resource.current_version_id is None and not resource.url):
            raise ValidationFailed(
                details=[
                    FieldError(
                        "resource_id", "not_published", str(_("Only a published resource can be used."))
                    )
                ]
            )
        block.resource_id = resource.pk
        block.resource_version_id = resource.current_version_id
        block.title = block.title or resource.title[:200]
    elif data.kind == BlockKind.TEXT:
        block.html = sanitise(data.html)
    elif data.kind == BlockKind.VIDEO:
        if video is not None:
            _check_video(video)
        elif not data.video_url.startswith(("https://", "http://")):
            raise ValidationFailed(
                details=[
                    FieldError("video_url", "required", str(_("Give the video's web address or upload it.")))
                ]
            )
        block.video_url = data.video_url
        block.video_seconds = data.video_seconds
    elif data.kind == BlockKind.QUIZ:
        quiz = lesson.course.quizzes.filter(pk=data.quiz_id).first() if data.quiz_id else None
        if quiz is None:
            raise ValidationFailed(
                details=[FieldError("quiz_id", "required", str(_("Choose a quiz of this course.")))]
            )
        block.quiz = quiz
        block.title = block.title or quiz.title
    elif data.kind == BlockKind.ASSIGNMENT:
        if not data.prompt.strip():
            raise ValidationFailed(
                details=[FieldError("prompt", "required", str(_("Write the assignment.")))]
            )
        block.prompt = data.prompt
    full_clean_or_raise(block, exclude=["video_file"])
    block.save()
    if video is not None:
        block.video_file.save("video", video, save=True)
    history.record(
        actor=actor,
        obj=lesson,
        action="block_add",
        changes={"block": [None, block.kind]},
        operation="learning.block_add",
    )
    return block


@transaction.atomic
def course_copy(*, actor: Actor, course: Course, class_id: int | None = None, title: str = "") -> Course:
    """A copy for next year or another class: structure, blocks (resources keep their pinned
    version), the course's quizzes and questions; no learners, no assignments, all in draft."""
    require_author(actor, course)
    school_class = registry.class_get(scope=actor.scope, pk=class_id) if class_id else None
    if school_class is not None:
        actor.scope.require(perms.AUTHOR, school_class.school.unit.path)
    copy = Course.objects.get(pk=course.pk)
    copy.pk = None
    copy.state = "draft"
    copy.title = (title or course.title)[:200]
    copy.copied_from = course
    copy.created_by = actor.user
    if school_class is not None:
        copy.school_class, copy.school, copy.unit_path = (
            school_class,
            school_class.school,
            school_class.school.unit.path,
        )
    copy.save(force_insert=True)
    questions: dict[int, Question] = {}
    for q in Question.objects.filter(course=course):
        old = q.pk
        q.pk, q.course, q.unit_path = None, copy, copy.unit_path
        q.save(force_insert=True)
        questions[old] = q
    quizzes: dict[int, Quiz] = {}
    for quiz in course.quizzes.prefetch_related("items"):
        items = list(quiz.items.all())
        old = quiz.pk
        quiz.pk, quiz.course = None, copy
        quiz.save(force_insert=True)
        QuizItem.objects.bulk_create(
            QuizItem(quiz=quiz, question=questions.get(i.question_id) or i.question, position=i.position)
            for i in items
        )
        quizzes[old] = quiz
    for section in course.sections.prefetch_related("lessons__blocks"):
        lessons = list(section.lessons.all())
        section.pk, section.course = None, copy
        section.save(force_insert=True)
        for lesson in lessons:
            blocks = list(lesson.blocks.all())
            lesson.pk, lesson.course, lesson.section, lesson.state = None, copy, section, "draft"
            lesson.save(force_insert=True)
            for b in blocks:
                b.pk, b.lesson = None, lesson
                if b.quiz_id:
                    b.quiz = quizzes.get(b.quiz_id) or b.quiz
            Block.objects.bulk_create(blocks)
    history.record(
        actor=actor,
        obj=copy,
        action="copy",
        changes={"copied_from": [None, course.pk]},
        operation="learning.course_copy",
    )
    if school_class is not None:
        from .classes import roster_sync

        roster_sync(actor=actor, course=copy)
    return copy
