"""Automatic indicators from learning records, for the monitoring module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.indicators import indicator


def _school_paths(school_ids: Iterable[int]) -> dict[int, str]:
    from edudx.core.scope import Scope
    from edudx.registry import selectors as registry

    schools, _order = registry.school_list(scope=Scope.system())
    return {s.pk: s.unit.path for s in schools.filter(pk__in=list(school_ids))}


@indicator(
    code="lrs.active_learners_30d",
    name=_("Learners active in online learning (last 30 days)"),
    unit="count",
    formula=_("Distinct xAPI actors with at least one statement stored in the last 30 days"),
    freshness=_("Learning record store, live"),
    criteria=("4725:I.3",),  # an LMS in use: learners following self-study lessons,
)
def active_learners_30d(school_ids: Iterable[int]) -> dict[int, int]:
    from .selectors import learner_counts_by_school
    from .services import analytics_refresh

    analytics_refresh()
    since = timezone.now() - dt.timedelta(days=30)
    return learner_counts_by_school(_school_paths(school_ids), since=since)
