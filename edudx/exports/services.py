"""Writes of background exports: ask for one, run it (the worker), expire old files.

A job runs its list's `core.exports.Exporter` with the owner's scope as it is when the job
runs (a membership withdrawn meanwhile exports less), masked as the list page is. CSV is
written line by line, XLSX by xlsxwriter in constant memory: no job holds its rows."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.tasks import enqueue_after_commit

from .models import ExportJob

log = logging.getLogger(__name__)

KEEP = dt.timedelta(hours=24)  # a finished file stays downloadable this long
ACTIVE_PER_USER = 3  # jobs waiting or running at once, per user
MAX_QUERY = 2000
PROGRESS_EVERY = 10_000  # rows between two progress writes (core.exports writers)


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def canonical_query(params: dict[str, str] | str) -> str:
    """The list's filters as one sorted query string (the format and page cursor left out)."""
    pairs = parse_qsl(params, keep_blank_values=False) if isinstance(params, str) else list(params.items())
    kept = sorted(
        (str(k), str(v)) for k, v in pairs if k not in ("format", "cursor", "csrfmiddlewaretoken") and v
    )
    return urlencode(kept)


@transaction.atomic
def job_start(*, actor: Actor, exporter: str, format: str, query: dict[str, str] | str = "") -> ExportJob:
    """Ask for an export of a list; the same request while one is waiting or running gives that one."""
    exp = exports.get(exporter)
    if actor.user is None or not exp.allowed(actor.scope):
        raise PermissionDenied()
    if format not in ExportJob.Format.values:
        raise ValidationFailed(_("Unknown export format."), code="export_format_unknown")
    canonical = canonical_query(query)
    if len(canonical) > MAX_QUERY or "\x00" in canonical:
        raise ValidationFailed(_("The list's filters are too long to export."), code="export_query_too_long")
    job_expire_due()
    active = ExportJob.objects.select_for_update().filter(
        owner=actor.user, state__in=[ExportJob.State.PENDING, ExportJob.State.RUNNING]
    )
    same = next((j for j in active if (j.exporter, j.format, j.query) == (exporter, format, canonical)), None)
    if same is not None:
        return same
    if len(active) >= ACTIVE_PER_USER:
        raise Conflict(
            _("You already have %(n)s exports in progress. Wait for one to finish.") % {"n": ACTIVE_PER_USER},
            code="export_too_many",
        )
    job = ExportJob.objects.create(
        owner=actor.user,
        exporter=exporter,
        format=format,
        query=canonical,
        scope_paths=sorted({p for g in actor.scope.grants for p in g.paths}),
    )

    from .tasks import run_export

    enqueue_after_commit(run_export, job)
    return job


def _owner_actor(job: ExportJob) -> Actor:
    from edudx.accounts.services import scope_for_user

    return Actor(user=job.owner, scope=scope_for_user(job.owner), source=f"export:{job.pk}")


def job_run(*, job_id: int) -> ExportJob:
    """Run a waiting job to its end (the worker). Progress is written as the rows go, outside
    any transaction, so the page polling it sees it."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if not can_proceed(job.start):
        return job  # run already, or expired: a task delivered twice does nothing
    job.start()
    job.save(update_fields=["state", "started_at"])
    path: Path | None = None
    try:
        exp = exports.get(job.exporter)
        actor = _owner_actor(job)
        if not job.owner.is_active or not exp.allowed(actor.scope):
            raise PermissionDenied()
        params = dict(parse_qsl(job.query))
        job.total = exp.count(actor.scope, params)
        job.save(update_fields=["total"])
        path = export_dir() / f"{job.pk}-{secrets.token_hex(8)}.{job.format}"

        def progress(n: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=n)

        rows = exp.rows(actor.scope, params)
        if job.format == ExportJob.Format.XLSX:
            n = exports.write_xlsx(str(path), exp.columns, rows, sheet=str(exp.label), progress=progress)
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                n = exports.write_csv(out, exp.headers(), rows, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is the job's, told on its page
        log.exception("export %s failed", job.pk)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        job.fail()
        job.failure = str(getattr(exc, "message", "") or _("The export stopped on an error."))[:255]
        job.save(update_fields=["state", "finished_at", "failure"])
        return job
    job.finish()
    job.done, job.file, job.size = n, path.name, path.stat().st_size
    job.expires_at = job.finished_at + KEEP if job.finished_at else None
    job.save(update_fields=["state", "finished_at", "done", "file", "size", "expires_at"])
    return job


def job_expire_due(*, now: dt.datetime | None = None) -> int:
    """Finished jobs past their time lose their file (failed ones too, a day after)."""
    now = now or timezone.now()
    due = ExportJob.objects.filter(
        state__in=[ExportJob.State.DONE, ExportJob.State.FAILED], expires_at__lt=now
    )
    n = 0
    for job in due:
        if job.file:
            with contextlib.suppress(OSError):
                (export_dir() / job.file).unlink()
        job.expire()
        job.file = ""
        job.save(update_fields=["state", "file"])
        n += 1
    return n


def file_path(job: ExportJob) -> Path | None:
    """The finished file of a job, or None when there is none (any more)."""
    if (
        job.state != ExportJob.State.DONE
        or not job.file
        or (job.expires_at and job.expires_at < timezone.now())
    ):
        return None
    path = export_dir() / Path(job.file).name
    return path if path.is_file() else None
