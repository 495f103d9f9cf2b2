"""Every write to the registry. Split by subject; import from here."""

from .enrolments import assignment_set, enrolment_enrol, enrolment_transfer
from .people import staff_create, staff_update, student_create, student_set_status, student_update
from .schools import class_create, class_update, school_register, school_update
from .years import school_year_close, school_year_create, school_year_set_current

__all__ = [
    "assignment_set",
    "class_create",
    "class_update",
    "enrolment_enrol",
    "enrolment_transfer",
    "school_register",
    "school_update",
    "school_year_close",
    "school_year_create",
    "school_year_set_current",
    "staff_create",
    "staff_update",
    "student_create",
    "student_set_status",
    "student_update",
]
