"""The panels of the role dashboards, each from one app's selectors (see the package)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.monitoring import selectors as monitoring
from edudx.registry import selectors as registry

MONITORING_VIEW = "monitoring.view"
INFRA_VIEW = "infrastructure.view"
RESULTS_VIEW = "results.view"
LEARNING_VIEW = "learning.view"
INGEST_RUN = "ingest.run"
PEOPLE_VIEW = "registry.view_people"


def _dx_chart(overview: monitoring.DxOverview, *, drill_ward: bool) -> dict[str, Any]:
    """Share (%) of published schools at the target level on every group, per row; a click
    drills down: a ward → its schools (home ?ward=), a school → its evaluation over the years."""
    labels, values, urls = [], [], []
    for r in overview.rows:
        labels.append(str(r["name"]))
        if drill_ward:
            values.append(r["reached"])
            urls.append(reverse("monitoring:school_profile", kwargs={"school_id": r["key"]}))
        else:
            values.append(round(100 * r["reached"] / r["schools"], 1) if r["schools"] else 0)
            urls.append(f"{reverse('web:home')}?ward={r['key']}")
    return {"labels": labels, "values": values, "urls": urls, "max": 1 if drill_ward else 100}


def authority(scope: Scope, *, ward_id: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ward_id": ward_id}
    below: dict[int, bool] | None = None  # per school: under the readiness thresholds
    if scope.has_perm(MONITORING_VIEW):
        dx = monitoring.dx_overview(scope=scope, ward_id=ward_id)
        out["dx"] = dx
        out["dx_chart"] = _dx_chart(dx, drill_ward=ward_id is not None)
        if ward_id is not None and dx.rows:
            out["ward_name"] = next(
                (r["name"] for r in monitoring.dx_overview(scope=scope).rows if r["key"] == ward_id), ""
            )
    if scope.has_perm(INFRA_VIEW):
        from edudx.infrastructure import selectors as infrastructure

        results, as_of = infrastructure.readiness_figures(scope=scope)
        rows = infrastructure.summarise(results)
        below = {sid: bool(x.below) for sid, x in results.items()}
        out["readiness"] = {
            "schools": len(results),
            "below": sum(1 for r in results.values() if r.below),
            "broken": sum(r["broken"] for r in rows),
            "devices": sum(r["devices"] for r in rows),
            "as_of": as_of,
        }
    if scope.has_perm(RESULTS_VIEW):
        from edudx.results import selectors as results_selectors

        summary = results_selectors.outcome_summary(scope=scope)
        if summary.pupils:
            out["results"] = summary
            if below is not None:
                out["equity"] = equity(scope, below)
    if scope.has_perm(LEARNING_VIEW):
        from edudx.learning import selectors as learning

        rows, as_of = learning.activity(scope=scope)
        if rows:
            out["learning"] = {
                "learners": sum(int(r.get("learners") or 0) for r in rows),
                "active": sum(int(r.get("active") or 0) for r in rows),
                "courses": sum(int(r.get("courses") or 0) for r in rows),
                "as_of": as_of,
            }
    return out


def school_drill(scope: Scope, school_id: int) -> dict[str, Any] | None:
    """Below a school on home (city → ward → school → class → record): the school's classes of
    the current year, each with its pupils (when the caller sees people) and a link to its results;
    a class opens its roster, a pupil their record. None for a school outside the scope."""
    from edudx.registry.filters import ClassFilter

    try:
        school = registry.school_get(scope=scope, pk=school_id)
    except NotFound:
        return None
    year = registry.current_year()
    out: dict[str, Any] = {"id": school.pk, "name": school.unit.name, "ward_id": school.unit.parent_id}
    if year is None:
        out["classes"] = []
        return out
    qs, _order = registry.class_list(scope=scope, filters=ClassFilter(school=school.pk, year=year.pk))
    people = scope.can(PEOPLE_VIEW, school.unit.path)
    if people:
        qs = qs.annotate(pupils=Count("enrolments", filter=Q(enrolments__state="active")))
    with_results: set[int] = set()
    if scope.has_perm(RESULTS_VIEW):
        from edudx.results import selectors as results_selectors

        with_results = {
            c["id"]
            for c in results_selectors.classes_with_results(scope=scope, school_id=school.pk, year=year.code)
        }
    out["people"] = people
    out["classes"] = [
        {
            "id": c.pk,
            "name": c.name,
            "grade": c.grade,
            "pupils": getattr(c, "pupils", None),
            "results": c.pk in with_results,
        }
        for c in qs.order_by("grade", "name")
    ]
    return out


NOT_PASSED = ("C", "N")  # Chưa đạt (Circular 22), Chưa hoàn thành (Circular 27)


def equity(scope: Scope, below: dict[int, bool]) -> dict[str, Any] | None:
    """Learning results crossed with infrastructure readiness (issue #18 item 2, counts only):
    per group of schools (at the thresholds, below them, not assessed) the schools, the pupils
    with results, those at Đạt or above and those Chưa đạt; a count of pupils under the results'
    suppression threshold is hidden (None), and the share with it."""
    from edudx.results import selectors as results_selectors

    floor = results_selectors.SUPPRESS_BELOW
    rows, year, _period = results_selectors.breakdown(scope=scope, by="school")
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = "unknown" if r["key"] not in below else ("below" if below[r["key"]] else "ready")
        g = groups.setdefault(key, {"key": key, "schools": 0, "pupils": 0, "passed": 0, "not_passed": 0})
        g["schools"] += 1
        g["pupils"] += r["pupils"]
        failed = sum(n for c, n in r["counts"].items() if c in NOT_PASSED)
        g["not_passed"] += failed
        g["passed"] += sum(n for c, n in r["counts"].items() if c not in (*NOT_PASSED, ""))
    out = []
    for key in ("ready", "below", "unknown"):
        if key not in groups:
            continue
        g = groups[key]
        share = round(100 * g["passed"] / g["pupils"], 1) if g["pupils"] else None
        # the pupils are the sum of the two parts: one small part hides the other with it
        if 0 < g["pupils"] < floor:
            g["pupils"] = g["passed"] = g["not_passed"] = g["passed_share"] = None
        elif any(0 < g[k] < floor for k in ("passed", "not_passed")):
            g["passed"] = g["not_passed"] = g["passed_share"] = None
        else:
            g["passed_share"] = share
        out.append(g)
    return {"rows": out, "year": year} if out else None


def _my_school(scope: Scope) -> int | None:
    ids = list(registry.school_ids_in_scope(scope=scope)[:2])
    return ids[0] if len(ids) == 1 else None


def principal(scope: Scope) -> dict[str, Any]:
    school_id = _my_school(scope)
    out: dict[str, Any] = {"school_id": school_id, "todo": []}
    if school_id is None:
        return out
    if scope.has_perm(MONITORING_VIEW):
        status = monitoring.school_status(scope=scope, school_id=school_id)
        out["dx"] = status
        out["todo"] += status["todo"]
    if scope.has_perm(INGEST_RUN):
        from edudx.ingest import selectors as ingest

        failed = list(ingest.run_list(scope=scope).filter(state="failed")[:5])
        out["todo"] += [{"code": "import_failed", "run_id": r.pk, "name": str(r)} for r in failed]
    if scope.has_perm(INFRA_VIEW):
        from edudx.infrastructure import selectors as infrastructure

        results, _as_of = infrastructure.readiness_figures(scope=scope)
        mine = results.get(school_id)
        if mine is not None and mine.inputs.devices_broken:
            out["todo"].append(
                {"code": "devices_broken", "n": mine.inputs.devices_broken, "school_id": school_id}
            )
        out["readiness"] = mine
    if scope.has_perm(RESULTS_VIEW):
        from edudx.results import selectors as results_selectors

        at_risk = results_selectors.at_risk_counts(scope=scope).get(school_id, 0)
        if at_risk:
            out["todo"].append({"code": "pupils_at_risk", "n": at_risk, "school_id": school_id})
        comparison = results_selectors.comparison(scope=scope, school_id=school_id)
        if comparison and comparison[0].pupils:
            out["comparison"] = comparison
    return out


def teacher(scope: Scope) -> dict[str, Any]:
    school_id = _my_school(scope)
    out: dict[str, Any] = {"school_id": school_id}
    if school_id is not None and scope.has_perm(RESULTS_VIEW):
        from edudx.results import selectors as results_selectors

        out["classes"] = results_selectors.classes_with_results(scope=scope, school_id=school_id, year=None)
    return out


def pupil(scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if scope.student_id is not None and scope.has_perm(RESULTS_VIEW):
        from edudx.results import selectors as results_selectors

        out["results"] = results_selectors.pupil_results(scope=scope, student_id=scope.student_id)
    if scope.user_id is not None and scope.has_perm("learning.learn"):
        from edudx.learning import selectors as learning

        out["lessons"] = learning.pupil_lessons(scope=scope, user_id=scope.user_id)[:10]
    return out
