"""Every write of the learning app (one module per subject; imported from here)."""

from .cartridge import course_import
from .certificates import (
    certificate_issue_if_passed,
    certificate_of,
    certificate_pdf,
    certificate_revoke,
)
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
from .interchange import questions_import_qti, questions_import_xlsx
from .open import citizen_register, citizen_verify, open_course_error, open_enrol
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
from .training import course_competences_set, training_completed_if_passed, training_enrol

__all__ = [
    "assignment_feedback",
    "assignment_submit",
    "attempt_grade",
    "attempt_start",
    "attempt_submit",
    "block_add",
    "certificate_issue_if_passed",
    "certificate_of",
    "certificate_pdf",
    "certificate_revoke",
    "citizen_register",
    "citizen_verify",
    "block_view",
    "course_archive",
    "course_competences_set",
    "course_copy",
    "course_create",
    "course_publish",
    "course_import",
    "course_reopen",
    "gift_import",
    "lesson_assign",
    "lesson_create",
    "lesson_open",
    "lesson_publish",
    "lesson_unpublish",
    "open_course_error",
    "open_enrol",
    "question_create",
    "questions_import_qti",
    "questions_import_xlsx",
    "quiz_add",
    "quiz_create",
    "roster_sync",
    "sanitise",
    "section_create",
    "training_completed_if_passed",
    "training_enrol",
    "video_event",
]
