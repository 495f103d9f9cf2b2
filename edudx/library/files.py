"""What an uploaded file really is, whether it is safe to keep, its text and its thumbnail.

Files are identified by their bytes, never by the name or the browser's content type.
Zip-based formats (DOCX, PPTX, XLSX, H5P, SCORM) all look like "zip" to a magic-number
sniffer, so their inner layout decides; every archive is checked for path traversal, too
many entries and decompression bombs before anything else reads it.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess  # noqa: S404 - pdftoppm, fixed arguments, no shell
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from edudx.core.errors import ValidationFailed

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    mime: str
    extension: str
    resource_type: str
    max_mb: int
    inline: bool  # may be previewed in the browser from our origin


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("pdf", "application/pdf", ".pdf", "document", 50, True),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
            "document",
            30,
            False,
        ),
        Kind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".pptx",
            "presentation",
            100,
            False,
        ),
        Kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
            "spreadsheet",
            20,
            False,
        ),
        Kind("h5p", "application/zip", ".h5p", "interactive", 200, False),
        Kind("scorm", "application/zip", ".zip", "scorm", 300, False),
        Kind("png", "image/png", ".png", "image", 15, True),
        Kind("jpg", "image/jpeg", ".jpg", "image", 15, True),
        Kind("gif", "image/gif", ".gif", "image", 15, True),
        Kind("webp", "image/webp", ".webp", "image", 15, True),
        Kind("svg", "image/svg+xml", ".svg", "image", 2, False),  # scripts inside: never inline
        Kind("mp3", "audio/mpeg", ".mp3", "audio", 100, True),
        Kind("ogg", "audio/ogg", ".ogg", "audio", 100, True),
        Kind("wav", "audio/x-wav", ".wav", "audio", 100, True),
        Kind("m4a", "audio/mp4", ".m4a", "audio", 100, True),
        Kind("mp4", "video/mp4", ".mp4", "video", 500, True),
        Kind("webm", "video/webm", ".webm", "video", 500, True),
    )
}

_SNIFFED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/m4a": "m4a",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/webm": "webm",
}

# Archive limits: a zip bomb expands far beyond its size; these stop it before extraction.
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED = getattr(settings, "LIBRARY_MAX_UNCOMPRESSED_MB", 1024) * MB
MAX_RATIO = 200


def _reject(code: str, message) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def check_archive(zf: zipfile.ZipFile) -> list[str]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _reject("archive_too_many_entries", _("The archive holds too many files."))
    total = 0
    names = []
    for info in infos:
        name = info.filename
        p = PurePosixPath(name.replace("\\", "/"))
        if (
            name.startswith(("/", "\\"))
            or ".." in p.parts
            or (len(name) > 1 and name[1] == ":")
            or "\x00" in name
        ):
            raise _reject("archive_path_traversal", _("The archive contains an unsafe file path."))
        if info.external_attr >> 16 & 0o170000 == 0o120000:
            raise _reject("archive_symlink", _("The archive contains a symbolic link."))
        total += info.file_size
        if (
            info.compress_size
            and info.file_size / max(info.compress_size, 1) > MAX_RATIO
            and info.file_size > MB
        ):
            raise _reject("archive_bomb", _("The archive expands suspiciously; it was refused."))
        if total > MAX_UNCOMPRESSED:
            raise _reject("archive_bomb", _("The archive expands beyond the allowed size."))
        names.append(name)
    return names


Source = bytes | IO[bytes]


def stream(src: Source) -> IO[bytes]:
    """A readable, seekable stream at its start: the bytes given, or the (uploaded) file itself —
    uploads are read from their temporary file, never loaded whole."""
    fh = io.BytesIO(src) if isinstance(src, bytes | bytearray) else src
    fh.seek(0)
    return fh


def _zip_kind(fh: IO[bytes]) -> str:
    try:
        zf = zipfile.ZipFile(stream(fh))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _reject("unsupported_type", _("The archive is damaged.")) from exc
    with zf:
        names = set(check_archive(zf))
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    if "h5p.json" in names:
        return "h5p"
    if "imsmanifest.xml" in names:
        return "scorm"
    raise _reject(
        "unsupported_type",
        _("This archive is not a Word, PowerPoint, Excel, H5P or SCORM file."),
    )


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


@dataclass
class Inspected:
    kind: Kind
    size: int
    sha256: str


def inspect(src: Source) -> Inspected:
    """Identify the file by content and apply the size limit of its kind, or raise. Reads the
    head, the zip directory and, to hash it, the file in 1 MiB blocks — never all of it at once."""
    fh = stream(src)
    size = fh.seek(0, io.SEEK_END)
    if not size:
        raise _reject("empty_file", _("The file is empty."))
    fh.seek(0)
    head = fh.read(8192)
    guess = filetype.guess(head)
    code = None
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        # Every zip-based kind (and filetype's guesses for them) is decided by the layout inside.
        code = _zip_kind(fh)
    elif guess is not None:
        code = _SNIFFED.get(guess.mime)
    elif _looks_like_svg(head):
        code = "svg"
    if code is None:
        raise _reject(
            "unsupported_type",
            _("This kind of file is not accepted (HTML pages and programs never are)."),
        )
    kind = KINDS[code]
    if size > kind.max_mb * MB:
        raise _reject(
            "file_too_large",
            _("The file is larger than %(mb)s MB, the limit for this kind.") % {"mb": kind.max_mb},
        )
    digest = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(MB), b""):
        digest.update(block)
    fh.seek(0)
    return Inspected(kind, size, digest.hexdigest())


# ----- text extraction (for search and the preview of office documents)
MAX_TEXT = 200_000


def extract_text(kind: str, src: Source) -> str:
    data = stream(src)
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(data)
            parts = []
            for page in reader.pages[:200]:
                parts.append(page.extract_text() or "")
                if sum(map(len, parts)) > MAX_TEXT:
                    break
            return "\n".join(parts)[:MAX_TEXT]
        if kind == "docx":
            import docx

            doc = docx.Document(data)
            parts = [p.text for p in doc.paragraphs]
            for table in doc.tables:
                for row in table.rows:
                    parts.append(" | ".join(c.text for c in row.cells))
            return "\n".join(parts)[:MAX_TEXT]
        if kind == "pptx":
            from pptx import Presentation

            prs = Presentation(data)
            parts = []
            for n, slide in enumerate(prs.slides, 1):
                parts.append(f"— {n} —")
                for shape in slide.shapes:
                    if shape.has_text_frame:
                        parts.append(shape.text_frame.text)
            return "\n".join(parts)[:MAX_TEXT]
        if kind == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(data, read_only=True, data_only=True)
            parts = []
            for ws in wb.worksheets[:10]:
                for row in ws.iter_rows(max_row=500, values_only=True):
                    parts.append(" ".join(str(v) for v in row if v is not None))
            return "\n".join(parts)[:MAX_TEXT]
    except Exception:  # noqa: BLE001 - a damaged document is kept, just not searchable by its text
        return ""
    return ""


# ----- thumbnails
THUMB = (320, 320)


def thumbnail(kind: str, src: Source) -> bytes | None:
    """A PNG thumbnail for raster images and the first page of a PDF; None otherwise."""
    from PIL import Image

    data = stream(src)
    try:
        if kind in ("png", "jpg", "gif", "webp"):
            Image.MAX_IMAGE_PIXELS = 60_000_000
            img = Image.open(data)
            img.thumbnail(THUMB)
            out = io.BytesIO()
            img.convert("RGB").save(out, "PNG")
            return out.getvalue()
        if kind == "pdf":
            with tempfile.TemporaryDirectory() as tmp:
                pdf = f"{tmp}/in.pdf"
                with open(pdf, "wb") as fh:
                    shutil.copyfileobj(data, fh, MB)
                subprocess.run(  # noqa: S603
                    ["/usr/bin/pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to", "320", pdf, f"{tmp}/p"],
                    check=True,
                    timeout=20,
                    capture_output=True,
                )
                import glob

                pages = sorted(glob.glob(f"{tmp}/p*.png"))
                if pages:
                    with open(pages[0], "rb") as fh:
                        return fh.read()
    except Exception:  # noqa: BLE001 - no thumbnail is fine; the page shows an icon instead
        return None
    return None
