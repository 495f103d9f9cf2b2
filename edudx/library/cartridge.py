"""Export a collection as an IMS Common Cartridge 1.3 (.imscc) that Moodle and Canvas import.

Files become `webcontent` resources, web links `imswl_xmlv1p3` resources, and a teacher's
note on an item becomes a small web page placed before the resource in the same order.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape

from lxml import etree

CP = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOMM = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
WL = "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    f"{CP} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOMM} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
)


def _safe_name(name: str, fallback: str) -> str:
    name = re.sub(r"[^\w.\-]+", "_", name.split("/")[-1].split("\\")[-1]).strip("._") or fallback
    return name[:100]


def _el(parent, tag, text=None, **attrs):
    e = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        e.text = text
    return e


def resource_entry(zf, resources, *, resource, version, rid: str, n: int, folder: str = "") -> bool:
    """Write one library resource into an open cartridge: a web link as an `imswl_xmlv1p3`
    resource, a file (the `version` given, else the current one) as `webcontent` under
    `folder`; adds the `resource` element with identifier `rid` to `resources`. False when the
    resource has neither (nothing written). Also used by learning's course export."""
    r = resource
    if r.is_link:
        href = f"{folder}links/{n:03d}.xml"
        wl = etree.Element(f"{{{WL}}}webLink", nsmap={None: WL})
        _el(wl, f"{{{WL}}}title", r.title)
        _el(wl, f"{{{WL}}}url", href=r.url, target="_blank")
        zf.writestr(href, etree.tostring(wl, xml_declaration=True, encoding="UTF-8"))
        res = _el(resources, f"{{{CP}}}resource", identifier=rid, type="imswl_xmlv1p3")
        _el(res, f"{{{CP}}}file", href=href)
        return True
    v = version or (r.current_version if r.current_version_id else None)
    if v is None:
        return False
    href = f"{folder}web_resources/{n:03d}/{_safe_name(v.original_name, 'file')}"
    if not href.lower().endswith(v.extension):
        href += v.extension
    with v.file.open("rb") as fh:
        zf.writestr(href, fh.read())
    res = _el(resources, f"{{{CP}}}resource", identifier=rid, type="webcontent", href=href)
    _el(res, f"{{{CP}}}file", href=href)
    return True


def build(collection, items, *, base_url: str = "") -> bytes:
    ns = {None: CP, "lomimscc": LOMM, "xsi": XSI}
    manifest = etree.Element(f"{{{CP}}}manifest", nsmap=ns, identifier=f"edudx_collection_{collection.pk}")
    manifest.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    md = _el(manifest, f"{{{CP}}}metadata")
    _el(md, f"{{{CP}}}schema", "IMS Common Cartridge")
    _el(md, f"{{{CP}}}schemaversion", "1.3.0")
    lom = _el(md, f"{{{LOMM}}}lom")
    general = _el(lom, f"{{{LOMM}}}general")
    title = _el(general, f"{{{LOMM}}}title")
    _el(title, f"{{{LOMM}}}string", collection.title, language="vi")
    if collection.description:
        desc = _el(general, f"{{{LOMM}}}description")
        _el(desc, f"{{{LOMM}}}string", collection.description, language="vi")
    _el(general, f"{{{LOMM}}}language", "vi")

    orgs = _el(manifest, f"{{{CP}}}organizations")
    org = _el(orgs, f"{{{CP}}}organization", identifier="ORG_1", structure="rooted-hierarchy")
    root = _el(org, f"{{{CP}}}item", identifier="ROOT")
    resources = _el(manifest, f"{{{CP}}}resources")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, item in enumerate(items, 1):
            r = item.resource
            if item.note:
                nid = f"NOTE_{n}"
                href = f"notes/{n:03d}.html"
                zf.writestr(
                    href,
                    "<!doctype html><html lang='vi'><meta charset='utf-8'>"
                    f"<title>{escape(r.title)}</title><p>{escape(item.note)}</p></html>",
                )
                res = _el(
                    resources, f"{{{CP}}}resource", identifier=f"RES_{nid}", type="webcontent", href=href
                )
                _el(res, f"{{{CP}}}file", href=href)
                it = _el(root, f"{{{CP}}}item", identifier=f"ITEM_{nid}", identifierref=f"RES_{nid}")
                _el(it, f"{{{CP}}}title", f"Ghi chú: {r.title}"[:250])
            rid = f"RES_{n}"
            if not resource_entry(zf, resources, resource=r, version=None, rid=rid, n=n):
                continue
            it = _el(root, f"{{{CP}}}item", identifier=f"ITEM_{n}", identifierref=rid)
            _el(it, f"{{{CP}}}title", r.title[:250])
        if len(root) == 0:
            # A rooted hierarchy needs at least one item; an empty collection exports a notice.
            href = "notes/empty.html"
            zf.writestr(
                href, "<!doctype html><html lang='vi'><meta charset='utf-8'><p>Bộ sưu tập trống.</p></html>"
            )
            res = _el(resources, f"{{{CP}}}resource", identifier="RES_EMPTY", type="webcontent", href=href)
            _el(res, f"{{{CP}}}file", href=href)
            it = _el(root, f"{{{CP}}}item", identifier="ITEM_EMPTY", identifierref="RES_EMPTY")
            _el(it, f"{{{CP}}}title", collection.title)
        zf.writestr(
            "imsmanifest.xml",
            etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        )
    return buf.getvalue()
