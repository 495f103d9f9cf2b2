"""Every read of partners through the caller's Scope.

The catalogue (approved apps) is open to every holder of partners.view; drafts, reviews,
contracts and clients only to the department (partners.manage). A school's uses, the usage
figures and the data subject's view follow the school's unit path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from .models import (
    AccessLog,
    AppState,
    Company,
    Consent,
    LegalBasis,
    PartnerApp,
    PartnerClient,
    SchoolApp,
    UseState,
)

if TYPE_CHECKING:
    from edudx.registry.models import Student

SCHOOL_PATH = "school__unit__path"


def _manager(scope: Scope) -> bool:
    return scope.has_perm(perms.MANAGE)


def app_list(*, scope: Scope, state: str = "", q: str = "") -> QuerySet[PartnerApp]:
    scope.require_any(perms.VIEW)
    qs = PartnerApp.objects.select_related("company")
    if not _manager(scope):
        qs = qs.filter(state=AppState.APPROVED)
    elif state:
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(company__name__icontains=q.strip()))
    return qs.order_by("name", "id")


def app_get(*, scope: Scope, pk: int) -> PartnerApp:
    """An app: any for the department; an approved one (or one a school in scope uses) else."""
    if not scope.has_perm(perms.VIEW) and not scope.has_perm(perms.CONSENT_SELF):
        raise NotFound()
    qs = PartnerApp.objects.select_related("company")
    if not _manager(scope):
        used = SchoolApp.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH)).values("app_id")
        qs = qs.filter(Q(state=AppState.APPROVED) | Q(pk__in=used))
    try:
        return qs.get(pk=pk)
    except (PartnerApp.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound() from exc


def company_list(*, scope: Scope) -> QuerySet[Company]:
    scope.require_any(perms.MANAGE)
    return Company.objects.annotate(n_apps=Count("apps")).order_by("name")


def company_get(*, scope: Scope, pk: int) -> Company:
    if not _manager(scope):
        raise NotFound()
    try:
        return Company.objects.get(pk=pk)
    except (Company.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound() from exc


def app_detail(*, scope: Scope, app: PartnerApp) -> dict[str, Any]:
    """What the app's page shows the caller: contracts, contacts and clients to the
    department; the uses of the caller's schools to everyone."""
    manager = _manager(scope)
    uses = SchoolApp.objects.filter(app=app).filter(scope.filter_q(perms.VIEW, SCHOOL_PATH))
    return {
        "manager": manager,
        "contracts": list(app.contracts.all()) if manager else [],
        "contacts": list(app.company.contacts.all()) if manager else [],
        "clients": list(app.clients.all()) if manager else [],
        "uses": list(uses.select_related("school__unit").order_by("school__unit__name")),
    }


def use_list(*, scope: Scope, state: str = "") -> QuerySet[SchoolApp]:
    qs = SchoolApp.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH)).select_related(
        "app", "school__unit"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def use_get(*, scope: Scope, pk: int) -> SchoolApp:
    try:
        return (
            SchoolApp.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH))
            .select_related("app", "school__unit")
            .get(pk=pk)
        )
    except (SchoolApp.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound() from exc


def client_get(*, scope: Scope, pk: int) -> PartnerClient:
    if not _manager(scope):
        raise NotFound()
    try:
        return PartnerClient.objects.select_related("app").get(pk=pk)
    except (PartnerClient.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound() from exc


def usage(*, scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """Requests, records and last use per app and per school, over the schools in scope."""
    scope.require_any(perms.VIEW_USAGE)
    logs = AccessLog.objects.filter(scope.filter_q(perms.VIEW_USAGE, SCHOOL_PATH))
    per_app = (
        logs.values("app_id", "app__name")
        .annotate(requests=Count("id"), records=Sum("records"), last=Max("at"))
        .order_by("app__name")
    )
    per_school = (
        logs.values("app__name", "school__unit__name")
        .annotate(requests=Count("id"), records=Sum("records"), last=Max("at"))
        .order_by("school__unit__name", "app__name")[:500]
    )
    return {"apps": [dict(r) for r in per_app], "schools": [dict(r) for r in per_school]}


def subject_view(*, scope: Scope, student: Student) -> list[dict[str, Any]]:
    """ "Which apps received my child's data, when, on what basis": for every app the pupil's
    school uses, the legal basis, the consents on record and the partner requests that drew
    people's records from the school (logged per school). Under consent, an app received the
    pupil's data only while both answers needed were given."""
    if student.school_id is None:
        return []
    school_id: int = student.school_id
    uses = SchoolApp.objects.filter(school_id=school_id).select_related("app")
    consents = Consent.objects.filter(student_id=student.pk)
    answers: dict[int, dict[str, Any]] = {}
    for c in consents:
        answers.setdefault(c.app_id, {})[c.party] = c
    rows = []
    for use in uses.order_by("app__name"):
        sent = AccessLog.objects.filter(app_id=use.app_id, school_id=school_id, people=True).aggregate(
            first=Min("at"), last=Max("at"), requests=Count("id")
        )
        rows.append({"use": use, "app": use.app, "consents": answers.get(use.app_id, {}), **sent})
    return rows


def uses_for_school(school_id: int) -> QuerySet[SchoolApp]:
    return SchoolApp.objects.filter(school_id=school_id, state=UseState.APPROVED).select_related("app")


def access_log_rows(*, scope: Scope, start: dt.date, end: dt.date) -> Iterator[list[Any]]:
    """The access log for an inspection: every partner request that drew records from a school
    in scope between two days (inclusive), oldest first, with the legal basis of the flow."""
    scope.require_any(perms.VIEW_USAGE)
    bases = {
        (u["app_id"], u["school_id"]): u["legal_basis"]
        for u in SchoolApp.objects.values("app_id", "school_id", "legal_basis")
    }
    logs = (
        AccessLog.objects.filter(scope.filter_q(perms.VIEW_USAGE, SCHOOL_PATH))
        .filter(at__date__gte=start, at__date__lte=end)
        .order_by("at", "id")
        .values(
            "at",
            "app_id",
            "app__name",
            "app__company__name",
            "school_id",
            "school__moet_code",
            "school__unit__name",
            "client__client_id",
            "endpoint",
            "status",
            "records",
            "fields",
            "people",
        )
    )
    return _log_rows(logs, bases)


def _log_rows(logs: Any, bases: dict[tuple[int, int], str]) -> Iterator[list[Any]]:
    labels = dict(LegalBasis.choices)
    for r in logs.iterator(chunk_size=2000):
        basis = bases.get((r["app_id"], r["school_id"]), "")
        yield [
            r["at"].isoformat(),
            r["app__company__name"],
            r["app__name"],
            r["client__client_id"] or "",
            r["school__moet_code"] or "",
            r["school__unit__name"] or "",
            str(labels.get(basis, basis)),
            r["endpoint"],
            r["status"],
            r["records"],
            " ".join(r["fields"] or []),
            "yes" if r["people"] else "no",
        ]
