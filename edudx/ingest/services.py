"""Every write of the ingest app: receive a file, check it, commit it, cancel it.

All doors call these. The engine stages live in engine/; this module moves the ImportRun
through its state machine (the transitions are on the model), decides whether a file is
checked now or by the worker (in_background), stores the file through the storage API and
the report on the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core.actor import Actor, Via
from edudx.core.errors import Conflict, NotFound, ValidationFailed

from . import kinds as kinds_mod
from .engine import pipeline
from .engine.receive import receive as sniff_file
from .engine.vnfonts import repair as repair_legacy_font
from .models import ImportRun
from .people import normalise_pid
from .permissions import RUN
from .runfiles import alive as _alive
from .runfiles import flag as _flag
from .runfiles import is_alive as _is_alive
from .runfiles import local_copy, progress_of, request_cancel_flag
from .runfiles import progress_writer as _progress_writer

if TYPE_CHECKING:
    from edudx.orgs.models import OrgUnit

MAX_STORED_PROBLEMS = 100_000
log = logging.getLogger(__name__)


INTERRUPTED = _(
    "Interrupted: the process running this import stopped before it finished. Nothing was written; run it again."
)
_BUSY = (ImportRun.State.CHECKING, ImportRun.State.COMMITTING)


def run_settle(run: ImportRun) -> ImportRun:
    """A run left "checking" or "committing" by a process that died (killed, machine
    restarted) ends as failed, with the reason. Nothing of it was written: the commit is one
    transaction, which the database rolled back when the process died. Safe to call on any
    run, from any process: only a run still in that state, whose lock nobody holds, changes."""
    if run.state not in _BUSY or _is_alive(run):
        return run
    with transaction.atomic():
        current = ImportRun.objects.select_for_update().filter(pk=run.pk, state=run.state).first()
        if current is not None:
            with translation.override(current.language):
                _move(current, current.fail, failure=str(INTERRUPTED))
    run.refresh_from_db()
    return run


def runs_settle_stale() -> int:
    """Settle every interrupted run at once: the list doors call this once before they read
    (a selector never writes), so a list costs one query plus one lock probe per run that is
    busy now — a handful at most, however long the list. Returns how many ended as failed."""
    settled = 0
    for run in ImportRun.objects.filter(state__in=_BUSY).only("pk", "state", "language"):
        settled += run_settle(run).state == ImportRun.State.FAILED
    return settled


def _move(run: ImportRun, step: Callable[[], None], **fields: Any) -> None:
    """One move of the run's state machine (a transition method of the model), saved with
    `fields`. A move the machine does not allow is a Conflict with the stable code
    `bad_state`, never django-fsm's TransitionNotAllowed."""
    if not can_proceed(step):
        raise Conflict(
            _("This import cannot do that now: it is “%(state)s”.") % {"state": run.get_state_display()},
            code="bad_state",
        )
    stamps = {f: getattr(run, f) for f in ("checked_at", "finished_at")}
    step()
    for k, v in fields.items():
        setattr(run, k, v)
    stamped = [f for f, v in stamps.items() if getattr(run, f) != v]
    run.save(update_fields=["state", *fields, *stamped])


def chunk_rows() -> int:
    return int(getattr(settings, "INGEST_CHUNK_ROWS", 50_000))


def get_kind(name: str) -> kinds_mod.Kind:
    try:
        return kinds_mod.get(name)
    except KeyError as exc:
        raise NotFound(_("Unknown import kind “%(kind)s”.") % {"kind": name}, code="unknown_kind") from exc


def run_receive(
    *, actor: Actor, kind: str, fileobj: IO[bytes], file_name: str, mode: str = "strict", language: str = "vi"
) -> ImportRun:
    """Store the upload and open the run. The file is sniffed later, in the check."""
    actor.scope.require_any(RUN)
    get_kind(kind)
    if mode not in ImportRun.Mode.values:
        raise ValidationFailed(_("Unknown mode."), code="bad_mode")
    unit = _actor_unit(actor)
    run = ImportRun(
        kind=kind,
        user=actor.user,
        user_label=actor.label,
        unit=unit,
        unit_path=unit.path if unit else "",
        file_name=Path(file_name).name[:255],
        mode=mode,
        language=language if language in ("vi", "en") else "vi",
    )
    run.file.save(run.file_name, File(fileobj), save=False)
    with local_copy(run) as path:
        run.size = path.stat().st_size
        from .engine.receive import sha256_of

        run.sha256 = sha256_of(path)
    run.save()
    return run


def _actor_unit(actor: Actor) -> OrgUnit | None:
    if actor.user is None:
        return None
    from edudx.orgs import selectors as org_selectors

    paths = actor.scope.paths_for(RUN) or ()
    if not paths:
        return None
    return org_selectors.unit_list(scope=actor.scope).filter(path=paths[0]).first()


def _import_actor(actor: Actor, run: ImportRun) -> Actor:
    return actor.with_source(run.source, via=Via.IMPORT)


def _store_outcome(
    run: ImportRun, outcome: pipeline.Outcome, *, step: Callable[[], None], phase: str, failure: str = ""
) -> None:
    with translation.override(run.language):
        problems = [p.as_dict() for p in outcome.problems.sorted()[:MAX_STORED_PROBLEMS]]
        diffs = [
            {
                "row": d["row"],
                "key": d["key"],
                "changes": {k: [_plain(a), _plain(b)] for k, (a, b) in d["changes"].items()},
            }
            for d in outcome.diffs
        ]
    c = outcome.counts
    fields = {
        "rows_total": c["total"],
        "rows_new": c["new"],
        "rows_changed": c["changed"],
        "rows_unchanged": c["unchanged"],
        "rows_rejected": c["rejected"],
        "errors": outcome.problems.errors,
        "warnings": outcome.problems.warnings,
        "duration_seconds": round(outcome.seconds, 3),
        "file_format": outcome.received.format if outcome.received else "",
        "report": {
            "phase": phase,
            "problems": problems,
            "diffs": diffs,
            "headers": outcome.headers,
            "header_of": outcome.header_of,
            "dropped_warnings": outcome.problems.dropped_warnings,
        },
    }
    if failure:
        fields["failure"] = failure
    _move(run, step, **fields)


def _plain(v: Any) -> Any:
    import datetime as dt

    return v.isoformat() if isinstance(v, dt.date) else v


# Files above this size are checked and committed by the worker, below it while the door waits.
def in_background(run: ImportRun) -> bool:
    return run.size > int(getattr(settings, "INGEST_BACKGROUND_BYTES", 2 * 1024 * 1024))


def run_check_start(*, actor: Actor, run: ImportRun) -> ImportRun:
    """Every door's "check it": now for a small file, by the worker for a big one."""
    if in_background(run):
        actor.scope.require_any(RUN)
        from . import tasks  # tasks imports this module

        tasks.check_run.enqueue(run.pk, actor.user.pk if actor.user else None)
        return run
    return run_check(actor=actor, run=run)


def run_commit_start(*, actor: Actor, run: ImportRun, mode: str | None = None) -> ImportRun:
    """Every door's "commit it": the same refusals first, then now or by the worker."""
    if in_background(run):
        run_commit_allowed(actor=actor, run=run, mode=mode)
        from . import tasks

        tasks.commit_run.enqueue(run.pk, actor.user.pk if actor.user else None, mode)
        return run
    return run_commit(actor=actor, run=run, mode=mode)


def _file_failure(outcome: pipeline.Outcome) -> str:
    """Why a file was refused as a whole, in the run's language, with what to do."""
    # the file's own errors (row 0) and its header row's (row 1: a required column missing…)
    reasons = [str(p.message) for p in outcome.problems.sorted() if p.row <= 1 and p.severity == "error"]
    return " ".join([*reasons[:3], str(_("Correct the file and upload it again."))])


def run_check(
    *, actor: Actor, run: ImportRun, on_progress: Callable[[int, int], None] | None = None
) -> ImportRun:
    """Read, normalise, validate and preview — nothing is written to the registry."""
    actor.scope.require_any(RUN)
    with _alive(run):
        _move(run, run.start_check)
        kind = get_kind(run.kind)
        with local_copy(run) as path:
            outcome = pipeline.process(
                kind=kind, path=path, actor=_import_actor(actor, run), write=False, mode=run.mode,
                chunk_rows=chunk_rows(),
                on_progress=_progress_writer(run, on_progress),
            )  # fmt: skip
        with translation.override(run.language):
            if outcome.rejected_file:
                _store_outcome(run, outcome, step=run.fail, phase="check", failure=_file_failure(outcome))
            else:
                _store_outcome(run, outcome, step=run.finish_check, phase="check")
    return run


def valid_rows(run: ImportRun) -> int:
    """Rows a commit could write or confirm: the checked rows less the rejected ones."""
    return max(run.rows_total - run.rows_rejected, 0)


def run_commit_allowed(*, actor: Actor, run: ImportRun, mode: str | None = None) -> None:
    """The checks run_commit makes first (so a door can refuse before queueing a job)."""
    actor.scope.require_any(RUN)
    if mode is not None and mode not in ImportRun.Mode.values:
        raise ValidationFailed(_("Unknown mode."), code="bad_mode")
    if run.state == ImportRun.State.COMMITTED:
        raise Conflict(_("This import has already been committed."), code="already_committed")
    if run.state != ImportRun.State.CHECKED:
        raise Conflict(_("Check the file before committing it."), code="not_checked")
    if valid_rows(run) == 0:
        raise Conflict(
            _("Nothing to write: every row of the file has an error. Correct the file and upload it again."),
            code="nothing_to_commit",
        )


STRICT_REFUSED = _(
    "Nothing was written: in strict mode one row with an error stops the whole file. Correct the rows "
    "marked in the report and upload the file again, or commit in partial mode."
)
COMMIT_ERROR = _(
    "Nothing was written: the commit stopped on an internal error. Try again; if it happens again, "
    "tell the administrator the import number."
)


def run_commit(
    *,
    actor: Actor,
    run: ImportRun,
    mode: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ImportRun:
    """Write the file in one transaction; strict mode writes nothing if any row has an error."""
    run_commit_allowed(actor=actor, run=run, mode=mode)
    if mode:
        run.mode = mode
        ImportRun.objects.filter(pk=run.pk).update(mode=mode)
    with _alive(run):
        _move(run, run.start_commit)
        cancel_flag = _flag(run, "cancel")

        def cancelled() -> bool:
            return cancel_flag.exists() or bool(should_cancel and should_cancel())

        kind = get_kind(run.kind)
        try:
            with local_copy(run) as path:
                outcome = pipeline.process(
                    kind=kind, path=path, actor=_import_actor(actor, run), write=True, mode=run.mode,
                    chunk_rows=chunk_rows(),
                    on_progress=_progress_writer(run, on_progress), should_cancel=cancelled,
                )  # fmt: skip
        except Exception as exc:
            log.exception("import run %s: commit failed", run.pk)
            with translation.override(run.language):
                _move(
                    run,
                    run.fail,
                    failure=str(COMMIT_ERROR),
                    report={**run.report, "error": f"{type(exc).__name__}: {exc}"[:2000]},
                )
            raise
        finally:
            cancel_flag.unlink(missing_ok=True)
        with translation.override(run.language):
            if outcome.cancelled:
                _store_outcome(run, outcome, step=run.cancel, phase="commit")
            elif outcome.written:
                _store_outcome(run, outcome, step=run.finish_commit, phase="commit")
            elif outcome.rejected_file:
                _store_outcome(run, outcome, step=run.fail, phase="commit", failure=_file_failure(outcome))
            else:
                _store_outcome(run, outcome, step=run.fail, phase="commit", failure=str(STRICT_REFUSED))
    return run


def run_cancel(*, actor: Actor, run: ImportRun) -> ImportRun:
    """Ask a running commit to stop (it rolls back between chunks); a waiting run just ends."""
    actor.scope.require_any(RUN)
    if run.is_finished:
        raise Conflict(_("This import has already finished."), code="finished")
    if run.state in _BUSY:
        _flag(run, "cancel").write_text("1")
        ImportRun.objects.filter(pk=run.pk).update(cancel_requested=True)
        run.cancel_requested = True
        return run
    _move(run, run.cancel, cancel_requested=True)
    return run


def check_file(*, kind: str, path: Path, actor: Actor) -> pipeline.Outcome:
    """Check a file without a run (CLI --check-only): nothing is stored, nothing written."""
    return pipeline.process(kind=get_kind(kind), path=path, actor=actor, write=False)


def normalised_chunks(*, kind: str, path: Path, chunk_rows: int = 50_000) -> Iterator[pl.DataFrame]:
    """A file's rows as the importer reads and normalises them, rows its rules would refuse
    included (quality's duplicate finder); nothing stored. A refused file: ValidationFailed."""
    from .engine.headers import map_headers
    from .engine.normalise import Normaliser, normalise_frame
    from .engine.problems import FileRejected, Problems
    from .engine.read import read

    k = get_kind(kind)
    try:
        table = read(sniff_file(Path(path)), chunk_rows=chunk_rows)
    except FileRejected as exc:
        raise ValidationFailed(exc.message, code=exc.code) from exc
    try:
        hmap = map_headers(k, table.headers)
        if (bad := next((n for n in hmap.notes if n.severity == "error"), None)) is not None:
            raise ValidationFailed(bad.message, code=bad.code)  # a required column missing
        normaliser, problems = Normaliser(), Problems()
        for raw in table.chunks:
            frame, _sink = normalise_frame(k, raw, hmap, problems, normaliser)
            yield frame
    except FileRejected as exc:
        raise ValidationFailed(exc.message, code=exc.code) from exc
    finally:
        table.close()


# Re-exported for quality's duplicate finder: values read with the importer's own rules.
__all__ = [
    "check_file",
    "normalised_chunks",
    "normalise_pid",
    "repair_legacy_font",
    "in_background",
    "local_copy",
    "progress_of",
    "request_cancel_flag",
    "run_cancel",
    "run_check",
    "run_check_start",
    "run_commit",
    "run_commit_start",
    "run_receive",
    "run_settle",
    "runs_settle_stale",
    "sniff_file",
    "valid_rows",
]
