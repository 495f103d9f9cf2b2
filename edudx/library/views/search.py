"""Search pages: the resource list with its facets and export, suggestions, the most used."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core.filters import parse_filter
from edudx.core.rules.curriculum import Subject

from .. import permissions as perms
from .. import search, selectors
from ..exports import EXPORT_LIMIT, resources_xlsx
from ..filters import ResourceFilter
from ..forms import GRADE_CHOICES
from ..models import Licence, ResourceType, Series

FACET_LABELS: dict[str, dict[str, Any]] = {
    "subject": dict(Subject.choices),
    "resource_type": dict(ResourceType.choices),
    "licence": dict(Licence.choices),
    "series": dict(Series.choices),
    "grade": {str(k): v for k, v in GRADE_CHOICES},
}


@login_required
def resource_list(request):
    f = parse_filter(ResourceFilter, request.GET)
    if request.GET.get("export") == "xlsx":
        result = selectors.resource_search(
            scope=request.scope, filters=f, limit=EXPORT_LIMIT, with_facets=False
        )
        return resources_xlsx(result.page.items, "hoc-lieu.xlsx")
    result = selectors.resource_search(scope=request.scope, filters=f, cursor=request.GET.get("cursor"))
    _label_cards(result.page.items)
    facets = [
        (
            name,
            _label_of_facet(name),
            [(v, FACET_LABELS[name].get(v, v), n) for v, n in result.facets.get(name, [])],
        )
        for name in ("subject", "grade", "resource_type", "licence", "series")
    ]
    ctx = {
        "f": f,
        "result": result,
        "facets": facets,
        # How many matches the counts read (fewer than FACET_CAP when the walk's time ran out).
        "facet_cap": result.counted or search.FACET_CAP,
        "sorts": [("relevance", _("Relevance")), ("newest", _("Newest")), ("most_used", _("Most used"))],
        "can_contribute": request.scope.has_perm(perms.CONTRIBUTE),
    }
    if not f.q and not request.GET.get("cursor"):
        since = selectors.usage_month_start(timezone.localtime())
        ctx["most_used_since"] = since
        ctx["most_used"] = selectors.most_used(scope=request.scope, since=since, subject=f.subject, limit=5)
    template = (
        "library/_results.html"
        if request.htmx and request.htmx.target == "results"
        else "library/resource_list.html"
    )
    return render(request, template, ctx)


def _label_cards(items) -> None:
    """Each card's subject, type and series labels, looked up once per distinct value: a model's
    get_FOO_display() rebuilds the field's whole choices dict (every lazy label translated and
    hashed) on each call — ~40 translations a call, three calls a card, 20 cards a page."""
    labels: dict[tuple[str, str], str] = {}

    def label(name: str, value: str) -> str:
        key = (name, value)
        if key not in labels:
            labels[key] = str(FACET_LABELS[name].get(value, value)) if value else ""
        return labels[key]

    for r in items:
        r.subject_label = label("subject", r.subject)
        r.type_label = label("resource_type", r.resource_type)
        r.series_label = label("series", r.series)


def _label_of_facet(name):
    return {
        "subject": _("Subject"),
        "grade": _("Grade"),
        "resource_type": _("Type"),
        "licence": _("Licence"),
        "series": _("Textbook series"),
    }[name]


@login_required
def suggest(request):
    items = selectors.suggestions(scope=request.scope, q=request.GET.get("q", ""))
    return render(request, "library/_suggest.html", {"items": items})


@login_required
def most_used(request):
    since = selectors.usage_month_start(timezone.localtime())
    by_subject = selectors.most_used_by_subject(scope=request.scope, since=since)
    labels = dict(Subject.choices)
    return render(
        request,
        "library/most_used.html",
        {"groups": [(labels.get(s, s), rows) for s, rows in by_subject.items()], "since": since},
    )
