"""Uploads stream to disk and are refused past their limit: a clear Vietnamese message, a stable
code, 413, and nothing kept — no resource, no version, no stored file, no temporary file."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from edudx.library import files
from edudx.library.models import Resource, ResourceVersion

from .helpers import docx_bytes, pdf_bytes

API = "/api/v1/library"
LIMIT = 64 * 1024


@pytest.fixture
def small_limits(settings, tmp_path):
    """The library takes at most 64 KiB; uploads past 1 KiB go to temporary files in tmp_path."""
    settings.EDUDX_UPLOAD_LIMITS = {"/library/": LIMIT, "/api/v1/library/": LIMIT}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
    return tmp_path


def _pdf(size: int) -> bytes:
    data = pdf_bytes("Bài giảng")
    return data + b"%" * (size - len(data))


def _stored_files() -> int:
    def walk(path: str) -> int:
        dirs, names = default_storage.listdir(path)
        return len(names) + sum(walk(f"{path}/{d}".strip("/")) for d in dirs)

    return walk("")


def _nothing_kept(tmp_path, stored_before: int) -> None:
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()
    assert _stored_files() == stored_before
    assert list(tmp_path.iterdir()) == []  # the temporary file of the upload is gone


def _form(city, data: bytes) -> dict:
    return {
        "title": "Bài giảng quá lớn",
        "resource_type": "document",
        "subject": "vat_li",
        "grades": ["9"],
        "language": "vi",
        "licence": "CC-BY-4.0",
        "school": str(city.schools[0].pk),
        "file": SimpleUploadedFile("bai.pdf", data, content_type="application/pdf"),
    }


@pytest.mark.django_db
def test_an_upload_past_the_limit_is_stopped_as_it_streams_and_nothing_is_kept(
    city, client_for, small_limits
):
    # Content-Length is within the limit plus the room for the other fields, so the handler
    # has to count the file's bytes as they arrive and stop at the first chunk past the limit.
    before = _stored_files()
    resp = client_for("teacher").post(
        f"{API}/resources",
        {"title": "Quá lớn", "grades": "9", "licence": "CC-BY-4.0", "file": _upload(_pdf(LIMIT + 5000))},
    )
    assert resp.status_code == 413, resp.content
    error = resp.json()["error"]
    assert error["code"] == "upload_too_large"
    assert error["message"] == "Tệp lớn hơn 64,0\xa0KB, mức tối đa trang này nhận."
    _nothing_kept(small_limits, before)


@pytest.mark.django_db
def test_a_content_length_past_the_limit_is_refused_before_the_body_is_read(
    city, client_for, small_limits, monkeypatch
):
    from django.http import multipartparser

    parsed = []
    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", lambda self: parsed.append(1))
    before = _stored_files()
    resp = client_for("teacher").post(reverse("library:resource_create"), _form(city, _pdf(200 * 1024)))
    assert resp.status_code == 413
    assert parsed == []  # refused on the header alone
    page = resp.content.decode()
    assert "upload_too_large" in page and "mức tối đa trang này nhận" in page
    _nothing_kept(small_limits, before)


@pytest.mark.django_db
def test_a_new_version_past_the_limit_keeps_the_resource_as_it_was(city, client_for, small_limits):
    from .helpers import make_resource

    r = make_resource(city)
    versions = list(r.versions.values_list("pk", flat=True))
    before = _stored_files()
    resp = client_for("teacher").post(
        f"{API}/resources/{r.pk}/versions", {"file": _upload(_pdf(LIMIT + 5000)), "note": "mới"}
    )
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "upload_too_large"
    assert list(r.versions.values_list("pk", flat=True)) == versions
    assert _stored_files() == before


@pytest.mark.django_db
def test_an_upload_within_the_limit_goes_through_from_its_temporary_file(city, client_for, small_limits):
    resp = client_for("teacher").post(
        f"{API}/resources",
        {
            "title": "Định luật Ôm",
            "subject": "vat_li",
            "grades": "9",
            "licence": "CC-BY-4.0",
            "file": _upload(docx_bytes("Ôm"), "bai.docx"),
        },
    )
    assert resp.status_code == 201, resp.content
    v = ResourceVersion.objects.get()
    assert v.kind == "docx" and v.size > 1024 and "Ôm" in v.extracted_text
    assert list(small_limits.iterdir()) == []


def test_inspect_reads_a_file_object_without_loading_it(tmp_path):
    """The kind, the size and the hash of a file object are those of its bytes; reads are blocks."""
    import hashlib

    data = _pdf(3 * files.MB + 7)
    reads: list[int] = []

    class Spy(io.BytesIO):
        def read(self, n=-1):
            reads.append(n)
            return super().read(n)

    info = files.inspect(Spy(data))
    assert info.kind.code == "pdf" and info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert reads and all(0 < n <= files.MB for n in reads)


def _upload(data: bytes, name: str = "bai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
