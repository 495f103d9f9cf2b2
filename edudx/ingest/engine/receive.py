"""Stage 1 — receive: what is this file, really? Decided by content, never by the extension.

Spreadsheets are zip or OLE containers; a hostile one can be a zip bomb (tiny file, gigabytes
when inflated), carry XML entity declarations (billion laughs), or hold millions of entries.
All of that is refused here, before any reader sees the bytes.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .problems import FileRejected

CSV, XLSX, XLS, ODS = "csv", "xlsx", "xls", "ods"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
# Formats people upload by mistake, named so the message can say what it is.
_KNOWN_OTHER = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
    b"\x1f\x8b": "gzip",
    b"MZ": "EXE",
    b"\x7fELF": "ELF",
}


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass(frozen=True)
class Received:
    path: Path
    format: str
    size: int
    sha256: str


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def receive(path: Path) -> Received:
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise FileRejected("file_empty", _("The file is empty."))
    if size > limit("INGEST_MAX_FILE_BYTES", 1024 * 1024 * 1024):
        raise FileRejected("file_too_large", _("The file is larger than the allowed size."))
    with path.open("rb") as fh:
        head = fh.read(8192)
    fmt = sniff(head)
    if fmt in (XLSX, ODS, "zip"):
        fmt = inspect_zip(path)
    return Received(path=path, format=fmt, size=size, sha256=sha256_of(path))


def sniff(head: bytes) -> str:
    if head.startswith(_OLE):
        return XLS
    if head.startswith(_ZIP) or head.startswith(_EMPTY_ZIP):
        return "zip"
    for magic, label in _KNOWN_OTHER.items():
        if head.startswith(magic):
            raise FileRejected(
                "file_type_unsupported",
                _("This is a %(kind)s file, not a spreadsheet (CSV, XLSX, XLS or ODS).") % {"kind": label},
            )
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return CSV
    if b"\x00" in head:
        raise FileRejected(
            "file_type_unsupported", _("The file is not a spreadsheet (CSV, XLSX, XLS or ODS).")
        )
    if head.lstrip()[:1] in (b"<", b"{", b"["):
        raise FileRejected(
            "file_type_unsupported",
            _("The file looks like HTML, XML or JSON, not a spreadsheet (CSV, XLSX, XLS or ODS)."),
        )
    return CSV


def inspect_zip(path: Path) -> str:
    """Refuse zip bombs and XML entity tricks; tell XLSX from ODS by their manifests."""
    max_entries = limit("INGEST_MAX_ZIP_ENTRIES", 2000)
    max_total = limit("INGEST_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024)
    max_ratio = limit("INGEST_MAX_COMPRESSION_RATIO", 200)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected("file_corrupt", _("The spreadsheet is damaged and cannot be opened.")) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            raise FileRejected("zip_too_many_entries", _("The spreadsheet contains too many parts."))
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > max_ratio:
                raise FileRejected(
                    "zip_bomb", _("The spreadsheet is compressed suspiciously hard (a zip bomb?).")
                )
        if total > max_total:
            raise FileRejected("zip_bomb", _("The spreadsheet would be too large once unpacked."))
        names = {i.filename for i in infos}
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            fmt = XLSX
        elif "mimetype" in names and zf.read("mimetype")[:64].startswith(
            b"application/vnd.oasis.opendocument.spreadsheet"
        ):
            fmt = ODS
        else:
            raise FileRejected(
                "file_type_unsupported",
                _("The file is a zip archive or a document that is not a spreadsheet."),
            )
        for info in infos:
            if _parsed_as_xml(info) and _declares_entities(zf, info):
                raise FileRejected(
                    "xml_entities",
                    _("The spreadsheet declares XML entities, which are not allowed."),
                )
    return fmt


# Parts no spreadsheet reader parses as XML: pictures and thumbnails (an SVG picture may carry
# its own DOCTYPE, harmlessly). Every other part is read to its end: readers find their parts
# through the package's relationships, whatever their names, and a DOCTYPE may follow any
# amount of leading whitespace or comments.
_NOT_PARSED = ("/media/", "Pictures/", "Thumbnails/", "docProps/thumbnail")
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _parsed_as_xml(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    if info.is_dir():
        return False
    # A part named like XML is read wherever it sits (relationships may point into media/).
    return name.endswith((".xml", ".rels")) or not any(marker in name for marker in _NOT_PARSED)


def _declares_entities(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part declares a DOCTYPE or an entity anywhere, read as a stream in 1 MiB
    blocks (the tail of each block is kept, so a declaration cut in two is still seen).
    NUL bytes are dropped first, so a UTF-16 part is searched as well as a UTF-8 one."""
    tail = b""
    try:
        with zf.open(info) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                data = tail + block.replace(b"\x00", b"")
                if _DECLARATION.search(data):
                    return True
                tail = data[-32:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # A damaged or encrypted part: no reader could read it either.
        raise FileRejected("file_corrupt", _("The spreadsheet is damaged and cannot be opened.")) from exc
    return False
