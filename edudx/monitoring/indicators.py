"""Automatic indicators the platform can already compute honestly from the registry.

Each computes, per school, a figure that evidences a 4725 criterion. They read the registry
through its selectors with the system scope (an indicator is a statistic over records, never
a view of them) and report where the data comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.indicators import indicator
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

ACTIVE_STUDENT = ("dang_hoc", "chuyen_den")
REGISTRY_FRESHNESS = _("Registry records as of the latest import from the sector database")


def _students(ids: Iterable[int]):
    qs, _order = registry.student_list(scope=Scope.system())
    return qs.filter(school_id__in=list(ids), status__in=ACTIVE_STUDENT).order_by()


def _share(rows) -> dict[int, float]:
    return {r["school_id"]: round(100.0 * r["ok"] / r["n"], 1) for r in rows if r["n"]}


@indicator(
    code="registry.learner_personal_id_share",
    name=_("Learners with a personal ID on record"),
    unit="percent",
    formula=_("Current learners with a 12-digit personal ID ÷ current learners × 100"),
    freshness=REGISTRY_FRESHNESS,
    criteria=("4725:II.3",),
)
def learner_personal_id_share(school_ids: Iterable[int]) -> dict[int, float]:
    rows = (
        _students(school_ids)
        .values("school_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(personal_id__regex=r"^[0-9]{12}$")))
    )
    return _share(rows)


@indicator(
    code="registry.learner_moet_code_share",
    name=_("Learners exchanged with the sector database (with a MOET code)"),
    unit="percent",
    formula=_(
        "Current learners carrying a MOET code (created by the sector database) ÷ current learners × 100"
    ),
    freshness=REGISTRY_FRESHNESS,
    criteria=("4725:II.3",),
)
def learner_moet_code_share(school_ids: Iterable[int]) -> dict[int, float]:
    rows = (
        _students(school_ids)
        .values("school_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(moet_code__isnull=False) & ~Q(moet_code="")))
    )
    return _share(rows)


@indicator(
    code="registry.staff_records",
    name=_("Staff records kept in the management software"),
    unit="count",
    formula=_("Number of staff records with status “working” in the registry"),
    freshness=REGISTRY_FRESHNESS,
    criteria=("4725:II.3",),
)
def staff_records(school_ids: Iterable[int]) -> dict[int, int]:
    qs, _order = registry.staff_list(scope=Scope.system())
    rows = (
        qs.filter(school_id__in=list(school_ids), status="working")
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
    )
    return {r["school_id"]: r["n"] for r in rows}


@indicator(
    code="ingest.school_imports_12m",
    name=_("Data exchanges committed by the school in the last 12 months"),
    unit="count",
    formula=_(
        "Import runs (sector-database or school-management exports) committed from the school's own "
        "account in the last 365 days"
    ),
    freshness=_("Import log of the platform, live"),
    criteria=("4725:II.3",),
)
def school_imports_12m(school_ids: Iterable[int]) -> dict[int, int]:
    from edudx.ingest import selectors as ingest

    qs, _order = registry.school_list(scope=Scope.system())
    path_of = dict(qs.filter(pk__in=list(school_ids)).values_list("unit__path", "pk"))
    since = timezone.now() - dt.timedelta(days=365)
    rows = (
        ingest.run_list(scope=Scope.system())
        .filter(state="committed", created_at__gte=since, unit_path__in=list(path_of))
        .order_by()
        .values("unit_path")
        .annotate(n=Count("id"))
    )
    out = dict.fromkeys(path_of.values(), 0)
    for r in rows:
        out[path_of[r["unit_path"]]] = r["n"]
    return out


@indicator(
    code="registry.teacher_account_share",
    name=_("Teachers with a platform account for online training"),
    unit="percent",
    formula=_(
        "Working teachers whose staff record is linked to a platform account (where they follow "
        "online training) ÷ working teachers × 100"
    ),
    freshness=REGISTRY_FRESHNESS,
    criteria=("4725:I.6",),
)
def teacher_account_share(school_ids: Iterable[int]) -> dict[int, float]:
    from edudx.core.rules.people import Position

    qs, _order = registry.staff_list(scope=Scope.system())
    rows = (
        qs.filter(school_id__in=list(school_ids), status="working", position=Position.TEACHER)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(user__isnull=False)))
    )
    return _share(rows)
