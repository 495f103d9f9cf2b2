"""Every read of the skills app, through the caller's Scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from edudx.core import aggregates
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .. import permissions as perms
from ..models import (
    Alert,
    Campaign,
    Certificate,
    Competence,
    ExamResult,
    Framework,
    PersonCertificate,
    SelfAssessment,
)
from ..services.common import COVERAGE, HEATMAP


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.all()


def staff_competences() -> QuerySet[Competence]:
    """The competences of the teachers' frameworks in force (what staff are trained in)."""
    return Competence.objects.filter(
        framework__audience=Framework.Audience.TEACHER, framework__state=Framework.State.ACTIVE
    ).order_by("framework__code", "order")


def certificate_list(*, active_only: bool = True) -> QuerySet[Certificate]:
    qs = Certificate.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def measures() -> list[tuple[str, str]]:
    """What coverage can count: the IT standard's two levels, then every certificate."""
    from django.utils.translation import gettext as _g

    return [
        ("std:basic", _g("Basic IT skills standard")),
        ("std:advanced", _g("Advanced IT skills standard")),
    ] + [(c.code, c.name) for c in certificate_list()]


def _schools(scope: Scope) -> list[int]:
    return list(registry.school_ids_in_scope(scope=scope, permission=perms.VIEW))


def coverage(
    *, scope: Scope, measure: str, group: str = "staff", area: int | None = None, sub: str = ""
) -> dict[str, Any]:
    """Share of staff (by position) or pupils (by grade) holding `measure` (a certificate code or
    std:basic / std:advanced), per ward — or per school of `area` — ranked, from the maintained
    figures. `sub` limits to one position or grade."""
    group = "pupils" if group == "pupils" else "staff"
    ids = _schools(scope)
    summaries = {s["id"]: s for s in registry.school_summaries(ids)}
    if area is not None:
        ids = [i for i in ids if summaries.get(i, {}).get("area_id") == area]
    figures = aggregates.read(COVERAGE, ids)
    held_key = "staff_cert" if group == "staff" else "pupil_cert"
    rows: dict[int, dict[str, Any]] = {}
    by_sub: dict[str, list[int]] = {}
    for sid in ids:
        fig = figures.data.get(sid)
        s = summaries.get(sid)
        if not fig or not s:
            continue
        key, name = (sid, s["name"]) if area is not None else (s["area_id"], s["area"])
        row = rows.setdefault(key, {"unit_id": key, "unit": name, "people": 0, "holders": 0})
        people = {k: v for k, v in fig[group].items() if not sub or k == sub}
        held = {k: v for k, v in fig[held_key].get(measure, {}).items() if not sub or k == sub}
        row["people"] += sum(people.values())
        row["holders"] += sum(held.values())
        for k, v in people.items():
            by_sub.setdefault(k, [0, 0])[0] += v
        for k, v in held.items():
            by_sub.setdefault(k, [0, 0])[1] += v
    out = list(rows.values())
    for r in out:
        r["share"] = round(100 * r["holders"] / r["people"], 1) if r["people"] else 0.0
    out.sort(key=lambda r: (-r["share"], r["unit"] or ""))
    total_people = sum(r["people"] for r in out)
    total_holders = sum(r["holders"] for r in out)
    return {
        "rows": out,
        "by_sub": sorted(
            ((k, n, h, round(100 * h / n, 1) if n else 0.0) for k, (n, h) in by_sub.items()),
            key=lambda t: t[0],
        ),
        "people": total_people,
        "holders": total_holders,
        "share": round(100 * total_holders / total_people, 1) if total_people else 0.0,
        "as_of": figures.as_of,
    }


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("framework")


def campaign_get(*, pk: int) -> Campaign:
    try:
        return Campaign.objects.select_related("framework").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def heatmap(
    *, scope: Scope, campaign: Campaign, area: int | None = None, position: str = ""
) -> dict[str, Any]:
    """Mean confirmed level per competence × unit (wards, or the schools of `area`), the share at
    or above the department's target for the position, and the gap (target − mean)."""
    ids = _schools(scope)
    summaries = {s["id"]: s for s in registry.school_summaries(ids)}
    if area is not None:
        ids = [i for i in ids if summaries.get(i, {}).get("area_id") == area]
    figures = aggregates.read(HEATMAP, ids)
    comps = list(Competence.objects.filter(framework_id=campaign.framework_id).order_by("order"))
    targets = dict(campaign.framework.targets.values_list("position", "rank"))
    units: dict[int, str] = {}
    cells: dict[tuple[int, str], list[float]] = {}
    for sid in ids:
        s = summaries.get(sid)
        data = (figures.data.get(sid) or {}).get(str(campaign.pk), {})
        if not s:
            continue
        key, name = (sid, s["name"]) if area is not None else (s["area_id"], s["area"])
        units[key] = name
        for pos, by_comp in data.items():
            if position and pos != position:
                continue
            target = targets.get(pos)
            for comp, hist in by_comp.items():
                c = cells.setdefault((key, comp), [0.0, 0.0, 0.0])
                for rank, n in hist.items():
                    c[0] += int(rank) * n
                    c[1] += n
                    if target is not None and int(rank) >= target:
                        c[2] += n
    order = sorted(units, key=lambda k: units[k] or "")
    target = targets.get(position) if position else (max(targets.values()) if targets else None)
    grid = []
    for comp in comps:
        row = []
        for u in order:
            s_, n, at = cells.get((u, str(comp.pk)), [0.0, 0.0, 0.0])
            mean = round(s_ / n, 2) if n else None
            row.append(
                {
                    "mean": mean,
                    "n": int(n),
                    "at_target": round(100 * at / n) if n else None,
                    "gap": round(target - mean, 2) if (target is not None and mean is not None) else None,
                }
            )
        grid.append((comp, row))
    return {"units": [(u, units[u]) for u in order], "grid": grid, "target": target, "as_of": figures.as_of}


def holders(*, scope: Scope, school_id: int) -> QuerySet[PersonCertificate]:
    """The people of one school behind the figures (the caller masks what they may not see)."""
    school = registry.school_get(scope=scope, pk=school_id)
    scope.require(perms.VIEW_PEOPLE, school.unit.path)
    return PersonCertificate.objects.filter(school_id=school.pk).select_related(
        "certificate", "staff", "student"
    )


def certificate_get(*, scope: Scope, pk: int) -> PersonCertificate:
    pc = PersonCertificate.objects.select_related("certificate").filter(pk=pk).first()
    if pc is None or not scope.can(perms.VIEW_PEOPLE, pc.unit_path):
        raise NotFound()
    return pc


def certificate_list_in_scope(*, scope: Scope) -> QuerySet[PersonCertificate]:
    return PersonCertificate.objects.filter(scope.filter_q(perms.VIEW_PEOPLE, "unit_path")).select_related(
        "certificate"
    )


def results_unmatched(*, scope: Scope) -> QuerySet[ExamResult]:
    return ExamResult.objects.filter(
        scope.filter_q(perms.IMPORT_RESULTS, "unit_path"), match=ExamResult.Match.NONE
    ).select_related("certificate")


def result_get(*, scope: Scope, pk: int) -> ExamResult:
    r = ExamResult.objects.select_related("certificate").filter(pk=pk).first()
    if r is None or not scope.can(perms.IMPORT_RESULTS, r.unit_path):
        raise NotFound()
    return r


def expiring(
    *, scope: Scope, within_days: int = 60, today: dt.date | None = None
) -> QuerySet[PersonCertificate]:
    """Certificates in scope that run out within `within_days` (the alert list of a person's
    school; the person sees their own on their page)."""
    today = today or timezone.localdate()
    return certificate_list_in_scope(scope=scope).filter(
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=within_days),
        state__in=[PersonCertificate.State.CLAIMED, PersonCertificate.State.VERIFIED],
    )


def alerts(*, scope: Scope, staff_id: int | None, today: dt.date | None = None) -> QuerySet[Alert]:
    """Expiry alerts of the last 180 days: the reader's own certificates (their staff record)
    and those of the schools whose certificates they manage."""
    today = today or timezone.localdate()
    q = scope.filter_q(perms.MANAGE_CERTS, "unit_path")
    if staff_id is not None:
        q |= Q(staff_id=staff_id)
    return (
        Alert.objects.filter(q, created_at__date__gte=today - dt.timedelta(days=180))
        .select_related(
            "person_certificate__certificate", "person_certificate__staff", "person_certificate__student"
        )
        .order_by("due_on", "id")
    )


def catalogue_get(*, pk: int) -> Certificate:
    """A certificate of the catalogue, active or not (the department's edit page)."""
    found = Certificate.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def framework_get(*, pk: int) -> Framework:
    found = Framework.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def own_record(*, staff_id: int | None) -> dict[str, Any]:
    """A staff member's own digital-skills record (their page): certificates with their status,
    training (entered, imported or a completed online course), self-assessments. `staff_id` is
    the caller's own staff record (`services.common.own_staff_id`), never one from a request."""
    from ..models import TrainingRecord

    if staff_id is None:
        return {"certificates": [], "training": [], "assessments": []}
    certificates = list(
        PersonCertificate.objects.filter(staff_id=staff_id)
        .select_related("certificate")
        .order_by("certificate__name", "-issued_on", "id")
    )
    training = list(
        TrainingRecord.objects.filter(staff_id=staff_id)
        .select_related("competence")
        .order_by("-completed_on", "id")
    )
    assessments = list(
        SelfAssessment.objects.filter(staff_id=staff_id).select_related("campaign").order_by("-campaign__id")
    )
    return {"certificates": certificates, "training": training, "assessments": assessments}


def own_assessments(*, scope: Scope, staff_id: int | None) -> QuerySet[SelfAssessment]:
    if staff_id is None:
        return SelfAssessment.objects.none()
    return SelfAssessment.objects.filter(
        scope.filter_q(perms.ASSESS, "unit_path"), staff_id=staff_id
    ).select_related("campaign", "campaign__framework")


def assessment_get(*, scope: Scope, pk: int) -> SelfAssessment:
    a = SelfAssessment.objects.select_related("campaign", "campaign__framework").filter(pk=pk).first()
    if a is None or not (scope.can(perms.ASSESS, a.unit_path) or scope.can(perms.CONFIRM, a.unit_path)):
        raise NotFound()
    return a


def to_confirm(*, scope: Scope) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(
        scope.filter_q(perms.CONFIRM, "unit_path"), status=SelfAssessment.Status.SUBMITTED
    ).select_related("campaign")
