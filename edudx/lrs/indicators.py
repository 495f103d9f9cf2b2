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


@indicator(
    code="lrs.scored_learners_90d",
    name=_("Learners assessed online (last 90 days)"),
    unit="count",
    formula=_(
        "Distinct xAPI actors with at least one scored statement (a test or exercise taken on a "
        "computer and scored) stored in the last 90 days"
    ),
    freshness=_("Learning record store, live"),
    criteria=("4725:I.3", "4725:I.5"),  # regular assessment in the LMS; computer-based testing
)
def scored_learners_90d(school_ids: Iterable[int]) -> dict[int, int]:
    from edudx.core import warehouse

    from . import warehouse as lrs_warehouse
    from .services import analytics_refresh

    analytics_refresh()
    paths = _school_paths(school_ids)
    out = dict.fromkeys(paths, 0)
    if not paths:
        return out
    since = (timezone.now() - dt.timedelta(days=90)).astimezone(dt.UTC).date()
    table = f"{lrs_warehouse.NAME}__{lrs_warehouse.LEARNERS.name}"
    con = warehouse.connect(lrs_warehouse.NAME)
    try:
        con.execute("CREATE TEMP TABLE s (pk BIGINT, p VARCHAR)")
        con.executemany("INSERT INTO s VALUES (?, ?)", list(paths.items()))
        rows = con.execute(
            f"SELECT s.pk, count(DISTINCT l.actor_hash) FROM {table} l JOIN s ON starts_with(l.unit_path, s.p) "  # noqa: S608 - constant names
            "WHERE l.day >= ? AND l.score_n > 0 GROUP BY s.pk",
            [since],
        ).fetchall()
    finally:
        con.close()
    for pk, n in rows:
        out[int(pk)] = int(n)
    return out
