"""The authority index (Decision 3806): the ranking of the wards (and the department) of an
authority campaign, as a page, XLSX and a PDF report in the Decree 30/2020 form."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from edudx.core.errors import NotFound

from .. import exports, selectors
from ..models import Campaign, Framework
from .exports import XLSX, _download


def _authority_campaign(request, campaign_id: int) -> Campaign:
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    if c.framework.subject != Framework.Subject.AUTHORITY:
        raise NotFound()  # a school campaign has no ranking of authorities
    return c


@login_required
def ranking(request, campaign_id: int):
    c = _authority_campaign(request, campaign_id)
    rows = selectors.authority_ranking(scope=request.scope, campaign=c)
    chart = {
        "labels": [r["name"] for r in rows],
        "values": [float(r["total"]) for r in rows],
        "urls": [
            reverse("monitoring:assessment_detail", kwargs={"assessment_id": r["assessment"].pk})
            for r in rows
        ],
        "max": 100,
    }
    return render(
        request,
        "monitoring/ranking.html",
        {"c": c, "rows": rows, "groups": selectors.ranking_groups(c), "chart": json.dumps(chart)},
    )


@login_required
def ranking_xlsx(request, campaign_id: int) -> HttpResponse:
    c = _authority_campaign(request, campaign_id)
    return _download(
        exports.ranking_xlsx(scope=request.scope, campaign=c),
        XLSX,
        f"xep-hang-cds-{c.school_year}-{c.pk}.xlsx",
    )


@login_required
def ranking_pdf(request, campaign_id: int) -> HttpResponse:
    c = _authority_campaign(request, campaign_id)
    return _download(
        exports.ranking_pdf(scope=request.scope, campaign=c, issuing_unit=c.owner.name),
        "application/pdf",
        f"bao-cao-xep-hang-cds-{c.school_year}.pdf",
    )
