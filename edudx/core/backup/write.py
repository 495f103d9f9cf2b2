"""Writing an archive: streamed into a tar (members copied in chunks and hashed on the way),
`manifest.json` last, the file renamed into place only once complete."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _

from ..locks import file_lock
from . import database
from .base import (
    DB_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SECRET_MEMBER,
    BackupError,
    media_root,
    platform_version,
    warehouse_root,
)


class _Hashing(io.RawIOBase):
    """Reads exactly `size` bytes of `fh` (a file that grows meanwhile is cut at its size when
    listed), hashing them on the way into the tar stream."""

    def __init__(self, fh: IO[bytes], size: int):
        self.fh, self.left, self.sha = fh, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.fh.read(n)
        if len(data) < n:
            raise BackupError(_("A file shrank while it was being archived."), code="backup_file_changed")
        self.left -= len(data)
        self.sha.update(data)
        return data


@dataclass
class BackupResult:
    path: Path
    members: int
    size: int
    manifest: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Writer:
    def __init__(self, tar: tarfile.TarFile):
        self.tar = tar
        self.members: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, path: Path, *, mode: int = 0o600) -> None:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = size, mode, int(os.fstat(fh.fileno()).st_mtime)
            reader = _Hashing(fh, size)
            self.tar.addfile(info, reader)
        self.members[name] = {"sha256": reader.sha.hexdigest(), "size": size}

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
        self.tar.addfile(info, io.BytesIO(data))
        self.members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def add_tree(self, prefix: str, root: Path) -> None:
        if not root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                if filename.startswith(".") or path.is_symlink() or not path.is_file():
                    continue  # locks, temporary parts, links out of the tree
                rel = path.relative_to(root).as_posix()
                with contextlib.suppress(FileNotFoundError):  # deleted since it was listed
                    self.add_file(f"{prefix}/{rel}", path, mode=0o644)


@contextlib.contextmanager
def _warehouse_locked(dataset_dir: Path) -> Iterator[None]:
    """The warehouse's own writer lock (core.warehouse._locked): no part is half-written and
    no compaction deletes parts while the dataset is copied."""
    with file_lock(dataset_dir / ".lock"):
        yield


def backup(
    output: Path, *, alias: str = DEFAULT_DB_ALIAS, log: Callable[[str], None] = lambda s: None
) -> BackupResult:
    """Write the archive to `output` (mode 0600; refused if it exists). `.tar.gz`/`.tgz` are
    gzip-compressed. The file appears under its name only once complete."""
    output = Path(output)
    db_vendor = database.vendor(alias)
    if output.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": output}, code="backup_output_exists")
    output.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0600: the archive holds the secret key and every
    # person's record.
    fd, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial")
    partial = Path(name)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=".edudx-backup-"))
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as raw:
            gz = (
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6)
                if output.name.endswith((".gz", ".tgz"))
                else None
            )
            with tarfile.open(fileobj=gz or raw, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                w = _Writer(tar)
                wroot = warehouse_root()
                if wroot.is_dir():
                    for dataset_dir in sorted(
                        p for p in wroot.iterdir() if p.is_dir() and not p.name.startswith(".")
                    ):
                        with _warehouse_locked(dataset_dir):
                            w.add_tree(f"warehouse/{dataset_dir.name}", dataset_dir)
                    for path in sorted(
                        p for p in wroot.iterdir() if p.is_file() and not p.name.startswith(".")
                    ):
                        w.add_file(f"warehouse/{path.name}", path, mode=0o644)
                log(f"warehouse: {sum(1 for m in w.members if m.startswith('warehouse/'))} files")
                # Read before the snapshot: a migration applied meanwhile shows as a mismatch.
                schema = database.applied_schema(alias)
                snapshot = staging / "database"
                database.snapshot(alias, snapshot)
                w.add_file(DB_MEMBERS[db_vendor], snapshot)
                snapshot.unlink()
                log(f"database ({db_vendor}): {w.members[DB_MEMBERS[db_vendor]]['size']:,} bytes")
                w.add_tree("media", media_root())
                log(f"media: {sum(1 for m in w.members if m.startswith('media/'))} files")
                w.add_bytes(SECRET_MEMBER, settings.SECRET_KEY.encode())
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "platform_version": platform_version(),
                    "schema": schema,
                    "database_vendor": db_vendor,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "contains_personal_data": True,
                    "contains_secret_key": True,
                    "members": w.members,
                }
                w.add_bytes(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
            if gz:
                gz.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.link(partial, output)  # never replaces a file that appeared meanwhile
    except FileExistsError as exc:
        raise BackupError(
            _("%(path)s already exists.") % {"path": output}, code="backup_output_exists"
        ) from exc
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(_("The backup failed: %(error)s") % {"error": exc}, code="backup_io_error") from exc
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(output, len(w.members) + 1, output.stat().st_size, manifest, _storage_warnings())


def _storage_warnings() -> list[str]:
    """Uploads kept by another storage backend (an object store) are not under MEDIA_ROOT."""
    from django.core.files.storage import FileSystemStorage, storages

    backend = storages["default"]
    if isinstance(backend, FileSystemStorage):
        return []
    return [
        str(
            _("Uploaded files are kept by %(backend)s, not in MEDIA_ROOT: back them up with that service.")
            % {"backend": type(backend).__name__}
        )
    ]
