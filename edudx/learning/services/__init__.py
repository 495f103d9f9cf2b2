"""Every write of the learning app (one module per subject; imported from here)."""

from .classes import lesson_assign, roster_sync
from .courses import (
    block_add,
    course_archive,
    course_copy,
    course_create,
    course_publish,
    course_reopen,
    lesson_create,
    lesson_publish,
    lesson_unpublish,
    sanitise,
    section_create,
)
from .progress import (
    assignment_feedback,
    assignment_submit,
    block_view,
    lesson_open,
    video_event,
)
from .quizzes import (
    attempt_grade,
    attempt_start,
    attempt_submit,
    gift_import,
    question_create,
    quiz_add,
    quiz_create,
)

__all__ = [
    "assignment_feedback",
    "assignment_submit",
    "attempt_grade",
    "attempt_start",
    "attempt_submit",
    "block_add",
    "block_view",
    "course_archive",
    "course_copy",
    "course_create",
    "course_publish",
    "course_reopen",
    "gift_import",
    "lesson_assign",
    "lesson_create",
    "lesson_open",
    "lesson_publish",
    "lesson_unpublish",
    "question_create",
    "quiz_add",
    "quiz_create",
    "roster_sync",
    "sanitise",
    "section_create",
    "video_event",
]
