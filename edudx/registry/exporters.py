"""The registry's big-list exports (core.exports.Exporter): pupils and staff, in the list's order
and filters, scoped and masked for the caller exactly as the list page is. The list's CSV streams
them; the `exports` app runs them as background jobs (XLSX, or CSV for later)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from edudx.core.exports import DATE, Column, Exporter, register
from edudx.core.filters import parse_filter
from edudx.core.rules.curriculum import Subject
from edudx.core.rules.ethnicity import ETHNIC_GROUPS
from edudx.core.rules.people import Gender, Position, Qualification, StaffStatus, StudentStatus
from edudx.core.scope import Scope

from . import permissions as perms
from . import selectors
from .filters import StaffFilter, StudentFilter
from .views.common import email_for, phone_for, pid_for

CHUNK = 2_000


def _pii_for(scope: Scope):
    """Whether the caller sees a row's personal data in full: by the school's unit path."""
    seen: dict[str | None, bool] = {}

    def full(path: str | None) -> bool:
        if path not in seen:
            seen[path] = scope.can(perms.VIEW_PII, path) if path else scope.is_system
        return seen[path]

    return full


# ----- pupils
def _students(scope: Scope, params: dict[str, str]):
    qs, order = selectors.student_list(scope=scope, filters=parse_filter(StudentFilter, params))
    return qs.order_by(*order)


def student_rows(scope: Scope, params: dict[str, str]) -> Iterator[tuple[Any, ...]]:
    genders, statuses, full = dict(Gender.choices), dict(StudentStatus.choices), _pii_for(scope)
    fields = (
        "moet_code", "full_name", "date_of_birth", "gender", "personal_id", "ethnicity", "status",
        "status_date", "school__unit__name", "class_name", "parent_phone", "address", "school__unit__path",
    )  # fmt: skip
    for code, name, dob, gender, pid, eth, status, on, school, cls, phone, address, path in (
        _students(scope, params).values_list(*fields).iterator(chunk_size=CHUNK)
    ):
        pii = full(path)
        yield (
            code or "", name, dob, str(genders.get(gender, gender)), pid_for(pid, full=pii),
            ETHNIC_GROUPS.get(eth, eth), str(statuses.get(status, status)), on, school or "", cls or "",
            phone_for(phone, full=pii), address,
        )  # fmt: skip


STUDENTS = register(
    Exporter(
        name="registry.students",
        label=_("Students"),
        filename="students",
        columns=(
            Column(_("MOET code"), width=14),
            Column(_("Full name"), width=28),
            Column(_("Date of birth"), DATE, 12),
            Column(_("Gender"), width=8),
            Column(_("Personal ID"), width=14),
            Column(_("Ethnicity"), width=12),
            Column(_("Status"), width=14),
            Column(_("Status date"), DATE, 12),
            Column(_("School"), width=34),
            Column(_("Class"), width=8),
            Column(_("Parent's phone"), width=14),
            Column(_("Address"), width=40),
        ),  # fmt: skip
        rows=student_rows,
        count=lambda scope, params: _students(scope, params).count(),
        allowed=lambda scope: scope.has_perm(perms.VIEW_PEOPLE) or scope.has_perm(perms.VIEW_SELF),
    )
)


# ----- staff
def _staff(scope: Scope, params: dict[str, str]):
    qs, order = selectors.staff_list(scope=scope, filters=parse_filter(StaffFilter, params))
    return qs.order_by(*order)


def staff_rows(scope: Scope, params: dict[str, str]) -> Iterator[tuple[Any, ...]]:
    genders, positions, full = dict(Gender.choices), dict(Position.choices), _pii_for(scope)
    quals, statuses, subjects = dict(Qualification.choices), dict(StaffStatus.choices), dict(Subject.choices)
    fields = (
        "moet_code", "full_name", "date_of_birth", "gender", "personal_id", "position", "subjects",
        "qualification", "status", "school__unit__name", "phone", "email", "school__unit__path",
    )  # fmt: skip
    for code, name, dob, gender, pid, pos, subj, qual, status, school, phone, email, path in (
        _staff(scope, params).values_list(*fields).iterator(chunk_size=CHUNK)
    ):
        pii = full(path)
        yield (
            code or "", name, dob, str(genders.get(gender, gender)), pid_for(pid, full=pii),
            str(positions.get(pos, pos)), ", ".join(str(subjects.get(c, c)) for c in subj or []),
            str(quals.get(qual, qual or "")), str(statuses.get(status, status)), school or "",
            phone_for(phone, full=pii), email_for(email, full=pii),
        )  # fmt: skip


STAFF = register(
    Exporter(
        name="registry.staff",
        label=_("Staff"),
        filename="staff",
        columns=(
            Column(_("MOET code"), width=14),
            Column(_("Full name"), width=28),
            Column(_("Date of birth"), DATE, 12),
            Column(_("Gender"), width=8),
            Column(_("Personal ID"), width=14),
            Column(_("Position"), width=16),
            Column(_("Subjects"), width=24),
            Column(_("Qualification"), width=14),
            Column(_("Status"), width=14),
            Column(_("School"), width=34),
            Column(_("Phone"), width=14),
            Column(_("Email"), width=28),
        ),  # fmt: skip
        rows=staff_rows,
        count=lambda scope, params: _staff(scope, params).count(),
        allowed=lambda scope: scope.has_perm(perms.VIEW_PEOPLE),
    )
)
