"""Import pages: upload → preview (counts, diffs, problems) → commit → report downloads.

Thin: forms parse, services act, selectors read. Files above INGEST_BACKGROUND_BYTES are
checked and committed by the worker; the page polls their progress with htmx.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError
from edudx.core.forms import apply_domain_error

from . import kinds, selectors, services
from .engine import report as report_mod
from .forms import CommitForm, UploadForm
from .models import ImportRun
from .permissions import RUN
from .template import build_template


def _kind_labels() -> dict[str, str]:
    return {k.name: str(k.label) for k in kinds.all_kinds()}


@login_required
def run_list(request):
    request.scope.require_any(RUN)
    services.runs_settle_stale()  # once, before the read: the list itself never writes
    runs = selectors.run_list(scope=request.scope)
    kind = request.GET.get("kind") or ""
    if "\x00" in kind:  # PostgreSQL cannot compare text holding NUL
        kind = ""
    if kind:
        runs = runs.filter(kind=kind)
    labels = _kind_labels()
    return render(
        request,
        "ingest/run_list.html",
        {
            "rows": [(r, labels.get(r.kind, r.kind)) for r in runs[:200]],
            "kinds": kinds.all_kinds(),
            "kind": kind,
        },
    )


@login_required
def upload(request):
    request.scope.require_any(RUN)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        try:
            run = services.run_receive(
                actor=actor,
                kind=form.cleaned_data["kind"],
                fileobj=form.cleaned_data["file"],
                file_name=form.cleaned_data["file"].name,
                mode=form.cleaned_data["mode"],
                language=form.cleaned_data["language"],
            )
            services.run_check_start(actor=actor, run=run)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("ingest:run_detail", run_id=run.pk)
    return render(request, "ingest/upload.html", {"form": form, "kinds": kinds.all_kinds()})


@login_required
def run_detail(request, run_id: int):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    problems = run.report.get("problems", [])
    valid = services.valid_rows(run)
    # A file with errors is best committed in part: offer that first, strict stays a choice.
    mode = ImportRun.Mode.PARTIAL if run.errors and valid else run.mode
    return render(
        request,
        "ingest/run_detail.html",
        {
            "run": run,
            "kind_label": _kind_labels().get(run.kind, run.kind),
            "problems": report_mod.for_display(problems[:1000]),
            "more_problems": max(len(problems) - 1000, 0),
            "diffs": report_mod.diff_rows(run.report.get("diffs", [])[:200], run.report.get("header_of", {})),
            "commit_form": CommitForm(initial={"mode": mode}),
            "can_commit": valid > 0,
            "progress": services.progress_of(run),
            "busy": run.state in (ImportRun.State.CHECKING, ImportRun.State.COMMITTING),
        },
    )


@login_required
def run_progress(request, run_id: int):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    response = render(request, "ingest/_progress.html", {"run": run, "progress": services.progress_of(run)})
    if run.state not in (ImportRun.State.CHECKING, ImportRun.State.COMMITTING):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_commit(request, run_id: int):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    form = CommitForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else run.mode
    try:
        services.run_commit_start(actor=Actor.from_request(request), run=run, mode=mode)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("ingest:run_detail", run_id=run.pk)


@login_required
@require_POST
def run_cancel(request, run_id: int):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    try:
        services.run_cancel(actor=Actor.from_request(request), run=run)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("ingest:run_detail", run_id=run.pk)


def _report(request, run_id: int, fmt: str) -> HttpResponse:
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    problems = run.report.get("problems", [])
    base = f"bao-cao-nhap-{run.pk}"
    if fmt == "csv":
        resp = HttpResponse(report_mod.as_csv(problems), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        resp = HttpResponse(report_mod.as_json(problems), content_type="application/json")
    else:
        with services.local_copy(run) as path:
            data = report_mod.as_xlsx(
                problems, source=path, fmt=run.file_format, headers=run.report.get("headers", [])
            )
        resp = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    resp["Content-Disposition"] = f'attachment; filename="{base}.{fmt}"'
    return resp


@login_required
def report_csv(request, run_id: int):
    return _report(request, run_id, "csv")


@login_required
def report_json(request, run_id: int):
    return _report(request, run_id, "json")


@login_required
def report_xlsx(request, run_id: int):
    return _report(request, run_id, "xlsx")


@login_required
def template_download(request):
    request.scope.require_any(RUN)
    kind = services.get_kind(request.GET.get("kind", "students"))
    resp = HttpResponse(
        build_template(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="mau-{kind.name}.xlsx"'
    return resp


__all__ = ["_"]
