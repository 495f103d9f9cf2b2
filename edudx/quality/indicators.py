"""Quality indicators offered to monitoring as automatic evidence for 4725 criterion II.3
(school-management software and digital records): how complete the school's digital records
are, and how many of its people are verified against the national population registry. Both
read the scorecard's maintained facts (aggregates.py), current within a minute of a change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from edudx.core import aggregates
from edudx.core.indicators import indicator

from .aggregates import SCORECARD
from .scoring.scores import counts, score

FRESHNESS = _("Maintained from the school's records in edudx, current within a minute of a change.")


def _facts(school_ids: Iterable[int]) -> tuple[dict[int, dict[str, Any]], list[int]]:
    ids = list(school_ids)
    return aggregates.read(SCORECARD, ids if len(ids) <= aggregates.CHUNK else None).data, ids


def _ratio(school_ids: Iterable[int], codes: tuple[str, ...]) -> dict[int, float | None]:
    from django.utils import timezone

    from .selectors import rules_effective

    stored, ids = _facts(school_ids)
    rules = {r.code: r for r in rules_effective()}
    today = timezone.localdate()
    out: dict[int, float | None] = {}
    for sid in ids:
        f = stored.get(sid)
        if f is None:
            continue
        checked = failed = 0
        for code in codes:
            c, x = counts(rules[code], f, today)
            checked, failed = checked + c, failed + x
        out[sid] = score(checked, failed)
    return out


@indicator(
    code="quality.record_completeness",
    name=_("Completeness of pupil and staff records"),
    unit="percent",
    formula=_(
        "Required fields filled in (the department's data-quality rules) ÷ required fields of every pupil and staff record × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:II.3",),
)
def record_completeness(school_ids: Iterable[int]) -> dict[int, float | None]:
    return _ratio(school_ids, ("completeness.students.required", "completeness.staff.required"))


@indicator(
    code="quality.verified_share",
    name=_("Pupils and staff verified against the population registry"),
    unit="percent",
    formula=_(
        "Pupils and staff whose record matched the national population registry ÷ pupils and staff × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:II.3",),
)
def verified_share(school_ids: Iterable[int]) -> dict[int, float | None]:
    return _ratio(school_ids, ("verification.students", "verification.staff"))
