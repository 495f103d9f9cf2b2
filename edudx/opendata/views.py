"""Open data pages: the public catalogue, each dataset with its dictionary and versions, the
files, the DCAT catalogue and the CSVW dictionary (no login); publishing (the department)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied

from . import catalog, selectors, services

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def _may_publish(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return False
    try:
        services.require_department(Actor.from_request(request))
    except PermissionDenied:
        return False
    return True


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    rows = selectors.catalogue()
    may_publish = _may_publish(request)
    if not may_publish:
        rows = [(d, p) for d, p in rows if p is not None]
    return render(
        request,
        "opendata/catalogue.html",
        {
            "rows": rows,
            "may_publish": may_publish,
            "licence": catalog.LICENCE_NAME,
            "threshold": settings.OPENDATA_MIN_COUNT,
        },
    )


@require_GET
def dataset_detail(request: HttpRequest, dataset: str) -> HttpResponse:
    found, versions = selectors.dataset_public(dataset)
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": found,
            "versions": versions,
            "latest": versions[0],
            "may_publish": _may_publish(request),
            "licence": catalog.LICENCE_NAME,
            "licence_url": catalog.LICENCE_URL,
        },
    )


@require_GET
def download(request: HttpRequest, dataset: str, version: int, fmt: str) -> FileResponse:
    publication = selectors.publication_get(dataset, version)
    path = selectors.publication_file(publication, fmt)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Content-Type"] = MEDIA_TYPES[fmt]
    return response


@require_GET
def dictionary(request: HttpRequest, dataset: str, version: int) -> JsonResponse:
    """The data dictionary as CSV on the Web metadata (W3C CSVW) describing the CSV file."""
    publication = selectors.publication_get(dataset, version)
    doc = catalog.csvw(request, services.dataset_get(dataset), publication)
    return JsonResponse(doc, content_type="application/csvm+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def dcat(request: HttpRequest) -> JsonResponse:
    """The catalogue as DCAT in JSON-LD, for national and international data portals."""
    doc = catalog.dcat(request, selectors.catalogue())
    return JsonResponse(doc, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def publish(request: HttpRequest, dataset: str) -> HttpResponse:
    try:
        publication = services.publication_create(actor=Actor.from_request(request), dataset_code=dataset)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("opendata:catalogue")
    messages.success(
        request, _("Published version %(version)s of the dataset.") % {"version": publication.version}
    )
    return redirect(reverse("opendata:dataset", kwargs={"dataset": dataset}))
