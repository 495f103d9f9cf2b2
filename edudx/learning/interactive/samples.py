"""Tiny packages written for edudx (`interactive/samples/`), zipped on demand for the demo and
the tests: an H5P package (one content type library of ours, H5P.EdudxHello), a cmi5 course of
one AU (a page that fetches its token and sends its statements to our LRS), and SCORM 1.2 and
2004 packages of one SCO (Initialize, SetValue, Commit, Terminate). Our own files: no third-party
content."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "samples"
SCO_FILES = ("index.html", "sco.js", "sco.css")


def _zip(entries: dict[str, bytes], name: str) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in entries.items():
            zf.writestr(path, data)
    buf.seek(0)
    buf.name = name
    return buf


def folder_zip(folder: str) -> io.BytesIO:
    """A sample folder (`h5p`, `cmi5`) as an uploaded zip, its files at the zip's top."""
    root = HERE / folder
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return _zip({p.relative_to(root).as_posix(): p.read_bytes() for p in files}, f"{folder}.zip")


def scorm_zip(version: str = "1.2", *, extra: dict[str, bytes] | None = None) -> io.BytesIO:
    """The sample SCORM package of `version` ("1.2" or "2004") as an uploaded zip; `extra`
    adds or replaces entries (a test's hostile variant)."""
    entries = {"imsmanifest.xml": (HERE / "scorm" / f"imsmanifest-{version}.xml").read_bytes()}
    entries.update({name: (HERE / "scorm" / name).read_bytes() for name in SCO_FILES})
    entries.update(extra or {})
    return _zip(entries, f"scorm-{version}.zip")
