"""Verification statuses per school, maintained (edudx/core/aggregates.py): the identity dashboard
and its summary card sum the schools of the reader's scope instead of counting 2.5 M people and
their status rows per view."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Subquery

from edudx.core import aggregates
from edudx.registry import selectors as registry

from .models import PersonKind, Status, Verification

STATUSES = "identity.status"
KINDS = (PersonKind.STUDENT.value, PersonKind.STAFF.value)


def compute(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    """{school: {kind: {"total": people, status: n, …}}} — statuses other than unverified."""
    out: dict[int, dict[str, Any]] = {}
    for kind in KINDS:
        for sid, n in registry.people_counts(kind, keys).items():
            out.setdefault(sid, {k: {"total": 0} for k in KINDS})[kind]["total"] = n
        people = registry.people_schools(kind)
        if keys is not None:
            people = people.filter(school_id__in=keys)
        rows = (
            Verification.objects.filter(kind=kind, person_id__in=people.values("pk"))
            .exclude(status=Status.UNVERIFIED)
            .annotate(school=Subquery(people.filter(pk=OuterRef("person_id")).values("school_id")[:1]))
            .values_list("school", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for sid, status, n in rows:
            if sid is not None:
                out.setdefault(sid, {k: {"total": 0} for k in KINDS})[kind][status] = n
    for sid in keys or ():
        out.setdefault(sid, {k: {"total": 0} for k in KINDS})
    return out


# A status row names a person; its key is that person's school.
_SCHOOL_OF_PERSON = (
    "(CASE WHEN {row}.kind = 'student' "
    "THEN (SELECT school_id FROM registry_student WHERE id = {row}.person_id) "
    "ELSE (SELECT school_id FROM registry_staff WHERE id = {row}.person_id) END)"
)

aggregates.register(
    STATUSES,
    compute,
    sources=[
        aggregates.Source("registry_student", "{row}.school_id"),
        aggregates.Source("registry_staff", "{row}.school_id"),
        aggregates.Source("identity_verification", _SCHOOL_OF_PERSON),
    ],
)
