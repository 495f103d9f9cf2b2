"""Results REST API (/api/v1/results/): outcome figures (a school's, a ward's, the scope's), a
school against its ward and the city, pupils at risk, a class's score book, a pupil's results.
Every read goes through a selector with the caller's Scope (a foreign id is a 404)."""

from __future__ import annotations

import dataclasses
from typing import Literal

from ninja import Router

from edudx.core.api_errors import errors
from edudx.core.ids import Id

from . import permissions as perms
from . import selectors
from .schemas import AtRiskOut, BookRowOut, OutcomeOut, PupilOut

router = Router(tags=["results"])


def _out(s: selectors.OutcomeSummary) -> dict:
    return {**dataclasses.asdict(s), "passed_share": s.passed_share}


@router.get("/summary", response={200: OutcomeOut, **errors(403, 404)})
def summary(request, school_id: Id | None = None, unit_id: Id | None = None, year: str | None = None,
            period: Literal[1, 2, 3] | None = None):  # fmt: skip
    request.scope.require_any(perms.VIEW)
    return _out(selectors.outcome_summary(scope=request.scope, school_id=school_id, unit_id=unit_id,
                                          year=(year or "")[:9] or None, period=period))  # fmt: skip


@router.get("/schools/{school_id}/comparison", response={200: list[OutcomeOut], **errors(403, 404)})
def comparison(request, school_id: Id, year: str | None = None, period: Literal[1, 2, 3] | None = None):
    request.scope.require_any(perms.VIEW)
    got = selectors.comparison(
        scope=request.scope, school_id=school_id, year=(year or "")[:9] or None, period=period
    )
    return [_out(s) for s in got]


@router.get("/at-risk-counts", response={200: dict[int, int], **errors(403)})
def at_risk_counts(request, by: Literal["school", "ward"] = "school", year: str | None = None,
                   period: Literal[1, 2, 3] | None = None):  # fmt: skip
    request.scope.require_any(perms.VIEW)
    return selectors.at_risk_counts(scope=request.scope, by=by, year=(year or "")[:9] or None, period=period)


@router.get("/schools/{school_id}/at-risk", response={200: list[AtRiskOut], **errors(403, 404)})
def at_risk(request, school_id: Id, year: str | None = None, period: Literal[1, 2, 3] | None = None):
    request.scope.require_any(perms.VIEW)
    rows, _y, _p = selectors.at_risk_pupils(scope=request.scope, school_id=school_id,
                                            year=(year or "")[:9] or None, period=period)  # fmt: skip
    return [{**dataclasses.asdict(r), "signals": list(r.signals)} for r in rows]


@router.get("/classes/{class_id}/book", response={200: list[BookRowOut], **errors(403, 404)})
def book(request, class_id: Id, subject: str | None = None, semester: Literal[1, 2] = 1):
    request.scope.require_any(perms.VIEW)
    _cls, rows, _s = selectors.score_book(scope=request.scope, class_id=class_id, subject=(subject or "")[:16] or None,
                                          semester=semester)  # fmt: skip
    return rows


@router.get("/pupils/{student_id}", response={200: PupilOut, **errors(403, 404)})
def pupil(request, student_id: Id):
    # A pupil reads their own results; the scoped selector finds only the pupils the caller sees.
    data = selectors.pupil_results(scope=request.scope, student_id=student_id)
    return {
        "student_id": data["pupil"].pk,
        "terms": [{**t, "class_id": t["school_class_id"]} for t in data["terms"]],
        "subjects": [
            {
                **s,
                "student_id": data["pupil"].pk,
                "class_id": s["school_class_id"],
                "year": s["school_class__year__code"],
            }
            for s in data["subjects"]
        ],  # fmt: skip
    }
