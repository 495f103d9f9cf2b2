"""The panels of the role dashboards, each from one app's selectors (see the package)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from edudx.core.scope import Scope
from edudx.monitoring import selectors as monitoring
from edudx.registry import selectors as registry

MONITORING_VIEW = "monitoring.view"
INFRA_VIEW = "infrastructure.view"
RESULTS_VIEW = "results.view"
LEARNING_VIEW = "learning.view"
INGEST_RUN = "ingest.run"


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
