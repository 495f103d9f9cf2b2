"""An H5P package (.h5p, a zip): `h5p.json` at the top, the content in `content/` (with
`content/content.json`), and each library in its own folder `<machineName>-<major>.<minor>/`
with its `library.json`. Scripts and styles are accepted only inside a library folder; any
other file must be of a media or data type H5P content uses. The platform keeps no library
store, so every library the content preloads must be in the package."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import archive
from .archive import refuse

SCRIPTS = {"js", "css"}
MEDIA = {
    "json", "png", "jpg", "jpeg", "gif", "bmp", "webp", "svg", "tif", "tiff",
    "mp3", "m4a", "wav", "ogg", "oga", "mp4", "webm", "ogv", "vtt", "webvtt",
    "txt", "pdf", "csv", "woff", "woff2", "ttf", "otf", "eot", "md",
}  # fmt: skip
LIBRARY_FOLDER = re.compile(r"^([A-Za-z0-9_.]{1,120})-(\d{1,4})\.(\d{1,4})$")
CONTENT_JSON_MAX = 5 * archive.MB


@dataclass(frozen=True)
class H5pPackage:
    title: str
    main: str  # "H5P.MultiChoice 1.16"
    meta: dict[str, Any]
    files: dict[str, zipfile.ZipInfo]


def _json(zf: zipfile.ZipFile, info: zipfile.ZipInfo, code: str, message: Any, limit: int) -> dict[str, Any]:
    try:
        data = json.loads(archive.read_small(zf, info, limit))
    except (ValueError, RecursionError) as exc:
        raise refuse(code, message) from exc
    if not isinstance(data, dict):
        raise refuse(code, message)
    return data


def _version(dep: Any) -> str | None:
    """`Name-major.minor` of a dependency entry, or None when it is not one."""
    if not isinstance(dep, dict):
        return None
    name, major, minor = dep.get("machineName"), dep.get("majorVersion"), dep.get("minorVersion")
    if not isinstance(name, str) or type(major) is not int or type(minor) is not int:
        return None
    folder = f"{name}-{major}.{minor}"
    return folder if LIBRARY_FOLDER.match(folder) else None


def _check_files(files: dict[str, zipfile.ZipInfo]) -> set[str]:
    libraries: set[str] = set()
    for name in files:
        top, _sep, rest = name.partition("/")
        ext = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        if not rest:
            if name != "h5p.json":
                raise refuse(
                    "h5p_stray_file", _("The package holds a file outside its content and libraries.")
                )
            continue
        if top == "content":
            if ext in SCRIPTS:
                raise refuse(
                    "h5p_script_outside_library", _("The package holds a script outside its libraries.")
                )
        elif LIBRARY_FOLDER.match(top):
            libraries.add(top)
        else:
            raise refuse("h5p_stray_file", _("The package holds a file outside its content and libraries."))
        if ext not in MEDIA and not (ext in SCRIPTS and top != "content"):
            raise refuse("h5p_file_type", _("The package holds a file of a type H5P content does not use."))
    return libraries


def _check_library(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], folder: str) -> None:
    info = files.get(f"{folder}/library.json")
    incomplete = _("A library of the package is incomplete: %(name)s.") % {"name": folder}
    if info is None:
        raise refuse("h5p_library_incomplete", incomplete)
    lib = _json(zf, info, "h5p_library_incomplete", incomplete, archive.MANIFEST_MAX)
    if _version(lib) != folder:
        raise refuse("h5p_library_incomplete", incomplete)
    for key in ("preloadedJs", "preloadedCss"):
        listed = lib.get(key, [])
        if not isinstance(listed, list):
            raise refuse("h5p_library_incomplete", incomplete)
        for item in listed:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or f"{folder}/{path}" not in files:
                raise refuse("h5p_library_incomplete", incomplete)


def read(zf: zipfile.ZipFile) -> H5pPackage:
    """The package checked: every entry (archive.entries), the manifest, content.json, each
    library's library.json and the files it preloads. Raises ValidationFailed (a code and a
    translated message) on the first fault; nothing is written here."""
    files = archive.entries(zf)
    manifest = files.get("h5p.json")
    if manifest is None:
        raise refuse("h5p_no_manifest", _("This is not an H5P package: h5p.json is missing."))
    bad = _("The package's h5p.json is not valid.")
    meta = _json(zf, manifest, "h5p_bad_manifest", bad, archive.MANIFEST_MAX)
    title, main = meta.get("title"), meta.get("mainLibrary")
    deps = meta.get("preloadedDependencies")
    if (
        not isinstance(title, str)
        or not title.strip()
        or not isinstance(main, str)
        or not isinstance(deps, list)
    ):
        raise refuse("h5p_bad_manifest", bad)
    content = files.get("content/content.json")
    if content is None:
        raise refuse("h5p_no_content", _("The package has no content (content/content.json is missing)."))
    _json(zf, content, "h5p_bad_content", _("The package's content.json is not valid."), CONTENT_JSON_MAX)
    libraries = _check_files(files)
    main_folder = None
    for dep in deps:
        folder = _version(dep)
        if folder is None:
            raise refuse("h5p_bad_manifest", bad)
        if folder not in libraries:
            raise refuse(
                "h5p_missing_library",
                _("The package does not include the library %(name)s; export it with its libraries.")
                % {"name": folder},
            )
        if dep["machineName"] == main:
            main_folder = folder
    if main_folder is None:
        raise refuse("h5p_bad_manifest", bad)
    for folder in libraries:
        _check_library(zf, files, folder)
    name, _dash, version = main_folder.rpartition("-")
    return H5pPackage(title=title.strip()[:200], main=f"{name} {version}", meta=meta, files=files)
