"""Pages of background exports: ask (POST from a list), follow ("Đang xuất… 45 %"), download,
and the list of my exports. A job is its owner's alone: anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound

from . import selectors, services


@login_required
def job_list(request):
    services.job_expire_due()
    jobs = list(selectors.job_list(scope=request.scope))
    return render(request, "exports/job_list.html", {"jobs": jobs, "labels": _labels(jobs)})


@login_required
@require_POST
def job_start(request):
    """From a list's export button: `exporter`, `format` and the list's query string `query`."""
    try:
        job = services.job_start(
            actor=Actor.from_request(request),
            exporter=request.POST.get("exporter", ""),
            format=request.POST.get("format", ""),
            query=request.POST.get("query", "")[: services.MAX_QUERY + 1],
        )
    except NotFound:
        raise
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))
        return redirect("exports:job_list")
    return redirect("exports:job_detail", job_id=job.pk)


@login_required
def job_detail(request, job_id: int):
    job = selectors.job_get(scope=request.scope, pk=job_id)
    return render(request, "exports/job_detail.html", {"job": job, "label": _labels([job]).get(job.exporter)})


@login_required
def job_progress(request, job_id: int):
    job = selectors.job_get(scope=request.scope, pk=job_id)
    response = render(request, "exports/_progress.html", {"job": job})
    if not job.busy:
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_download(request, job_id: int) -> FileResponse:
    job = selectors.job_get(scope=request.scope, pk=job_id)
    path = services.file_path(job)
    if path is None:
        raise NotFound()
    content_type = exports.XLSX_TYPE if job.format == "xlsx" else exports.CSV_TYPE
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job.download_name, content_type=content_type
    )


def _labels(jobs) -> dict[str, str]:
    out = {}
    for job in jobs:
        try:
            out[job.exporter] = str(exports.get(job.exporter).label)
        except NotFound:
            out[job.exporter] = job.exporter
    return out
