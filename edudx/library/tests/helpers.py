"""Small real files for tests, built in memory."""

from __future__ import annotations

import functools
import io
import zipfile


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pptx_bytes(*slides: str) -> bytes:
    from pptx import Presentation

    prs = Presentation()
    for text in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = text
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


@functools.cache
def pdf_bytes(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=f"<html lang='vi'><body style='font-family: DejaVu Sans'><p>{text}</p></body></html>"
    ).write_pdf()


def png_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def make_resource(
    city,
    *,
    role="teacher",
    school=None,
    title="Phương trình bậc hai một ẩn",
    data=None,
    upload=None,
    grades=(9,),
):
    from edudx.library import services
    from edudx.library.schemas import ResourceIn

    school = school or city.schools[0]
    base = {
        "title": title,
        "description": "Bài giảng cho học sinh lớp 9",
        "resource_type": "document",
        "subject": "toan",
        "licence": "CC-BY-4.0",
        "series": "kntt",
    }
    base.update(data or {})
    if upload is None and base.get("resource_type") != "link":
        upload = ("bai-giang.docx", docx_bytes(title, base["description"]))
    return services.resource_create(
        actor=city.actor_of(role),
        school=school,
        data=ResourceIn(**base, grades=list(grades)),
        upload=upload,
    )


def publish(city, resource):
    from edudx.library import services

    services.resource_submit(actor=city.actor_of("teacher"), resource=resource)
    return services.resource_publish(actor=city.actor_of("dept_officer"), resource=resource)
