"""A cmi5 course structure (cmi5.xml, alone or at the top of a zip with the AUs' files), read
with a parser that resolves no entity and fetches nothing. The fields the cmi5 specification
requires are checked (the official XSD is not vendored: see learning/README.md): the course's
id, title and description; each AU's id, title, description and url, its moveOn among the
five values, its masteryScore between 0 and 1, its launchMethod. AUs nested in blocks are read
in order. An AU's relative url points into the zip, so cmi5.xml alone needs absolute urls."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from lxml import etree

from . import archive
from .archive import refuse

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
MAX_AUS = 200


@dataclass(frozen=True)
class Structure:
    course_id: str
    title: str
    aus: list[dict[str, Any]]


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _text(el: Any, tag: str) -> str:
    """The first langstring of a title or description (Vietnamese preferred)."""
    holder = el.find(_q(tag))
    if holder is None:
        return ""
    strings = holder.findall(_q("langstring"))
    for s in strings:
        if (s.get("lang") or "").lower().startswith("vi"):
            return (s.text or "").strip()
    return (strings[0].text or "").strip() if strings else ""


def _iri(value: str | None) -> bool:
    return (
        bool(value)
        and ":" in str(value)
        and len(str(value)) <= 500
        and not any(c.isspace() for c in str(value))
    )


def _invalid(what: str) -> Exception:
    return refuse("cmi5_invalid", _("The course structure is not valid: %(what)s.") % {"what": what})


def _au(el: Any, files: dict[str, zipfile.ZipInfo] | None) -> dict[str, Any]:
    au_id = el.get("id")
    if not _iri(au_id):
        raise _invalid("au id")
    title, description = _text(el, "title"), _text(el, "description")
    if not title or el.find(_q("description")) is None:
        raise _invalid(f"au {au_id} title/description")
    url_el = el.find(_q("url"))
    url = (url_el.text or "").strip() if url_el is not None else ""
    parts = urlsplit(url)
    if not url or len(url) > 1000 or any(c.isspace() for c in url):
        raise _invalid(f"au {au_id} url")
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _invalid(f"au {au_id} url")
    elif files is None or parts.path.lstrip("/") not in files or parts.path.startswith("/"):
        raise refuse(
            "cmi5_au_missing",
            _("The unit %(id)s points to a file the package does not hold.") % {"id": au_id},
        )
    move_on = el.get("moveOn", "NotApplicable")
    if move_on not in MOVE_ON:
        raise _invalid(f"au {au_id} moveOn")
    mastery: str | None = el.get("masteryScore")
    if mastery is not None:
        try:
            score = Decimal(mastery)
        except InvalidOperation as exc:
            raise _invalid(f"au {au_id} masteryScore") from exc
        if not score.is_finite() or not (0 <= score <= 1):
            raise _invalid(f"au {au_id} masteryScore")
    launch_method = el.get("launchMethod", "AnyWindow")
    if launch_method not in LAUNCH_METHODS:
        raise _invalid(f"au {au_id} launchMethod")
    params = el.find(_q("launchParameters"))
    return {
        "id": au_id,
        "title": title[:200],
        "description": description[:2000],
        "url": url,
        "moveOn": move_on,
        "masteryScore": mastery,
        "launchMethod": launch_method,
        "launchParameters": (params.text or "")[:2000] if params is not None else "",
    }


def parse(data: bytes, files: dict[str, zipfile.ZipInfo] | None = None) -> Structure:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise refuse("cmi5_not_xml", _("The course structure is not readable XML.")) from exc
    if root.tag != _q("courseStructure"):
        raise refuse("cmi5_not_course_structure", _("This is not a cmi5 course structure (cmi5.xml)."))
    course = root.find(_q("course"))
    if course is None or not _iri(course.get("id")):
        raise _invalid("course id")
    title = _text(course, "title")
    if not title or course.find(_q("description")) is None:
        raise _invalid("course title/description")
    aus = [_au(el, files) for el in root.iter(_q("au"))]
    if not aus:
        raise refuse("cmi5_no_au", _("The course structure has no assignable unit."))
    if len(aus) > MAX_AUS:
        raise _invalid("too many units")
    if len({a["id"] for a in aus}) != len(aus):
        raise _invalid("au ids repeat")
    return Structure(course_id=str(course.get("id")), title=title[:200], aus=aus)


def read(upload: Any, name: str) -> tuple[Structure, zipfile.ZipFile | None, dict[str, zipfile.ZipInfo]]:
    """A cmi5.xml file, or a zip with cmi5.xml at its top: the structure, the open zip and its
    checked files (empty for cmi5.xml alone)."""
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head.startswith(b"PK"):
        zf = archive.open_zip(upload)
        files = archive.entries(zf)
        info = files.get("cmi5.xml")
        if info is None:
            raise refuse("cmi5_no_structure", _("The package has no cmi5.xml at its top."))
        return parse(archive.read_small(zf, info), files), zf, files
    data = upload.read(archive.MANIFEST_MAX + 1)
    if len(data) > archive.MANIFEST_MAX:
        raise refuse("package_manifest_too_large", _("A manifest of the package is too large."))
    del name
    return parse(data), None, {}
