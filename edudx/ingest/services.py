"""Every write of the ingest app: receive a file, check it, commit it, cancel it.

All doors call these. The engine stages live in engine/; this module keeps the ImportRun's
state machine, stores the file through the storage API and the report on the run.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor, Via
from edudx.core.errors import Conflict, NotFound, ValidationFailed
from edudx.core.locks import LockBusy, file_lock

from . import kinds as kinds_mod
from .engine import pipeline
from .engine.receive import receive as sniff_file
from .models import ImportRun
from .permissions import RUN

MAX_STORED_PROBLEMS = 100_000


def _work_dir() -> Path:
    d = Path(getattr(settings, "INGEST_WORK_DIR", Path(settings.VAR_DIR) / "ingest"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _flag(run: ImportRun, name: str) -> Path:
    return _work_dir() / f"run-{run.pk}.{name}"


@contextmanager
def _alive(run: ImportRun):
    """Held while a process checks or commits `run`: an exclusive lock on a file in the work
    directory, which the operating system releases when the process ends, however it ends.
    A run left "checking"/"committing" whose lock nobody holds was interrupted (run_settle)."""
    try:
        held = file_lock(_flag(run, "alive"), blocking=False).acquire()
    except LockBusy as exc:
        raise Conflict(_("This import is already being processed."), code="busy") from exc
    try:
        yield
    finally:
        held.release()


def _is_alive(run: ImportRun) -> bool:
    try:
        with file_lock(_flag(run, "alive"), blocking=False):
            return False
    except LockBusy:
        return True


def run_settle(run: ImportRun) -> ImportRun:
    """A run left "checking" or "committing" by a process that died (killed, machine
    restarted) ends as failed, with the reason. Nothing of it was written: the commit is one
    transaction, which the database rolled back when the process died. Safe to call on any
    run, from any process: only a run still in that state, whose lock nobody holds, changes."""
    busy = (ImportRun.State.CHECKING, ImportRun.State.COMMITTING)
    if run.state not in busy or _is_alive(run):
        return run
    failure = str(
        _(
            "Interrupted: the process running this import stopped before it finished. Nothing was written; run it again."
        )
    )
    done = timezone.now()
    if ImportRun.objects.filter(pk=run.pk, state=run.state).update(
        state=ImportRun.State.FAILED, failure=failure, finished_at=done
    ):
        run.state, run.failure, run.finished_at = ImportRun.State.FAILED, failure, done
    else:
        run.refresh_from_db()
    return run


def _set_state(run: ImportRun, state: str, **fields: Any) -> None:
    if state != run.state and state not in ImportRun.TRANSITIONS[run.state]:
        raise Conflict(
            _("This import cannot go from “%(a)s” to “%(b)s”.") % {"a": run.state, "b": state},
            code="bad_state",
        )
    run.state = state
    for k, v in fields.items():
        setattr(run, k, v)
    ImportRun.objects.filter(pk=run.pk).update(state=state, **fields)


def chunk_rows() -> int:
    return int(getattr(settings, "INGEST_CHUNK_ROWS", 50_000))


def get_kind(name: str) -> kinds_mod.Kind:
    try:
        return kinds_mod.get(name)
    except KeyError as exc:
        raise NotFound(_("Unknown import kind “%(kind)s”.") % {"kind": name}, code="unknown_kind") from exc


def run_receive(
    *, actor: Actor, kind: str, fileobj: BinaryIO, file_name: str, mode: str = "strict", language: str = "vi"
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


def _actor_unit(actor: Actor):
    if actor.user is None:
        return None
    from edudx.accounts import selectors as account_selectors

    fn = getattr(account_selectors, "primary_unit", None)
    if fn is not None:
        return fn(user=actor.user)
    from edudx.orgs import selectors as org_selectors

    paths = actor.scope.paths_for(RUN) or ()
    if not paths:
        return None
    return org_selectors.unit_list(scope=actor.scope).filter(path=paths[0]).first()


@contextmanager
def local_copy(run: ImportRun):
    """A local path for the stored file (storages without paths get a temporary copy)."""
    try:
        local = Path(default_storage.path(run.file.name))
    except NotImplementedError:
        local = None
    if local is not None and local.exists():
        yield local
        return
    tmp = tempfile.NamedTemporaryFile(prefix="edudx-run-", delete=False)  # noqa: SIM115
    with default_storage.open(run.file.name, "rb") as src, tmp:
        shutil.copyfileobj(src, tmp, 1 << 20)
    try:
        yield Path(tmp.name)
    finally:
        Path(tmp.name).unlink(missing_ok=True)


def _import_actor(actor: Actor, run: ImportRun) -> Actor:
    return actor.with_source(run.source, via=Via.IMPORT)


def _progress_writer(run: ImportRun, callback=None):
    path = _flag(run, "progress")

    def write(done: int, total: int) -> None:
        fraction = min(done / total, 1.0) if total else 0.0
        path.write_text(json.dumps({"done": done, "total": total, "fraction": fraction}))
        if callback:
            callback(done, total)

    return write


def progress_of(run: ImportRun) -> dict[str, Any]:
    path = _flag(run, "progress")
    if run.is_finished or run.state == ImportRun.State.CHECKED or not path.exists():
        return {
            "done": run.rows_total,
            "total": run.rows_total,
            "fraction": 1.0 if run.is_finished or run.state == "checked" else 0.0,
        }
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "fraction": 0.0}


def _store_outcome(run: ImportRun, outcome: pipeline.Outcome, *, state: str, phase: str) -> None:
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
    if phase == "check":
        fields["checked_at"] = timezone.now()
    else:
        fields["finished_at"] = timezone.now()
    _set_state(run, state, **fields)


def _plain(v: Any) -> Any:
    import datetime as dt

    return v.isoformat() if isinstance(v, dt.date) else v


def run_check(*, actor: Actor, run: ImportRun, on_progress=None) -> ImportRun:
    """Read, normalise, validate and preview — nothing is written to the registry."""
    actor.scope.require_any(RUN)
    with _alive(run):
        _set_state(run, ImportRun.State.CHECKING)
        kind = get_kind(run.kind)
        with local_copy(run) as path:
            outcome = pipeline.process(
                kind=kind, path=path, actor=_import_actor(actor, run), write=False, mode=run.mode,
                chunk_rows=chunk_rows(),
                on_progress=_progress_writer(run, on_progress),
            )  # fmt: skip
        state = ImportRun.State.FAILED if outcome.rejected_file else ImportRun.State.CHECKED
        _store_outcome(run, outcome, state=state, phase="check")
    return run


def run_commit_allowed(*, actor: Actor, run: ImportRun) -> None:
    """The checks run_commit makes first (so a door can refuse before queueing a job)."""
    actor.scope.require_any(RUN)
    if run.state == ImportRun.State.COMMITTED:
        raise Conflict(_("This import has already been committed."), code="already_committed")
    if run.state != ImportRun.State.CHECKED:
        raise Conflict(_("Check the file before committing it."), code="not_checked")


def run_commit(
    *, actor: Actor, run: ImportRun, mode: str | None = None, on_progress=None, should_cancel=None
) -> ImportRun:
    """Write the file in one transaction; strict mode writes nothing if any row has an error."""
    run_commit_allowed(actor=actor, run=run)
    if mode:
        run.mode = mode
        ImportRun.objects.filter(pk=run.pk).update(mode=mode)
    with _alive(run):
        _set_state(run, ImportRun.State.COMMITTING)
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
            _set_state(
                run,
                ImportRun.State.FAILED,
                failure=f"{type(exc).__name__}: {exc}"[:2000],
                finished_at=timezone.now(),
            )
            raise
        finally:
            cancel_flag.unlink(missing_ok=True)
        if outcome.cancelled:
            _store_outcome(run, outcome, state=ImportRun.State.CANCELLED, phase="commit")
        elif outcome.written:
            _store_outcome(run, outcome, state=ImportRun.State.COMMITTED, phase="commit")
        else:
            _store_outcome(run, outcome, state=ImportRun.State.FAILED, phase="commit")
    return run


def run_cancel(*, actor: Actor, run: ImportRun) -> ImportRun:
    """Ask a running commit to stop (it rolls back between chunks); a waiting run just ends."""
    actor.scope.require_any(RUN)
    if run.is_finished:
        raise Conflict(_("This import has already finished."), code="finished")
    if run.state in (ImportRun.State.COMMITTING, ImportRun.State.CHECKING):
        _flag(run, "cancel").write_text("1")
        ImportRun.objects.filter(pk=run.pk).update(cancel_requested=True)
        run.cancel_requested = True
        return run
    _set_state(run, ImportRun.State.CANCELLED, cancel_requested=True, finished_at=timezone.now())
    return run


def request_cancel_flag(run: ImportRun) -> None:
    """Used by the task runner and tests: the same signal the cancel button sends."""
    _flag(run, "cancel").write_text("1")


def check_file(*, kind: str, path: Path, actor: Actor) -> pipeline.Outcome:
    """Check a file without a run (CLI --check-only): nothing is stored, nothing written."""
    return pipeline.process(kind=get_kind(kind), path=path, actor=actor, write=False)


__all__ = ["check_file", "progress_of", "run_cancel", "run_check", "run_commit", "run_receive", "sniff_file"]
