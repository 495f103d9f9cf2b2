"""Ingest REST API (/api/v1/ingest/): upload and check, preview, commit, status, cancel, report.

The same services as the web pages and the CLI; the caller's Scope decides which runs exist.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.ids import Id

from . import selectors, services
from .engine import report as report_mod
from .models import ImportRun

router = Router(tags=["ingest"])


class RunOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    size: int
    mode: str
    state: str
    rows_total: int
    rows_new: int
    rows_changed: int
    rows_unchanged: int
    rows_rejected: int
    errors: int
    warnings: int
    duration_seconds: float
    progress: float
    created_at: Any


class Problem(Schema):
    row: int
    column: str
    code: str
    severity: str
    message: str


class PreviewOut(Schema):
    run: RunOut
    diffs: list[dict[str, Any]]
    problems: list[Problem]


class CommitIn(Schema):
    mode: Literal["strict", "partial"] | None = None


def _out(run: ImportRun) -> dict[str, Any]:
    data = {f: getattr(run, f) for f in RunOut.model_fields if f not in ("progress",)}
    data["progress"] = services.progress_of(run)["fraction"]
    return data


def _actor(request) -> Actor:
    return Actor.from_request(request, via=Via.API)


@router.get("/runs", response=list[RunOut])
def run_list(request, kind: str = ""):
    services.runs_settle_stale()  # once, before the read: the list itself never writes
    runs = selectors.run_list(scope=request.scope)
    if kind:
        runs = runs.filter(kind=kind)
    return [_out(r) for r in runs[:100]]


@router.post("/runs", response={201: RunOut, **errors(404)})
def run_upload(
    request,
    file: File[UploadedFile],
    kind: Form[str],
    mode: Form[Literal["strict", "partial"]] = "strict",
    language: Form[Literal["vi", "en"]] = "vi",
):
    """Upload a file and check it (in the background for big files): nothing is written yet."""
    actor = _actor(request)
    run = services.run_receive(
        actor=actor, kind=kind, fileobj=file, file_name=file.name or "upload", mode=mode, language=language
    )
    services.run_check_start(actor=actor, run=run)
    run.refresh_from_db()
    return 201, _out(run)


@router.get("/runs/{run_id}", response=RunOut)
def run_status(request, run_id: Id):
    return _out(services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id)))


@router.get("/runs/{run_id}/preview", response=PreviewOut)
def run_preview(request, run_id: Id, limit: int = 1000):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    return {
        "run": _out(run),
        "diffs": run.report.get("diffs", [])[: max(limit, 0)],
        "problems": run.report.get("problems", [])[: max(limit, 0)],
    }


@router.post("/runs/{run_id}/commit", response={200: RunOut, **errors(409)})
def run_commit(request, run_id: Id, body: CommitIn):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    services.run_commit_start(actor=_actor(request), run=run, mode=body.mode)
    run.refresh_from_db()
    return _out(run)


@router.post("/runs/{run_id}/cancel", response={200: RunOut, **errors(409)})
def run_cancel(request, run_id: Id):
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    services.run_cancel(actor=_actor(request), run=run)
    run.refresh_from_db()
    return _out(run)


@router.get("/runs/{run_id}/report")
def run_report(request, run_id: Id, format: Literal["csv", "json"] = "json"):  # noqa: A002 - query name
    run = services.run_settle(selectors.run_get(scope=request.scope, run_id=run_id))
    problems = run.report.get("problems", [])
    if format == "csv":
        resp = HttpResponse(report_mod.as_csv(problems), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(report_mod.as_json(problems), content_type="application/json")
    resp["Content-Disposition"] = f'attachment; filename="bao-cao-nhap-{run.pk}.{format}"'
    return resp
