"""The files beside an import run, outside the database and its transactions: the liveness
lock a working process holds, the progress it writes, the cancel flag, and a local path for
the stored upload. Used by services only."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from edudx.core.errors import Conflict
from edudx.core.locks import LockBusy, file_lock

from .models import ImportRun


def work_dir() -> Path:
    d = Path(getattr(settings, "INGEST_WORK_DIR", Path(settings.VAR_DIR) / "ingest"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def flag(run: ImportRun, name: str) -> Path:
    return work_dir() / f"run-{run.pk}.{name}"


@contextmanager
def alive(run: ImportRun) -> Iterator[None]:
    """Held while a process checks or commits `run`: an exclusive lock on a file in the work
    directory, which the operating system releases when the process ends, however it ends.
    A run left "checking"/"committing" whose lock nobody holds was interrupted (services.run_settle)."""
    try:
        held = file_lock(flag(run, "alive"), blocking=False).acquire()
    except LockBusy as exc:
        raise Conflict(_("This import is already being processed."), code="busy") from exc
    try:
        yield
    finally:
        held.release()


def is_alive(run: ImportRun) -> bool:
    try:
        with file_lock(flag(run, "alive"), blocking=False):
            return False
    except LockBusy:
        return True


@contextmanager
def local_copy(run: ImportRun) -> Iterator[Path]:
    """A local path for the stored file (storages without paths get a temporary copy)."""
    name = run.file.name or ""
    try:
        local = Path(default_storage.path(name))
    except NotImplementedError:
        local = None
    if local is not None and local.exists():
        yield local
        return
    tmp = tempfile.NamedTemporaryFile(prefix="edudx-run-", delete=False)  # noqa: SIM115
    with default_storage.open(name, "rb") as src, tmp:
        shutil.copyfileobj(src, tmp, 1 << 20)
    try:
        yield Path(tmp.name)
    finally:
        Path(tmp.name).unlink(missing_ok=True)


def progress_writer(
    run: ImportRun, callback: Callable[[int, int], None] | None = None
) -> Callable[[int, int], None]:
    path = flag(run, "progress")

    def write(done: int, total: int) -> None:
        fraction = min(done / total, 1.0) if total else 0.0
        path.write_text(json.dumps({"done": done, "total": total, "fraction": fraction}))
        if callback:
            callback(done, total)

    return write


def progress_of(run: ImportRun) -> dict[str, Any]:
    path = flag(run, "progress")
    if run.is_finished or run.state == ImportRun.State.CHECKED or not path.exists():
        return {
            "done": run.rows_total,
            "total": run.rows_total,
            "fraction": 1.0 if run.is_finished or run.state == "checked" else 0.0,
        }
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "fraction": 0.0}
    return data


def request_cancel_flag(run: ImportRun) -> None:
    """Used by the task runner and tests: the same signal the cancel button sends."""
    flag(run, "cancel").write_text("1")
