"""Downloads: XLSX summary, PDF per school, city summary PDF, sector-database export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify

from .. import exports, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@login_required
def campaign_xlsx(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    return _download(
        exports.campaign_xlsx(scope=request.scope, campaign=c), XLSX, f"cds-{c.school_year}-{c.pk}.xlsx"
    )


@login_required
def campaign_summary_pdf(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    return _download(
        exports.city_summary_pdf(scope=request.scope, campaign=c),
        "application/pdf",
        f"tong-hop-cds-{c.school_year}.pdf",
    )


@login_required
def campaign_sector_export(request, campaign_id: int):
    c = selectors.campaign_get(scope=request.scope, pk=campaign_id)
    return _download(
        exports.sector_export_csv(scope=request.scope, campaign=c),
        "text/csv; charset=utf-8",
        f"csdl-nganh-cds-{c.school_year}-{c.pk}.csv",
    )


@login_required
def assessment_pdf(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    name = slugify(a.school.moet_code if a.school else a.authority.code if a.authority else "") or str(a.pk)
    resp = _download(
        exports.assessment_pdf(assessment=a), "application/pdf", f"cds-{a.campaign.school_year}-{name}.pdf"
    )
    if request.GET.get("inline"):
        resp["Content-Disposition"] = resp["Content-Disposition"].replace("attachment", "inline")
    return resp
