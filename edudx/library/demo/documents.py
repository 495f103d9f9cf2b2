"""Small real files for the demo resources (DOCX, PPTX, PDF, H5P) holding a lesson plan's lines,
so that text extraction and search have something true to read."""

from __future__ import annotations

import functools
import io
import zipfile


def pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def grade_label(g: int) -> str:
    return f"lớp {g}"


def body(subject_label: str, grade: int, topic: str, prefix: str) -> list[str]:
    return [
        f"{prefix}: {topic}",
        f"Môn {subject_label} – {grade_label(grade)} – Chương trình GDPT 2018",
        "I. Mục tiêu",
        f"1. Kiến thức: học sinh nêu được nội dung chính của bài “{topic}”.",
        "2. Năng lực: tự chủ và tự học, giao tiếp và hợp tác, giải quyết vấn đề và sáng tạo.",
        "3. Phẩm chất: chăm chỉ, trung thực, trách nhiệm.",
        "II. Thiết bị dạy học và học liệu: máy chiếu, phiếu học tập, sách giáo khoa.",
        "III. Tiến trình dạy học",
        "Hoạt động 1: Khởi động (5 phút) – đặt vấn đề từ tình huống thực tế.",
        f"Hoạt động 2: Hình thành kiến thức mới về {topic.lower()}.",
        "Hoạt động 3: Luyện tập – học sinh làm việc theo nhóm bốn người.",
        "Hoạt động 4: Vận dụng – liên hệ với cuộc sống ở Thành phố Hồ Chí Minh.",
    ]


LINES = 12  # body() writes this many lines


@functools.cache
def _template(kind: str) -> bytes:
    """A real DOCX/PPTX made once by python-docx/python-pptx with markers where the text goes;
    each resource's file is this package with the markers replaced, because building every
    document with python-docx is slow. See docs/decisions/0008-demo-data-generated-cheaply.md."""
    marks = [f"EDUDXMARK{i:02d}X" for i in range(LINES)]
    out = io.BytesIO()
    if kind == "docx":
        import docx

        doc = docx.Document()
        doc.add_heading(marks[0], level=1)
        for m in marks[1:]:
            doc.add_paragraph(m)
        doc.save(out)
    else:
        from pptx import Presentation

        prs = Presentation()
        slide = prs.slides.add_slide(prs.slide_layouts[0])
        slide.shapes.title.text = marks[0]
        slide.placeholders[1].text = marks[1]
        for i in range(2, LINES, 4):
            s = prs.slides.add_slide(prs.slide_layouts[1])
            s.shapes.title.text = marks[i]
            s.placeholders[1].text = "\n".join(marks[i + 1 : i + 4])
        prs.save(out)
    return out.getvalue()


@functools.cache
def _entries(kind: str) -> list[tuple[zipfile.ZipInfo, bytes]]:
    src = zipfile.ZipFile(io.BytesIO(_template(kind)))
    return [(info, src.read(info)) for info in src.infolist()]


def _fill(kind: str, lines: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info, data in _entries(kind):
            if b"EDUDXMARK" in data:
                text = data.decode("utf-8")
                for i, line in enumerate(lines[:LINES]):
                    text = text.replace(f"EDUDXMARK{i:02d}X", escape(line))
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def _docx(lines: list[str]) -> bytes:
    return _fill("docx", lines)


def _pptx(lines: list[str]) -> bytes:
    return _fill("pptx", lines)


def _pdf(lines: list[str]) -> bytes:
    from html import escape

    from weasyprint import HTML

    body = "".join(f"<p>{escape(line)}</p>" for line in lines[1:])
    html = (
        "<html lang='vi'><body style='font-family: DejaVu Sans; font-size: 11pt'>"
        f"<h1 style='font-size:15pt'>{escape(lines[0])}</h1>{body}"
        "<p>Câu 1. (2 điểm) ...</p><p>Câu 2. (3 điểm) ...</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def _h5p(lines: list[str]) -> bytes:
    import json

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "h5p.json", json.dumps({"title": lines[0], "language": "vi", "mainLibrary": "H5P.QuestionSet"})
        )
        zf.writestr("content/content.json", json.dumps({"questions": lines[2:6]}, ensure_ascii=False))
    return out.getvalue()


MAKERS = {"docx": _docx, "pptx": _pptx, "pdf": _pdf, "h5p": _h5p}
