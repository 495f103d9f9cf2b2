"""Reads of the identity app, always through the caller's Scope. People themselves are read
through the registry's selectors; this app only adds their verification status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core import aggregates
from edudx.core.errors import NotFound, ValidationFailed
from edudx.core.pagination import Page, paginate
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from . import permissions as perms
from .aggregates import KINDS, STATUSES
from .models import PersonKind, Status, Verification, VerificationRun
from .services import people_queryset, person_query

PROBLEM_STATUSES = (Status.MISMATCH, Status.NOT_FOUND, Status.ERROR)
STATUS_ORDER = (Status.VERIFIED, Status.MISMATCH, Status.NOT_FOUND, Status.ERROR, Status.UNVERIFIED)
VIEW_PEOPLE, VIEW_SELF = "registry.view_people", "registry.view_self"


def status_of(*, scope: Scope, person: Any) -> Verification | None:
    """The status row of a person the caller already holds (read through a registry selector)."""
    if not scope.has_perm(perms.VIEW):
        return None
    kind = PersonKind.STAFF if person._meta.model_name == "staff" else PersonKind.STUDENT
    v = Verification.objects.filter(kind=kind, person_id=person.pk).first()
    if v is not None:
        # The record was edited after the check: the answer may no longer hold.
        v.is_stale = bool(v.fingerprint) and v.fingerprint != person_query(kind, person).fingerprint()
    return v


def status_get(*, scope: Scope, kind: str, person_id: int) -> tuple[Any, Verification | None]:
    """A person (scope-checked by the registry) and their status row, if any."""
    scope.require_any(perms.VIEW)
    person: Any
    if kind == PersonKind.STUDENT:
        person = registry.student_get(scope=scope, pk=person_id)
    elif kind == PersonKind.STAFF:
        person = registry.staff_get(scope=scope, pk=person_id)
    else:
        raise NotFound()
    if not person.school_id or not scope.can(perms.VIEW, person.school.unit.path):
        raise NotFound()
    return person, Verification.objects.filter(kind=kind, person_id=person.pk).first()


def status_counts(
    *, scope: Scope, kind: str = PersonKind.STUDENT, school_id: int | None = None
) -> dict[str, int]:
    """People in scope by verification status; people never checked count as unverified."""
    return status_figures(scope=scope, kind=kind, school_id=school_id)[0]


def status_figures(
    *, scope: Scope, kind: str = PersonKind.STUDENT, school_id: int | None = None
) -> tuple[dict[str, int], dt.datetime | None]:
    """`status_counts` and the time they were counted: summed from the maintained per-school
    figures (identity/aggregates.py) — a school's own changes counted live until the next sweep
    — except for scopes that see their own records only (registry.view_self), counted live."""
    scope.require_any(perms.VIEW)
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of person."), code="unknown_kind")
    if scope.has_perm(VIEW_SELF):
        return _live_counts(scope=scope, kind=kind, school_id=school_id), timezone.now()
    ids = list(registry.school_ids_in_scope(scope=scope, permission=VIEW_PEOPLE))
    if school_id is not None:
        ids = [school_id] if school_id in ids else []
    stored = aggregates.read(STATUSES, ids if len(ids) <= aggregates.CHUNK else None, live_changes=20)
    counts: dict[str, int] = {s.value: 0 for s in STATUS_ORDER}
    total = 0
    for sid in ids:
        row = stored.data.get(sid, {}).get(kind, {})
        total += row.get("total", 0)
        for status, n in row.items():
            if status != "total":
                counts[status] = counts.get(status, 0) + n
    counts[Status.UNVERIFIED] = max(0, total - sum(v for k, v in counts.items() if k != Status.UNVERIFIED))
    return counts, stored.as_of


def _live_counts(*, scope: Scope, kind: str, school_id: int | None) -> dict[str, int]:
    people = people_queryset(scope=scope, kind=kind, school_id=school_id)
    total = people.count()
    counts: dict[str, int] = {s.value: 0 for s in STATUS_ORDER}
    rows = (
        Verification.objects.filter(kind=kind, person_id__in=people.values("pk"))
        .exclude(status=Status.UNVERIFIED)
        .values("status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    counts[Status.UNVERIFIED] = max(0, total - sum(v for k, v in counts.items() if k != Status.UNVERIFIED))
    return counts


def problem_queryset(
    *,
    scope: Scope,
    kind: str = PersonKind.STUDENT,
    school_id: int | None = None,
    status: str = "",
    q: str = "",
) -> QuerySet[Any]:
    """People whose registry check found a problem (mismatch, not found, error), in scope."""
    scope.require_any(perms.VIEW)
    statuses = (status,) if status in PROBLEM_STATUSES else PROBLEM_STATUSES
    flagged = Verification.objects.filter(kind=kind, status__in=statuses).values("person_id")
    qs: QuerySet[Any]
    if kind == PersonKind.STUDENT:
        qs, _order = registry.student_list(scope=scope, filters=registry.StudentFilter(school=school_id, q=q))
    else:
        qs, _order = registry.staff_list(scope=scope, filters=registry.StaffFilter(school=school_id, q=q))
    return qs.filter(pk__in=flagged)


def verifications_for(*, kind: str, people: list[Any]) -> dict[int, Verification]:
    """Status rows of people already read through a scoped selector."""
    rows = Verification.objects.filter(kind=kind, person_id__in=[p.pk for p in people])
    return {v.person_id: v for v in rows}


def verifications_of(*, scope: Scope, kind: str, ids: Iterable[int]) -> dict[int, Verification]:
    """Status rows of the given people, by person id; people outside the scope are left out."""
    people = people_queryset(scope=scope, kind=kind).filter(pk__in=list(ids)).values("pk")
    return {v.person_id: v for v in Verification.objects.filter(kind=kind, person_id__in=people)}


def problem_page(
    *,
    scope: Scope,
    kind: str = PersonKind.STUDENT,
    school_id: int | None = None,
    status: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[Page, dict[int, Verification]]:
    """One page of problems by name, with their status rows."""
    qs = problem_queryset(scope=scope, kind=kind, school_id=school_id, status=status, q=q)
    page = paginate(qs, order=("name_key", "id"), cursor=cursor, limit=limit)
    return page, verifications_for(kind=kind, people=page.items)


def schools_to_verify(*, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the schools where the caller may start a verification — the department's
    picker lists 3,500 of them, so plain pairs filtered in SQL, not School objects checked one
    by one (that was 1.8 s of the dashboard at city scale)."""
    if not scope.has_perm(perms.VERIFY):
        return []
    qs, order = registry.school_list(scope=scope)
    qs = qs.filter(scope.filter_q(perms.VERIFY, "unit__path"))
    return list(qs.order_by(*order).values_list("pk", "unit__name"))


def _runs_visible(scope: Scope) -> QuerySet[VerificationRun]:
    q = scope.filter_q(perms.VIEW, "unit_path") & ~Q(unit_path="")
    if scope.user_id is not None:
        q |= Q(requested_by_id=scope.user_id)
    elif scope.is_system:
        q = Q()
    return VerificationRun.objects.filter(q)


def run_get(*, scope: Scope, pk: int) -> VerificationRun:
    scope.require_any(perms.VIEW)
    try:
        return _runs_visible(scope).get(pk=pk)
    except (VerificationRun.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def run_list(*, scope: Scope, limit: int = 10) -> list[VerificationRun]:
    if not scope.has_perm(perms.VIEW):
        return []
    return list(_runs_visible(scope).order_by("-created_at", "-id")[:limit])
