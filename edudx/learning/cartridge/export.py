"""A course as an IMS Common Cartridge 1.3: sections and lessons are organisation items, a
library resource is written by the library's own writer (a web link, or the pinned version's
file), rich text and assignments are `webcontent` pages, a video a web link (an uploaded video
its file), a quiz a QTI 1.2 assessment of the CC profile."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from html import escape
from typing import Any

from lxml import etree

from edudx.core.scope import Scope
from edudx.library import selectors as library

from .. import permissions as perms
from ..models import BlockKind, Course
from . import ASSESSMENT, CP, WL, qti12

LOMM = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    f"{CP} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOMM} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
)


@dataclass
class Exported:
    data: bytes
    left_out: int  # questions of kinds the CC profile lacks


def _el(parent: Any, tag: str, text: str | None = None, **attrs: Any) -> Any:
    e = etree.SubElement(parent, f"{{{CP}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        e.text = text
    return e


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    )


def _web(zf: zipfile.ZipFile, resources: Any, rid: str, href: str, content: bytes | str) -> None:
    zf.writestr(href, content)
    res = _el(resources, "resource", identifier=rid, type="webcontent", href=href)
    _el(res, "file", href=href)


def _link(zf: zipfile.ZipFile, resources: Any, rid: str, href: str, title: str, url: str) -> None:
    wl = etree.Element(f"{{{WL}}}webLink", nsmap={None: WL})
    etree.SubElement(wl, f"{{{WL}}}title").text = title
    etree.SubElement(wl, f"{{{WL}}}url", href=url, target="_blank")
    zf.writestr(href, etree.tostring(wl, xml_declaration=True, encoding="UTF-8"))
    res = _el(resources, "resource", identifier=rid, type="imswl_xmlv1p3")
    _el(res, "file", href=href)


def build(*, scope: Scope, course: Course) -> Exported:
    """The cartridge of a course the caller may see (its unit in their `learning.view` scope)."""
    scope.require(perms.VIEW, course.unit_path)
    manifest = etree.Element(
        f"{{{CP}}}manifest",
        nsmap={None: CP, "lomimscc": LOMM, "xsi": XSI},
        identifier=f"edudx_course_{course.pk}",
    )
    manifest.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    md = _el(manifest, "metadata")
    _el(md, "schema", "IMS Common Cartridge")
    _el(md, "schemaversion", "1.3.0")
    general = etree.SubElement(etree.SubElement(md, f"{{{LOMM}}}lom"), f"{{{LOMM}}}general")
    etree.SubElement(
        etree.SubElement(general, f"{{{LOMM}}}title"), f"{{{LOMM}}}string", language="vi"
    ).text = course.title
    if course.description:
        desc = etree.SubElement(general, f"{{{LOMM}}}description")
        etree.SubElement(desc, f"{{{LOMM}}}string", language="vi").text = course.description
    etree.SubElement(general, f"{{{LOMM}}}language").text = "vi"
    org = _el(
        _el(manifest, "organizations"), "organization", identifier="ORG_1", structure="rooted-hierarchy"
    )
    root = _el(org, "item", identifier="ROOT")
    resources = _el(manifest, "resources")
    left_out = 0
    quizzes_done: set[int] = set()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for section in course.sections.prefetch_related(
            "lessons__blocks__resource", "lessons__blocks__resource_version", "lessons__blocks__quiz"
        ):
            s_item = _el(root, "item", identifier=f"S{section.pk}")
            _el(s_item, "title", section.title)
            for lesson in section.lessons.all():
                l_item = _el(s_item, "item", identifier=f"L{lesson.pk}")
                _el(l_item, "title", lesson.title)
                for b in lesson.blocks.all():
                    rid, folder = f"R{b.pk}", f"l{lesson.pk}/"
                    title = b.title or b.get_kind_display()
                    if b.kind == BlockKind.RESOURCE and b.resource is not None:
                        ok = library.cartridge_resource_entry(
                            zf,
                            resources,
                            resource=b.resource,
                            version=b.resource_version,
                            rid=rid,
                            n=b.pk,
                            folder=folder,
                        )
                        if not ok:
                            continue
                    elif b.kind == BlockKind.TEXT:
                        _web(zf, resources, rid, f"{folder}text_{b.pk}.html", _page(title, b.html))
                    elif b.kind == BlockKind.ASSIGNMENT:
                        body = f"<h2>{escape(title)}</h2><p>{escape(b.prompt)}</p>"
                        _web(zf, resources, rid, f"{folder}assignment_{b.pk}.html", _page(title, body))
                    elif b.kind == BlockKind.VIDEO and b.video_url:
                        _link(zf, resources, rid, f"{folder}video_{b.pk}.xml", title, b.video_url)
                    elif b.kind == BlockKind.VIDEO and b.video_file:
                        with b.video_file.open("rb") as fh:
                            _web(zf, resources, rid, f"{folder}video_{b.pk}.mp4", fh.read())
                    elif b.kind == BlockKind.QUIZ and b.quiz is not None:
                        rid = f"Q{b.quiz.pk}"
                        if b.quiz.pk not in quizzes_done:
                            quizzes_done.add(b.quiz.pk)
                            questions = [i.question for i in b.quiz.items.select_related("question")]
                            doc, skipped = qti12.assessment(rid, b.quiz.title, questions)
                            left_out += skipped
                            href = f"quiz_{b.quiz_id}/assessment.xml"
                            zf.writestr(href, doc)
                            res = _el(resources, "resource", identifier=rid, type=ASSESSMENT)
                            _el(res, "file", href=href)
                    else:
                        continue
                    b_item = _el(l_item, "item", identifier=f"B{b.pk}", identifierref=rid)
                    _el(b_item, "title", title[:250])
        if len(root) == 0:  # a rooted hierarchy needs one item: an empty course exports a notice
            _web(zf, resources, "R_EMPTY", "empty.html", _page(course.title, "<p>Khóa học trống.</p>"))
            _el(_el(root, "item", identifier="I_EMPTY", identifierref="R_EMPTY"), "title", course.title)
        zf.writestr(
            "imsmanifest.xml",
            etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        )
    return Exported(buf.getvalue(), left_out)
