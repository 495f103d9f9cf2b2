"""Home dashboards for each role (issue #18 item 7): what the department and a ward officer, a
principal, a teacher and a pupil see first. Every figure comes from another app's selectors,
which read maintained figures (core.aggregates) — never a city-wide count per view — and each
panel shows only when the caller holds that app's permission and the app has data.

    kind(scope)            "authority" | "principal" | "teacher" | "pupil" | ""
    authority(scope, ward) DX levels per ward (or per school of one ward: the drill-down),
                           readiness, results, learning activity, what is late
    school_drill(scope, s) a school's classes (pupils, results) → a class's roster → a record
    principal(scope)       the school against the targets, its to-do
    teacher(scope) / pupil(scope)
"""

from __future__ import annotations

from typing import Any

from edudx.core import scoped_figures
from edudx.core.roles import Role
from edudx.core.scope import Scope

from . import panels

# The maintained figures the authority panels are summed from.
AUTHORITY_FIGURES = (
    "monitoring.schools",
    "infrastructure.readiness",
    "results.outcomes",
    "learning.activity",
)
AUTHORITY_ROLES = (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.CLUSTER_LEAD, Role.VIEWER)


def kind(scope: Scope) -> str:
    roles = scope.roles()
    if any(r in roles for r in AUTHORITY_ROLES) or scope.is_system:
        return "authority"
    if Role.SCHOOL_ADMIN in roles:
        return "principal"
    if Role.TEACHER in roles:
        return "teacher"
    if Role.STUDENT in roles:
        return "pupil"
    return ""


def build(scope: Scope, *, ward_id: int | None = None, school_id: int | None = None) -> dict[str, Any]:
    """`ward_id` drills to a ward's schools, `school_id` to a school's classes (each within the
    scope: a foreign id shows nothing)."""
    k = kind(scope)
    if k == "authority":
        # Every officer of one scope (the department, a ward) sees the same sums over thousands
        # of schools: summed once per change of the figures, per process (core.scoped_figures).
        authority = scoped_figures.get(
            "web.authority",
            (scoped_figures.scope_key(scope), ward_id),
            lambda: panels.authority(scope, ward_id=ward_id),
            aggregates_read=AUTHORITY_FIGURES,
        )
        board = {"kind": k, **authority}
        if school_id is not None:
            board["school"] = panels.school_drill(scope, school_id)
        return board
    if k == "principal":
        board = {"kind": k, **panels.principal(scope)}
        if board.get("school_id") is not None:
            board["school"] = panels.school_drill(scope, board["school_id"])
        return board
    if k == "teacher":
        return {"kind": k, **panels.teacher(scope)}
    if k == "pupil":
        return {"kind": k, **panels.pupil(scope)}
    return {"kind": ""}
