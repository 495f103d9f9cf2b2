"""An uploaded package (zip), checked entry by entry before one byte is written: no absolute or
`..` path, no symbolic link, no device or NUL in a name, a bounded number of entries, sizes and
expansion ratio (a zip bomb is refused from its directory, before it is inflated). Then written
into media storage under one folder; a failure half-way removes what was written."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from edudx.core.errors import ValidationFailed

MB = 1024 * 1024
MAX_ENTRIES = 3000
MAX_FILE = 100 * MB
MAX_TOTAL = 300 * MB
MAX_RATIO = 100  # an entry inflating more than this (and past 1 MB) is a bomb
MANIFEST_MAX = 256 * 1024  # h5p.json, library.json, cmi5.xml


def refuse(code: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def open_zip(upload: IO[bytes]) -> zipfile.ZipFile:
    try:
        upload.seek(0)
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse("package_not_zip", _("The file is not a package (a zip archive).")) from exc


def entries(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The files of the archive by their normalised name (folders left out), every one checked."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise refuse("package_too_many_files", _("The package holds too many files."))
    total = 0
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        raw = info.filename
        name = raw.replace("\\", "/")
        parts = name.split("/")
        if (
            name.startswith("/")
            or ".." in parts
            or (len(name) > 1 and name[1] == ":")
            or "\x00" in name
            or any(ord(c) < 32 for c in name)
            or len(name) > 500
        ):
            raise refuse("package_unsafe_path", _("The package contains an unsafe file path."))
        mode = info.external_attr >> 16 & 0o170000
        if mode == 0o120000:
            raise refuse("package_symlink", _("The package contains a symbolic link."))
        if mode not in (0, 0o100000, 0o040000):
            raise refuse("package_special_file", _("The package contains a special file."))
        if info.is_dir():
            continue
        if info.file_size > MAX_FILE:
            raise refuse("package_file_too_large", _("A file in the package is too large."))
        if info.file_size > MB and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
            raise refuse("package_bomb", _("The package expands suspiciously; it was refused."))
        total += info.file_size
        if total > MAX_TOTAL:
            raise refuse("package_bomb", _("The package expands beyond the allowed size."))
        clean = posixpath.normpath(name)
        if clean in out:
            raise refuse("package_duplicate", _("The package holds the same file twice."))
        out[clean] = info
    return out


def read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MANIFEST_MAX) -> bytes:
    """A manifest's bytes, refused past `limit` whatever its header claims."""
    if info.file_size > limit:
        raise refuse("package_manifest_too_large", _("A manifest of the package is too large."))
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise refuse("package_corrupt", _("The package is damaged.")) from exc
    if len(data) > limit:
        raise refuse("package_manifest_too_large", _("A manifest of the package is too large."))
    return data


def write(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], folder: str) -> int:
    """Write the checked files under `folder` in media storage; returns the bytes written. On any
    failure what was written is deleted and the package refused."""
    written: list[str] = []
    size = 0
    try:
        for name, info in files.items():
            with zf.open(info) as fh:
                data = fh.read(info.file_size + 1)
            if len(data) != info.file_size:
                raise refuse("package_corrupt", _("The package is damaged."))
            path = f"{folder}/{name}"
            saved = default_storage.save(path, ContentFile(data))
            written.append(saved)
            if saved != path:  # storage renamed it: the folder was not fresh
                raise refuse("package_corrupt", _("The package is damaged."))
            size += len(data)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, ValidationFailed) as exc:
        remove(written)
        if isinstance(exc, ValidationFailed):
            raise
        raise refuse("package_corrupt", _("The package is damaged.")) from exc
    return size


def remove(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def remove_folder(folder: str, listdir: Callable[[str], tuple[list[str], list[str]]] | None = None) -> None:
    """Delete a package's folder from media storage (every file under it)."""
    listdir = listdir or default_storage.listdir
    try:
        dirs, names = listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for d in dirs:
        remove_folder(f"{folder}/{d}", listdir)
    remove([f"{folder}/{n}" for n in names])
