"""Read an uploaded Common Cartridge safely, before anything is written: the zip is checked
entry by entry (count, sizes, compression ratio, paths), XML is parsed without DTDs, entities
or the network, and the organisation becomes a plain tree (`Parsed`) for the import service.

What is imported: the organisation's items as sections (top level) and lessons (below them; an
item with a resource directly under the root becomes a lesson of its own section); HTML pages
as text blocks (sanitised by the service), web links as text blocks with the link (a video's
address as a video block), QTI assessments as quizzes with their questions. Other files
(PDFs, images, discussion topics, LTI links) are counted in `skipped`: files belong in the
library, which moderates them."""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import (
    ASSESSMENT,
    CP,
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_ENTRY,
    MAX_ITEMS,
    MAX_MANIFEST,
    MAX_RATIO,
    MAX_TOTAL,
    MAX_UPLOAD,
    MAX_XML,
    qti12,
    refuse,
)

VIDEO_URL = re.compile(r"(youtube\.com|youtu\.be|vimeo\.com|\.mp4$|\.webm$)", re.IGNORECASE)


@dataclass
class ParsedBlock:
    kind: str  # text | video | quiz
    title: str
    html: str = ""
    url: str = ""
    quiz: qti12.ParsedQuiz | None = None


@dataclass
class ParsedLesson:
    title: str
    blocks: list[ParsedBlock] = field(default_factory=list)


@dataclass
class ParsedSection:
    title: str
    lessons: list[ParsedLesson] = field(default_factory=list)


@dataclass
class Parsed:
    title: str
    description: str
    sections: list[ParsedSection] = field(default_factory=list)
    skipped: int = 0


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def parse_xml(data: bytes) -> Any:
    """An XML document without DOCTYPE (so no entity expansion of any kind)."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise refuse("cc_bad_xml")
    try:
        return etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise refuse("cc_bad_xml") from exc


def _safe(name: str) -> str:
    norm = posixpath.normpath(name.replace("\\", "/"))
    if (
        name.startswith(("/", "\\"))
        or norm.startswith("..")
        or re.match(r"^[A-Za-z]:", name)
        or "\x00" in name
    ):
        raise refuse("cc_unsafe_path", name[:100])
    return norm


class Package:
    """The archive's entries by normalised path, each read at most once and bounded."""

    def __init__(self, data: bytes) -> None:
        if len(data) > MAX_UPLOAD:
            raise refuse("cc_too_large")
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise refuse("cc_not_zip") from exc
        if len(infos) > MAX_ENTRIES:
            raise refuse("cc_too_large")
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            path = _safe(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise refuse("cc_unsafe_path", info.filename[:100])
            if path == "imsmanifest.xml" and info.file_size > MAX_MANIFEST:
                raise refuse("cc_manifest_too_large")
            if info.file_size > MAX_ENTRY or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 4096:
                raise refuse("cc_too_large")
            total += info.file_size
            if total > MAX_TOTAL:
                raise refuse("cc_too_large")
            if not info.is_dir():
                self.entries[path] = info

    def read(self, path: str, limit: int) -> bytes:
        """An entry's bytes; the declared size is not trusted: reading stops past `limit`."""
        info = self.entries.get(_safe(path))
        if info is None:
            raise refuse("cc_missing_file", path[:100])
        if info.file_size > limit:
            raise refuse("cc_manifest_too_large" if path == "imsmanifest.xml" else "cc_too_large")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise refuse("cc_not_zip") from exc
        if len(data) > limit:
            raise refuse("cc_too_large")
        return data


def _q(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _title(item: Any) -> str:
    return _text(item.find(_q("title")))[:200] or "—"


def _lom_string(md: Any, tag: str) -> str:
    for el in md.iter():
        if isinstance(el.tag, str) and el.tag.endswith("}" + tag):
            return _text(el)
    return ""


def read(data: bytes) -> Parsed:
    pkg = Package(data)
    if "imsmanifest.xml" not in pkg.entries:
        raise refuse("cc_no_manifest")
    manifest = parse_xml(pkg.read("imsmanifest.xml", MAX_MANIFEST))
    ns_ok = isinstance(manifest.tag, str) and manifest.tag.startswith(
        "{http://www.imsglobal.org/xsd/imsccv1p"
    )
    schema = _text(manifest.find(f"{manifest.tag[: manifest.tag.index('}') + 1]}metadata/*")) if ns_ok else ""
    if not ns_ok or manifest.tag.rsplit("}", 1)[-1] != "manifest" or "Common Cartridge" not in schema:
        raise refuse("cc_not_cartridge")
    ns = manifest.tag[1 : manifest.tag.index("}")]
    md = manifest.find(f"{{{ns}}}metadata")
    parsed = Parsed(
        title=(_lom_string(md, "title") if md is not None else "")[:200] or "Common Cartridge",
        description=(_lom_string(md, "description") if md is not None else "")[:20_000],
    )
    resources = {r.get("identifier"): r for r in manifest.iter(f"{{{ns}}}resource")}
    items = list(manifest.iter(f"{{{ns}}}item"))
    if len(items) > MAX_ITEMS:
        raise refuse("cc_manifest_too_large")
    root = manifest.find(f"{{{ns}}}organizations/{{{ns}}}organization/{{{ns}}}item")
    if root is None or len(root.findall(f"{{{ns}}}item")) == 0:
        raise refuse("cc_empty")
    reader = _Reader(pkg, ns, resources, parsed)
    for top in root.findall(f"{{{ns}}}item"):
        section = ParsedSection(_text(top.find(f"{{{ns}}}title"))[:200] or "—")
        if top.get("identifierref"):  # a resource straight under the root: a lesson of its own
            lesson = ParsedLesson(section.title)
            reader.blocks(top, lesson, 0)
            section.lessons.append(lesson)
        for child in top.findall(f"{{{ns}}}item"):
            lesson = ParsedLesson(_text(child.find(f"{{{ns}}}title"))[:200] or "—")
            reader.blocks(child, lesson, 0)
            section.lessons.append(lesson)
        parsed.sections.append(section)
    return parsed


class _Reader:
    def __init__(self, pkg: Package, ns: str, resources: dict[str, Any], parsed: Parsed) -> None:
        self.pkg, self.ns, self.resources, self.parsed = pkg, ns, resources, parsed

    def blocks(self, item: Any, lesson: ParsedLesson, depth: int) -> None:
        """The item's resource and those of every item below it, flattened into the lesson."""
        if depth > MAX_DEPTH:
            raise refuse("cc_manifest_too_large")
        ref = item.get("identifierref")
        if ref:
            block = self.block(ref, _text(item.find(f"{{{self.ns}}}title"))[:200])
            if block is None:
                self.parsed.skipped += 1
            else:
                lesson.blocks.append(block)
        for child in item.findall(f"{{{self.ns}}}item"):
            self.blocks(child, lesson, depth + 1)

    def _file(self, res: Any) -> str:
        f = res.find(f"{{{self.ns}}}file")
        href = (f.get("href") if f is not None else None) or res.get("href") or ""
        base = res.get("{http://www.w3.org/XML/1998/namespace}base") or ""
        return posixpath.join(base, href) if href else ""

    def block(self, ref: str, title: str) -> ParsedBlock | None:
        res = self.resources.get(ref)
        if res is None:
            return None
        kind, href = res.get("type") or "", self._file(res)
        if not href:
            return None
        if kind == "webcontent" and href.lower().endswith((".html", ".htm")):
            html = self.pkg.read(href, MAX_XML).decode("utf-8", "replace")
            body = re.search(r"<body[^>]*>(.*)</body>", html, re.IGNORECASE | re.DOTALL)
            return ParsedBlock("text", title, html=(body.group(1) if body else html)[:200_000])
        if kind.startswith("imswl_xmlv1p"):
            doc = parse_xml(self.pkg.read(href, MAX_XML))
            url_el = next((e for e in doc.iter() if isinstance(e.tag, str) and e.tag.endswith("}url")), None)
            url = (url_el.get("href") or "") if url_el is not None else ""
            if not url.startswith(("https://", "http://")) or len(url) > 1000:
                return None
            if VIDEO_URL.search(url):
                return ParsedBlock("video", title, url=url)
            return ParsedBlock("text", title, html=f'<p><a href="{_attr(url)}">{_attr(title or url)}</a></p>')
        if kind.startswith("imsqti_xmlv1p2") and kind.endswith("/assessment"):
            quiz = qti12.read(parse_xml(self.pkg.read(href, MAX_XML)))
            quiz.title = (title or quiz.title)[:200]
            self.parsed.skipped += quiz.skipped
            return ParsedBlock("quiz", quiz.title, quiz=quiz)
        return None


def _attr(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


__all__ = ["ASSESSMENT", "Parsed", "read"]
