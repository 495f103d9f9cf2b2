"""The registry's HTML pages, split by subject. Thin: parse, call selectors/services, render."""

from .classes import class_create, class_detail, class_edit, class_export, class_list
from .schools import school_create, school_detail, school_edit, school_export, school_list
from .staff import staff_create, staff_detail, staff_edit, staff_export, staff_list
from .students import (
    student_create,
    student_detail,
    student_edit,
    student_export,
    student_list,
    student_status,
    student_transfer,
)
from .years import year_close, year_create, year_list, year_set_current

__all__ = [
    "class_create", "class_detail", "class_edit", "class_export", "class_list",
    "school_create", "school_detail", "school_edit", "school_export", "school_list",
    "staff_create", "staff_detail", "staff_edit", "staff_export", "staff_list",
    "student_create", "student_detail", "student_edit", "student_export", "student_list",
    "student_status", "student_transfer",
    "year_close", "year_create", "year_list", "year_set_current",
]  # fmt: skip
