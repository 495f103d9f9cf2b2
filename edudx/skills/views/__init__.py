"""Skills pages: coverage (certificates and the IT standard per unit, ranked, with drill-down
and export), the self-assessment heatmap, a school's people behind the figures (masked), the
staff member's own self-assessment, the principal's confirmations, the unmatched results."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from pydantic import ValidationError

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied
from edudx.core.rules.people import Position
from edudx.orgs import selectors as org_selectors

from .. import permissions as perms
from .. import selectors
from ..schemas import RatingIn
from ..services import campaigns as campaign_services
from ..services.common import own_staff_id

# The registry's permission to see a person's data unmasked (its own name for it).
VIEW_PII = "registry.view_pii"


def _int(value: str | None) -> int | None:
    try:
        n = int(value or "")
    except ValueError:
        return None
    return n if 0 < n < 2**53 else None


def _area(request: HttpRequest) -> tuple[int | None, str]:
    """The ward chosen (one of the caller's units) and its name; a foreign or bad id drops it."""
    area = _int(request.GET.get("area"))
    if area is None:
        return None, ""
    scope = request.scope  # type: ignore[attr-defined]
    found = org_selectors.unit_list(scope=scope).filter(pk=area).values_list("name", flat=True).first()
    return (area, found) if found else (None, "")


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    options = selectors.measures()
    measure = request.GET.get("measure") or "std:basic"
    if measure not in dict(options):
        measure = "std:basic"
    group = "pupils" if request.GET.get("group") == "pupils" else "staff"
    sub = (request.GET.get("sub") or "")[:20]
    area, area_name = _area(request)
    data = selectors.coverage(scope=scope, measure=measure, group=group, area=area, sub=sub)
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.export_response(
            request,
            name="do-phu-chung-chi",
            headers=[_("Unit"), _("People"), _("Holders"), _("Share (%)")],
            rows=([r["unit"], r["people"], r["holders"], r["share"]] for r in data["rows"]),
        )
    subs = (
        [(p.value, p.label) for p in Position]
        if group == "staff"
        else [(str(g), str(g)) for g in range(1, 13)]
    )
    chart = {
        "labels": [r["unit"] for r in data["rows"][:40]],
        "values": [r["share"] for r in data["rows"][:40]],
    }
    return render(
        request,
        "skills/coverage.html",
        {
            "data": data,
            "options": options,
            "measure": measure,
            "measure_name": dict(options)[measure],
            "group": group,
            "sub": sub,
            "subs": subs,
            "area": area,
            "area_name": area_name,
            "chart": json.dumps(chart),
            "as_of": data["as_of"],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    campaigns = list(selectors.campaign_list())
    chosen = _int(request.GET.get("campaign"))
    campaign = next((c for c in campaigns if c.pk == chosen), campaigns[0] if campaigns else None)
    position = request.GET.get("position") or ""
    if position not in Position.values:
        position = ""
    area, area_name = _area(request)
    data = (
        selectors.heatmap(scope=scope, campaign=campaign, area=area, position=position) if campaign else None
    )
    if data:
        # Cells prepared here, not in the template: 20 competences × 168 wards is 3,360 cells,
        # and a dozen template tags per cell cost seconds.
        data["rows"] = [(comp, [_cell(c) for c in row]) for comp, row in data["grid"]]
    return render(
        request,
        "skills/heatmap.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "data": data,
            "positions": list(Position.choices),
            "position": position,
            "area": area,
            "area_name": area_name,
            "as_of": data["as_of"] if data else None,
        },
    )


def _vn(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _cell(c: dict[str, Any]) -> dict[str, str]:
    """A heatmap cell's class, data attribute and text (Vietnamese decimal comma)."""
    if c["mean"] is None:
        return {"cls": "text-secondary", "mean": "", "text": "—"}
    gap = c["gap"]
    cls = "table-success" if gap is None or gap <= 0 else "table-warning" if gap <= 0.5 else "table-danger"
    parts = [_vn(c["mean"])]
    if c["at_target"] is not None:
        parts.append(f"{c['at_target']} %")
    if gap is not None:
        parts.append(f"Δ {_vn(gap)}")
    parts.append(f"n={c['n']}")
    return {"cls": cls, "mean": str(c["mean"]), "text": " · ".join(parts)}


def _masked_name(name: str) -> str:
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in name.split())


@login_required
def school_people(request: HttpRequest, school_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    rows = selectors.holders(scope=scope, school_id=school_id)
    people = []
    for pc in rows[:1000]:
        person = pc.staff or pc.student
        full = scope.can(VIEW_PII, pc.unit_path) or pc.staff_id is not None
        people.append(
            {
                "name": person.full_name
                if full and person
                else _masked_name(person.full_name if person else ""),
                "is_staff": pc.staff_id is not None,
                "pc": pc,
            }
        )
    return render(request, "skills/school.html", {"people": people, "school_id": school_id})


@login_required
def my_assessments(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    actor.scope.require_any(perms.ASSESS)
    own = selectors.own_assessments(scope=actor.scope, staff_id=own_staff_id(actor))
    return render(request, "skills/assess_list.html", {"assessments": own})


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's own certificates (claimed / verified / expired / revoked),
    training and self-assessments."""
    actor = Actor.from_request(request)
    actor.scope.require_any(perms.ASSESS)
    staff_id = own_staff_id(actor)
    return render(
        request,
        "skills/my_record.html",
        {"linked": staff_id is not None, **selectors.own_record(staff_id=staff_id)},
    )


def _ratings_from(post: Any, competences: list[Any]) -> list[RatingIn]:
    out = []
    for c in competences:
        rank = _int(post.get(f"rank_{c.pk}"))
        if rank is None:
            continue
        out.append(
            RatingIn(competence_id=c.pk, rank=rank, evidence=(post.get(f"evidence_{c.pk}") or "")[:500])
        )
    return out


@login_required
def assessment(request: HttpRequest, self_assessment_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    a = selectors.assessment_get(scope=actor.scope, pk=self_assessment_id)
    is_own = own_staff_id(actor) == a.staff_id
    may_confirm = actor.scope.can(perms.CONFIRM, a.unit_path)
    if not (is_own or may_confirm):
        raise NotFound()
    competences = list(a.campaign.framework.competences.select_related("domain").order_by("order"))
    levels = list(a.campaign.framework.levels.order_by("rank"))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("save", "submit") and is_own:
                campaign_services.ratings_save(
                    actor=actor, assessment=a, ratings=_ratings_from(request.POST, competences)
                )
                if action == "submit":
                    campaign_services.assessment_submit(actor=actor, assessment=a)
                messages.success(request, _("Submitted.") if action == "submit" else _("Saved."))
            elif action == "confirm" and may_confirm:
                campaign_services.assessment_confirm(
                    actor=actor, assessment=a, note=request.POST.get("note", "")
                )
                messages.success(request, _("Confirmed."))
            elif action == "return" and may_confirm:
                campaign_services.assessment_return(
                    actor=actor, assessment=a, note=request.POST.get("note", "")
                )
                messages.success(request, _("Returned."))
            else:
                raise PermissionDenied()
        except ValidationError:
            messages.error(request, _("A level or an evidence is not valid."))
        except DomainError as exc:
            if isinstance(exc, PermissionDenied | NotFound):
                raise
            messages.error(request, str(exc.message))
        return redirect("skills:assessment", self_assessment_id=a.pk)
    ratings = {r.competence_id: r for r in a.ratings.all()}
    return render(
        request,
        "skills/assess.html",
        {
            "a": a,
            "rows": [(c, ratings.get(c.pk)) for c in competences],
            "levels": levels,
            "is_own": is_own,
            "may_confirm": may_confirm,
        },
    )


@login_required
def confirm_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.CONFIRM)
    return render(request, "skills/confirm.html", {"assessments": selectors.to_confirm(scope=scope)[:500]})


@login_required
def results(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.IMPORT_RESULTS)
    return render(request, "skills/results.html", {"results": selectors.results_unmatched(scope=scope)[:500]})
