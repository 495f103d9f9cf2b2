"""Own work and the review queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from edudx.core.filters import parse_filter
from edudx.core.pagination import paginate

from .. import permissions as perms
from .. import selectors
from ..exports import EXPORT_LIMIT, resources_xlsx
from ..filters import OwnFilter
from ..models import State


@login_required
def my_resources(request):
    request.scope.require_any(perms.CONTRIBUTE)
    f = parse_filter(OwnFilter, request.GET)
    qs, order = selectors.own_list(scope=request.scope, user=request.user, filters=f)
    if request.GET.get("export") == "xlsx":
        rows = list(qs.order_by(*order).prefetch_related("grade_rows")[:EXPORT_LIMIT])
        return resources_xlsx(rows, "hoc-lieu-cua-toi.xlsx")
    page = paginate(qs, order=order, cursor=request.GET.get("cursor"), limit=50)
    return render(request, "library/my_resources.html", {"page": page, "f": f, "states": State.choices})


@login_required
def review_queue(request):
    request.scope.require_any(perms.REVIEW)
    qs = selectors.review_queue(scope=request.scope, state=request.GET.get("state", ""))
    page = paginate(qs, order=("updated_at", "id"), cursor=request.GET.get("cursor"), limit=50)
    return render(request, "library/review_queue.html", {"page": page})
