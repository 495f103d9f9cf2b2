"""A SCORM package (a zip with `imsmanifest.xml` at its top), checked entry by entry by
`archive` (the one home of the zip checks H5P and cmi5 use) and its manifest read with a parser
that resolves no entity and fetches nothing.

The version: `metadata/schemaversion` ("1.2"; "2004 …" or "CAM 1.3"), else the namespaces the
manifest declares (ADL's `adlcp_rootv1p2` is 1.2, `adlcp_v1p3` is 2004). The launchable items
are those of the default organization (or the first) whose resource has an `href`, in document
order, nested items included; the resource's `scormtype`/`scormType` says whether it is a SCO
(it talks to the run-time API) or an asset. The launch file must be in the zip."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from lxml import etree

from . import archive
from .archive import refuse

MANIFEST = "imsmanifest.xml"
MAX_ITEMS = 100
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass(frozen=True)
class ScormPackage:
    version: str  # "1.2" or "2004"
    title: str
    items: list[dict[str, Any]]  # id, title, href (launch path + parameters), sco, mastery
    files: dict[str, zipfile.ZipInfo]


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child(el: Any, name: str) -> Any:
    for c in el:
        if _local(c) == name:
            return c
    return None


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


def _attr(el: Any, name: str) -> str:
    """An attribute by its local name, whatever its namespace (adlcp:scormtype, scormType)."""
    for key, value in el.attrib.items():
        if etree.QName(key).localname.lower() == name.lower():
            return str(value)
    return ""


def _invalid(what: str) -> Exception:
    return refuse("scorm_invalid", _("The SCORM manifest is not valid: %(what)s.") % {"what": what})


def version_of(root: Any) -> str:
    meta = _child(root, "metadata")
    schema_version = _child(meta, "schemaversion") if meta is not None else None
    text = (schema_version.text or "").strip() if schema_version is not None else ""
    if text == "1.2":
        return "1.2"
    if text.startswith("2004") or text == "CAM 1.3":
        return "2004"
    spaces = {str(v) for el in root.iter() if isinstance(el.tag, str) for v in el.nsmap.values()}
    if any(v.rstrip("/").endswith("adlcp_rootv1p2") for v in spaces):
        return "1.2"
    if any(v.rstrip("/").endswith("adlcp_v1p3") for v in spaces):
        return "2004"
    raise refuse("scorm_unknown_version", _("The package is neither SCORM 1.2 nor SCORM 2004."))


def _launch(base: str, href: str, parameters: str) -> str:
    """The launch path (relative to the package) with the item's parameters appended."""
    parts = urlsplit(base + href)
    if parts.scheme or parts.netloc or parts.path.startswith("/") or not parts.path:
        raise _invalid("resource href")
    path = posixpath.normpath(parts.path)
    query = parts.query
    fragment = parts.fragment
    params = parameters.strip()
    if params.startswith("#"):
        fragment = fragment or params[1:]
    elif params:
        query = "&".join(p for p in (query, params.lstrip("?&")) if p)
    return path + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


def _mastery(item: Any) -> str | None:
    el = _child(item, "masteryscore")
    if el is None or not (el.text or "").strip():
        return None
    try:
        value = Decimal((el.text or "").strip())
    except InvalidOperation as exc:
        raise _invalid("masteryscore") from exc
    if not value.is_finite() or not (0 <= value <= 100):
        raise _invalid("masteryscore")
    return str(value)


def _title(el: Any) -> str:
    t = _child(el, "title")
    return " ".join((t.text or "").split())[:200] if t is not None else ""


def parse(data: bytes, files: dict[str, zipfile.ZipInfo]) -> ScormPackage:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise refuse("scorm_not_xml", _("The SCORM manifest is not readable XML.")) from exc
    if root.getroottree().docinfo.doctype:  # entities are never resolved; a DTD is not SCORM's
        raise refuse("scorm_not_xml", _("The SCORM manifest is not readable XML."))
    if _local(root) != "manifest":
        raise refuse("scorm_no_manifest", _("This is not a SCORM package: imsmanifest.xml is missing."))
    version = version_of(root)
    resources_el = _child(root, "resources")
    if resources_el is None:
        raise _invalid("resources")
    base = resources_el.get(XML_BASE, "")
    resources: dict[str, tuple[str, str]] = {}
    for res in _children(resources_el, "resource"):
        ident, href = res.get("identifier", ""), res.get("href", "")
        if ident and href:
            resources[ident] = (base + res.get(XML_BASE, "") + href, _attr(res, "scormtype").lower())
    orgs_el = _child(root, "organizations")
    orgs = _children(orgs_el, "organization") if orgs_el is not None else []
    if not orgs:
        raise refuse("scorm_no_item", _("The package has no organization with a launchable item."))
    default = orgs_el.get("default", "") if orgs_el is not None else ""
    org = next((o for o in orgs if o.get("identifier") == default), orgs[0])
    items: list[dict[str, Any]] = []
    for item in org.iter():
        if _local(item) != "item" or not item.get("identifierref"):
            continue
        found = resources.get(item.get("identifierref", ""))
        if found is None:
            raise _invalid(f"item {item.get('identifier', '')[:80]} resource")
        href = _launch("", found[0], item.get("parameters", ""))
        if urlsplit(href).path not in files:
            raise refuse(
                "scorm_launch_missing",
                _("The item %(id)s points to a file the package does not hold.")
                % {"id": item.get("identifier", "")[:80]},
            )
        items.append({
            "id": item.get("identifier", "")[:500] or f"item-{len(items) + 1}",
            "title": _title(item) or _title(org) or "SCORM",
            "href": href[:1000],
            "sco": found[1] == "sco",
            "mastery": _mastery(item) if version == "1.2" else None,
        })  # fmt: skip
        if len(items) > MAX_ITEMS:
            raise _invalid("too many items")
    if not items:
        raise refuse("scorm_no_item", _("The package has no organization with a launchable item."))
    if len({i["id"] for i in items}) != len(items):
        raise _invalid("item identifiers repeat")
    return ScormPackage(version=version, title=_title(org) or items[0]["title"], items=items, files=files)


def read(zf: zipfile.ZipFile) -> ScormPackage:
    """The package checked whole (archive.entries: paths, links, sizes, bomb) and its manifest
    read; nothing is written here."""
    files = archive.entries(zf)
    info = files.get(MANIFEST)
    if info is None:
        raise refuse("scorm_no_manifest", _("This is not a SCORM package: imsmanifest.xml is missing."))
    return parse(archive.read_small(zf, info, 4 * archive.MANIFEST_MAX), files)
