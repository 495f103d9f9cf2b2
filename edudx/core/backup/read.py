"""Reading an archive back: every member streamed into staging beside its target, checked
against the manifest (checksums, versions, schema, vendor), and only then put in place."""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _

from ..locks import LockBusy, file_lock
from . import database
from .base import (
    CHUNK,
    DB_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SECRET_MEMBER,
    BackupError,
    code_schema,
    media_root,
    platform_version,
    secret_key_path,
    warehouse_root,
)

SPARE_BYTES = 64 * 1024 * 1024  # left free on the disk a restore writes to


def _member_target(name: str) -> tuple[str, PurePosixPath]:
    """(area, relative path) of an archive member; anything else is refused."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts) or "\\" in name:
        raise BackupError(
            _("The archive holds an unsafe path: %(name)s") % {"name": name[:200]},
            code="backup_unsafe_member",
        )
    if name in (MANIFEST, SECRET_MEMBER) or name in DB_MEMBERS.values():
        return "root", path
    if path.parts[0] in ("media", "warehouse") and len(path.parts) > 1:
        return path.parts[0], PurePosixPath(*path.parts[1:])
    raise BackupError(
        _("The archive holds an unexpected member: %(name)s") % {"name": name[:200]},
        code="backup_unexpected_member",
    )


@dataclass
class _Staging:
    root: Path  # manifest, secret key, database
    media: Path
    warehouse: Path

    def path(self, area: str, rel: PurePosixPath) -> Path:
        return {"root": self.root, "media": self.media, "warehouse": self.warehouse}[area].joinpath(
            *rel.parts
        )

    def remove(self) -> None:
        for p in (self.root, self.media, self.warehouse):
            shutil.rmtree(p, ignore_errors=True)


def _sibling_dir(target: Path, tag: str) -> Path:
    """A new directory beside `target` (same file system, so a rename swaps it in)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{tag}-"))


def _extract(archive: Path, staging: _Staging) -> dict[str, str]:
    """Stream every member into staging; returns name -> SHA-256 of what was read."""
    digests: dict[str, str] = {}
    if not archive.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": archive}, code="backup_not_found")
    try:
        with tarfile.open(archive, mode="r|*") as tar:
            for info in tar:
                area, rel = _member_target(info.name)
                if not info.isreg():
                    raise BackupError(_("The archive holds something other than a file: %(name)s") % {"name": info.name[:200]},
                                      code="backup_unsafe_member")  # fmt: skip
                if info.name in digests:
                    raise BackupError(
                        _("The archive holds %(name)s twice.") % {"name": info.name[:200]},
                        code="backup_duplicate_member",
                    )
                dest = staging.path(area, rel)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if shutil.disk_usage(dest.parent).free < info.size + SPARE_BYTES:
                    raise BackupError(
                        _("Not enough disk space for %(name)s (%(size)s bytes).")
                        % {"name": info.name[:200], "size": f"{info.size:,}"},
                        code="backup_no_space",
                    )
                sha = hashlib.sha256()
                src = tar.extractfile(info)
                assert src is not None  # noqa: S101 - a regular file always has a body
                with dest.open("xb") as out:
                    if area == "root":
                        dest.chmod(0o600)
                    while chunk := src.read(CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                digests[info.name] = sha.hexdigest()
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error, lzma.LZMAError) as exc:
        raise BackupError(
            _("This is not a readable edudx archive: %(error)s") % {"error": exc},
            code="backup_not_an_archive",
        ) from exc
    except OSError as exc:
        raise BackupError(
            _("The restore failed: %(error)s") % {"error": exc}, code="backup_io_error"
        ) from exc
    return digests


def _check_manifest(manifest: dict[str, Any], digests: dict[str, str], alias: str) -> None:
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This is not an edudx archive of a format this version reads."), code="backup_format_mismatch"
        )
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise BackupError(_("The archive's manifest lists no members."), code="backup_format_mismatch")
    read = {n: d for n, d in digests.items() if n != MANIFEST}
    missing = sorted(set(members) - set(read))
    extra = sorted(set(read) - set(members))
    if missing or extra:
        raise BackupError(
            _("The archive does not match its manifest (missing: %(missing)s; not listed: %(extra)s).")
            % {"missing": ", ".join(missing[:5]) or "-", "extra": ", ".join(extra[:5]) or "-"},
            code="backup_member_missing",
        )
    bad = sorted(
        n for n, d in read.items() if not isinstance(members[n], dict) or members[n].get("sha256") != d
    )
    if bad:
        raise BackupError(
            _("Checksum mismatch — the archive is damaged or was altered: %(names)s")
            % {"names": ", ".join(bad[:5])},
            code="backup_checksum_mismatch",
        )
    if manifest.get("platform_version") != platform_version():
        raise BackupError(
            _(
                "The archive was made by edudx %(archive)s; this is edudx %(here)s. Restore it with the same version."
            )
            % {"archive": manifest.get("platform_version"), "here": platform_version()},
            code="backup_version_mismatch",
        )
    here = code_schema()
    theirs = manifest.get("schema")
    if not isinstance(theirs, dict) or not all(isinstance(v, list) for v in theirs.values()):
        theirs = {}
    if theirs != here:
        diff = sorted(
            f"{app}: {', '.join(sorted(map(str, set(theirs.get(app, [])) ^ set(here.get(app, [])))))[:200]}"
            for app in sorted(set(theirs) | set(here))
            if set(theirs.get(app, [])) != set(here.get(app, []))
        )
        raise BackupError(
            _("The archive's database schema differs from this version's migrations (%(apps)s).")
            % {"apps": "; ".join(diff[:5])},
            code="backup_schema_mismatch",
        )
    if manifest.get("database_vendor") != database.vendor(alias):
        raise BackupError(
            _("The archive holds a %(archive)s database; this platform is configured for %(here)s.")
            % {"archive": manifest.get("database_vendor"), "here": database.vendor(alias)},
            code="backup_vendor_mismatch",
        )
    if DB_MEMBERS[database.vendor(alias)] not in members or SECRET_MEMBER not in members:
        raise BackupError(
            _("The archive lacks its database or its secret key."), code="backup_member_missing"
        )


def _swap_dir(staged: Path, target: Path) -> None:
    """Put `staged` where `target` is, by two renames; the old one is removed afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{staged.name[-8:]}")
        os.rename(target, old)
    try:
        os.rename(staged, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def restore(archive: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS,
            log: Callable[[str], None] = lambda s: None) -> RestoreResult:  # fmt: skip
    """Restore `archive` into the configured database and directories. Refused (nothing
    changed) if the database holds data and not `force`, or on any checksum, version,
    schema or vendor mismatch."""
    archive = Path(archive)
    database.vendor(alias)
    if not force:
        holding = database.tables_holding_data(alias)
        if holding:
            raise BackupError(
                _("The database already holds data (%(tables)s); restore with --force to replace it.")
                % {"tables": ", ".join(holding[:5]) + (", …" if len(holding) > 5 else "")},
                code="backup_database_not_empty",
            )
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        held = file_lock(var_dir / "restore.lock", blocking=False).acquire()
    except LockBusy as exc:
        raise BackupError(_("Another restore is running."), code="backup_busy") from exc
    try:
        return _restore(archive, alias=alias, log=log, var_dir=var_dir)
    finally:
        held.release()


def _restore(archive: Path, *, alias: str, log: Callable[[str], None], var_dir: Path) -> RestoreResult:
    staging = _Staging(
        root=Path(tempfile.mkdtemp(dir=var_dir, prefix=".restore-")),
        media=_sibling_dir(media_root().resolve(), "restore"),
        warehouse=_sibling_dir(warehouse_root().resolve(), "restore"),
    )
    try:
        digests = _extract(archive, staging)
        log(f"read {len(digests)} members")
        if MANIFEST not in digests:
            raise BackupError(_("The archive has no manifest.json."), code="backup_no_manifest")
        try:
            manifest = json.loads((staging.root / MANIFEST).read_text())
        except (ValueError, UnicodeDecodeError) as exc:
            raise BackupError(
                _("The archive's manifest is not valid JSON."), code="backup_format_mismatch"
            ) from exc
        if not isinstance(manifest, dict):
            raise BackupError(_("The archive's manifest is not valid JSON."), code="backup_format_mismatch")
        _check_manifest(manifest, digests, alias)
        log("checksums and versions match")
        try:
            database.load(alias, staging.root / DB_MEMBERS[database.vendor(alias)])
        except sqlite3.Error as exc:
            raise BackupError(
                _("The database could not be restored; it is left as it was: %(error)s") % {"error": exc},
                code="backup_database_failed",
            ) from exc
        log("database restored")
        # Past this point the database is the archive's; the renames below rarely fail.
        try:
            # Resolved: a MEDIA_ROOT that is a symbolic link keeps its link; the directory it
            # points to is the one swapped, from a staging directory on the same file system.
            targets = (media_root().resolve(), warehouse_root().resolve())
            for staged, target in zip((staging.media, staging.warehouse), targets, strict=True):
                staged.chmod(0o755)
                _swap_dir(staged, target)
            log("media and warehouse restored")
            warnings = _restore_secret_key((staging.root / SECRET_MEMBER).read_text())
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(
                _(
                    "The database was restored but the files were not (%(error)s); run the restore again with --force."
                )
                % {"error": exc},
                code="backup_files_failed",
            ) from exc
        return RestoreResult(manifest, warnings)
    finally:
        staging.remove()


def _restore_secret_key(key: str) -> list[str]:
    if os.environ.get("EDUDX_SECRET_KEY"):
        if os.environ["EDUDX_SECRET_KEY"] != key:
            return [str(_("EDUDX_SECRET_KEY is set and differs from the archive's key: sessions, tokens and signed "
                          "links made before the backup will not verify until it is set to the archive's key."))]  # fmt: skip
        return []
    path = secret_key_path()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return []
