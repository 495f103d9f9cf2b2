import zipfile

import pytest

from edudx.core.errors import ValidationFailed
from edudx.library import files

from .helpers import docx_bytes, pdf_bytes, png_bytes, pptx_bytes, zip_bytes


def code_of(data: bytes) -> str:
    return files.inspect(data).kind.code


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationFailed) as exc:
        files.inspect(data)
    return exc.value.code


def test_office_h5p_and_scorm_are_told_apart_by_their_inside():
    assert code_of(docx_bytes("Xin chào")) == "docx"
    assert code_of(pptx_bytes("Quang hợp")) == "pptx"
    assert code_of(zip_bytes({"h5p.json": b"{}", "content/content.json": b"{}"})) == "h5p"
    assert code_of(zip_bytes({"imsmanifest.xml": b"<manifest/>", "index.html": b"<p>x</p>"})) == "scorm"
    assert code_of(pdf_bytes("Truyện Kiều")) == "pdf"
    assert code_of(png_bytes()) == "png"


def test_a_plain_zip_an_html_page_and_a_program_are_refused():
    assert refusal(zip_bytes({"notes.txt": b"hello"})) == "unsupported_type"
    assert refusal(b"<!doctype html><html><script>alert(1)</script></html>") == "unsupported_type"
    assert refusal(b"MZ\x90\x00" + b"\x00" * 200) == "unsupported_type"
    assert refusal(b"") == "empty_file"


def test_a_renamed_file_is_what_its_bytes_say():
    # A PNG whose name says .pdf is stored and served as a PNG.
    assert code_of(png_bytes()) == "png"


def test_archive_path_traversal_is_refused():
    assert refusal(zip_bytes({"h5p.json": b"{}", "../../etc/cron.d/x": b"x"})) == "archive_path_traversal"
    assert refusal(zip_bytes({"imsmanifest.xml": b"<m/>", "/abs/path": b"x"})) == "archive_path_traversal"
    assert refusal(zip_bytes({"imsmanifest.xml": b"<m/>", "C:\\win\\x": b"x"})) == "archive_path_traversal"


def test_a_zip_bomb_is_refused_before_extraction():
    bomb = zip_bytes({"h5p.json": b"{}", "big.bin": b"\x00" * (20 * files.MB)})
    assert len(bomb) < files.MB
    assert refusal(bomb) == "archive_bomb"


def test_too_many_entries_are_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_ENTRIES", 10)
    assert (
        refusal(zip_bytes({"h5p.json": b"{}", **{f"f{i}": b"x" for i in range(20)}}))
        == "archive_too_many_entries"
    )


def test_size_limit_depends_on_the_kind(monkeypatch):
    monkeypatch.setitem(files.KINDS, "png", files.Kind("png", "image/png", ".png", "image", 0, True))
    assert refusal(png_bytes()) == "file_too_large"


def test_svg_is_accepted_but_never_inline():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    info = files.inspect(svg)
    assert info.kind.code == "svg" and info.kind.inline is False


def test_text_is_extracted_from_pdf_docx_and_pptx():
    assert "Truyện Kiều" in files.extract_text("pdf", pdf_bytes("Truyện Kiều – Nguyễn Du"))
    assert "Đường tròn" in files.extract_text("docx", docx_bytes("Đường tròn nội tiếp"))
    assert "Quang hợp" in files.extract_text("pptx", pptx_bytes("Quang hợp ở thực vật"))


def test_a_damaged_document_yields_no_text_rather_than_an_error():
    assert files.extract_text("pdf", b"%PDF-1.4 garbage") == ""


def test_thumbnails_for_images_and_the_first_pdf_page():
    from io import BytesIO

    from PIL import Image

    for data, kind in ((png_bytes((900, 600)), "png"), (pdf_bytes("Trang một"), "pdf")):
        thumb = files.thumbnail(kind, data)
        img = Image.open(BytesIO(thumb))
        assert max(img.size) <= 320


def test_symlinks_inside_archives_are_refused():
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("h5p.json", b"{}")
        info = zipfile.ZipInfo("link")
        info.external_attr = (0o120777) << 16
        zf.writestr(info, "/etc/passwd")
    assert refusal(out.getvalue()) == "archive_symlink"
