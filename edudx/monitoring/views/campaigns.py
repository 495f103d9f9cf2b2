"""Campaigns: the list, one campaign's progress and schools, state changes, dashboards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.errors import DomainError, PermissionDenied
from edudx.core.pagination import paginate
from edudx.core.rules.levels import Level, Ownership
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from .. import selectors, services
from ..forms import CAMPAIGN_TRANSITION_LABELS, CampaignForm
from ..models import Assessment, Campaign
from .common import actor, as_json, flash_error

STATUS_COLORS = {
    "not_started": "#adb5bd",
    "draft": "#ffc107",
    "submitted": "#0d6efd",
    "returned": "#dc3545",
    "approved": "#20c997",
    "published": "#198754",
}
LEVEL_COLORS = ["#6c757d", "#f0ad4e", "#5bc0de", "#198754"]


def level_labels():
    return [_("No level (mandatory not met)"), _("Level 1"), _("Level 2"), _("Level 3")]


@login_required
def index(request):
    scope = request.scope
    campaigns = list(selectors.campaign_list(scope=scope))
    mine = []
    if scope.has_perm(perms.ASSESS):
        mine = list(
            selectors.assessments_in_scope(scope=scope, permission=perms.ASSESS)
            .select_related("campaign", "school__unit")
            .order_by("-campaign__school_year", "unit_path")[:20]
        )
    if scope.has_perm(perms.ASSESS_AUTHORITY):  # the officer's own ward or department (3806)
        mine += list(
            selectors.own_authority_assessments(scope=scope).select_related("campaign", "authority")[:20]
        )
    queue = selectors.review_queue(scope=scope).count() if scope.has_perm(perms.REVIEW) else None
    rows = []
    for c in campaigns:
        counts = dict.fromkeys(STATUS_COLORS, 0)
        for r in (
            selectors.assessments_in_scope(scope=scope, campaign=c)
            .values("status")
            .order_by()
            .annotate(n=Count("id"))
        ):
            counts[r["status"]] = r["n"]
        total = sum(counts.values())
        rows.append({"c": c, "counts": counts, "total": total})
    return render(
        request,
        "monitoring/index.html",
        {
            "rows": rows,
            "mine": mine,
            "queue": queue,
            "can_manage": scope.has_perm(perms.MANAGE_CAMPAIGNS),
            "status_colors": STATUS_COLORS,
            "statuses": Assessment.Status.choices,
        },
    )


@login_required
def campaign_create(request):
    scope = request.scope
    scope.require_any(perms.MANAGE_CAMPAIGNS)
    frameworks = selectors.framework_list(scope=scope)  # schools (4725) or authorities (3806)
    units = org_selectors.unit_list(scope=scope).exclude(kind="school")
    groupings = org_selectors.grouping_list(scope=scope)
    form = CampaignForm(request.POST or None, frameworks=frameworks, units=units, groupings=groupings)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        owner = units.filter(
            depth=units.order_by("depth").values_list("depth", flat=True).first() or 0
        ).first()
        if owner is None:  # a scope with no unit manages no campaign
            raise PermissionDenied()
        try:
            c = services.campaign_create(
                actor=actor(request),
                framework=d["framework"],
                owner=owner,
                name=d["name"],
                school_year=d["school_year"],
                self_deadline=d["self_deadline"],
                review_deadline=d["review_deadline"],
                units=list(d["units"]),
                groupings=list(d["groupings"]),
                levels=d["levels"],
                ownerships=d["ownerships"],
            )
            messages.success(request, _("Campaign created. Check the coverage, then open it."))
            return redirect("monitoring:campaign_detail", campaign_id=c.pk)
        except DomainError as exc:
            flash_error(request, exc)
    return render(request, "monitoring/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, campaign_id: int):
    scope = request.scope
    c = selectors.campaign_get(scope=scope, pk=campaign_id)
    f = selectors.AssessmentFilter(
        q=request.GET.get("q", "")[:100],
        status=request.GET.get("status", ""),
        supervisor=_int(request.GET.get("supervisor")),
        level=request.GET.get("level", ""),
        sort=request.GET.get("sort", "school"),
    )
    qs, order = selectors.assessment_list(scope=scope, campaign=c, filters=f)
    qs = qs.prefetch_related("results__group")
    page = paginate(qs, order=order, cursor=request.GET.get("cursor"), limit=50)
    progress = selectors.campaign_progress(scope=scope, campaign=c)
    transitions = (
        [(s, CAMPAIGN_TRANSITION_LABELS[s]) for s in services.TRANSITIONS[Campaign.State(c.state)]]
        if scope.can(perms.MANAGE_CAMPAIGNS, c.owner.path)
        else []
    )
    supervisors = org_selectors.area_list(scope=scope)
    return render(
        request,
        "monitoring/campaign_detail.html",
        {
            "c": c,
            "page": page,
            "filters": f,
            "progress": progress,
            "scoring": selectors.scoring_coverage(c.framework),
            "filled": selectors.campaign_coverage(scope=request.scope, campaign=c),
            "can_autoscore": c.state == Campaign.State.OPEN
            and request.scope.can(perms.MANAGE_CAMPAIGNS, c.owner.path),
            "transitions": transitions,
            "statuses": Assessment.Status.choices,
            "levels": Level.choices,
            "supervisors": supervisors,
            "status_colors": STATUS_COLORS,
            "can_review": scope.has_perm(perms.REVIEW),
            "can_extend": c.state == Campaign.State.OPEN and scope.can(perms.EXTEND_DEADLINE, c.owner.path),
            "progress_chart": as_json(
                {
                    "labels": [str(lbl) for _s, lbl in Assessment.Status.choices],
                    "values": [progress["total"][s] for s, _l in Assessment.Status.choices],
                    "colors": [STATUS_COLORS[s] for s, _l in Assessment.Status.choices],
                }
            ),
        },
    )


def _int(v):
    try:
        return int(v) if v else None
    except ValueError:
        return None


@login_required
@require_POST
def campaign_transition(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    try:
        services.campaign_transition(actor=actor(request), campaign=c, to=request.POST.get("to", ""))
        messages.success(request, _("Campaign is now: %(s)s") % {"s": c.get_state_display()})
    except (DomainError, ValueError) as exc:
        if isinstance(exc, DomainError):
            flash_error(request, exc)
        else:
            messages.error(request, _("Unknown state."))
    return redirect("monitoring:campaign_detail", campaign_id=c.pk)


@login_required
@require_POST
def campaign_autoscore(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    try:
        services.campaign_autoscore_request(actor=actor(request), campaign=c)
        messages.success(request, _("Automatic points are being filled in; reload the page in a moment."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("monitoring:campaign_detail", campaign_id=c.pk)


@login_required
@require_POST
def campaign_publish(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    try:
        n = services.campaign_publish(actor=actor(request), campaign=c)
        messages.success(request, _("Levels of %(n)s schools published.") % {"n": n})
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("monitoring:campaign_detail", campaign_id=c.pk)


def _stack(dist: dict, labels_fn):
    """ECharts series for a stacked bar: one series per level."""
    cats = list(dist)
    return {
        "labels": [str(labels_fn(k)) for k in cats],
        "series": [
            {
                "name": str(level_labels()[lv]),
                "values": [dist[k].get(lv, 0) for k in cats],
                "color": LEVEL_COLORS[lv],
            }
            for lv in (3, 2, 1, 0)
        ],
    }


@login_required
def dashboard(request, campaign_id: int):
    scope = request.scope
    c = selectors.campaign_get(scope=scope, pk=campaign_id)
    by = request.GET.get("by", "unit")
    if by not in selectors.LEVEL_DIMENSIONS:
        by = "unit"
    figures = selectors.campaign_dashboard(scope=scope, campaign=c, by=by)  # maintained figures
    progress, dist, heat = figures["progress"], figures["levels"], figures["weakest"]
    groups = {g.code: g for g in c.framework.groups.all()}
    names = {"level": dict(Level.choices), "ownership": dict(Ownership.choices)}.get(by, {})
    statuses = Assessment.Status.choices

    def prog_chart(d):
        cats = list(d)
        return {
            "labels": cats,
            "series": [
                {"name": str(lbl), "values": [d[k][s] for k in cats], "color": STATUS_COLORS[s]}
                for s, lbl in statuses
            ],
        }

    level_charts = [
        {"group": groups.get(code), "code": code, "data": _stack(d, lambda k: names.get(k, k)), "table": d}
        for code, d in dist.items()
    ]
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "c": c,
            "by": by,
            "progress": progress,
            "level_charts": level_charts,
            "level_labels": level_labels(),
            "statuses": statuses,
            "progress_unit_chart": as_json(prog_chart(progress["by_unit"])),
            "progress_grouping_chart": as_json(prog_chart(progress["by_grouping"])),
            "level_charts_json": as_json(
                [{"id": f"levels-{lc['code']}", "data": lc["data"]} for lc in level_charts]
            ),
            "heat": heat,
            "heat_json": as_json(heat),
            "as_of": figures["as_of"],
            "scoring": selectors.scoring_coverage(c.framework),
            "filled": selectors.campaign_coverage(scope=request.scope, campaign=c),
        },
    )


@login_required
def trends(request):
    code = request.GET.get("framework", "4725")[:32]
    data = selectors.trends(scope=request.scope, framework_code=code)
    return render(request, "monitoring/trends.html", {"data": data, "data_json": as_json(data), "code": code})


@login_required
def review_queue(request):
    queue = selectors.review_queue(scope=request.scope)
    page = paginate(queue, order=("submitted_at", "id"), cursor=request.GET.get("cursor"), limit=50)
    return render(request, "monitoring/review_queue.html", {"page": page})


@login_required
def school_profile(request, school_id: int):
    request.scope.require_any(perms.VIEW)
    data = selectors.school_profile(scope=request.scope, school_id=school_id)
    chart: dict[str, Any] = {"years": [], "series": {}}
    for a in data["assessments"]:
        chart["years"].append(a.campaign.school_year)
        for r in a.results.all():
            chart["series"].setdefault(r.group.code, []).append(float(r.points))
    return render(
        request,
        "monitoring/school_profile.html",
        {**data, "chart": as_json(chart), "groupings": registry_selectors.school_groupings(data["school"])},
    )
