"""Objects of school B1 (ward B) for the route × role matrix test: for each URL kwarg the
registry's routes use, an id and a text that must never reach a user scoped to ward A or
school A1."""

from __future__ import annotations


def providers(city) -> dict[str, tuple[int, str]]:
    school = city.schools[2]
    klass = next(c for c in city.classes if c.school_id == school.pk)
    student = next(s for s in city.students if s.school_id == school.pk)
    staff = next(s for s in city.staff if s.school_id == school.pk)
    return {
        "school_id": (school.pk, school.moet_code),
        # Class names repeat across schools ("6A1"); the school's name marks the class page.
        "class_id": (klass.pk, school.unit.name),
        "student_id": (student.pk, student.full_name),
        "staff_id": (staff.pk, staff.full_name),
        # School years are city-wide, nothing of B1: only the department's administrators
        # may change them, so every scoped role must be refused (no marker to look for).
        "year_id": (city.year.pk, ""),
    }
