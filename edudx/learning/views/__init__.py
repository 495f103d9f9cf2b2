"""Learning's pages: staff (courses, lessons, grid) and pupils (their lessons, a quiz)."""

from .pupil import attempt, block_seen, my_lesson, my_lessons, quiz_start, submit, video
from .staff import (
    activity,
    course_action,
    course_create,
    course_detail,
    course_grid,
    course_list,
    gift_export,
    gift_import,
    lesson_action,
    lesson_detail,
    quiz_create,
    quiz_detail,
    submission_feedback,
)

__all__ = [
    "activity",
    "attempt",
    "block_seen",
    "course_action",
    "course_create",
    "course_detail",
    "course_grid",
    "course_list",
    "gift_export",
    "gift_import",
    "lesson_action",
    "lesson_detail",
    "my_lesson",
    "my_lessons",
    "quiz_create",
    "quiz_detail",
    "quiz_start",
    "submission_feedback",
    "submit",
    "video",
]
