import pytest
from django.urls import reverse

from edudx.library.models import Resource, State

from .helpers import docx_bytes, make_resource, pdf_bytes, png_bytes, publish


@pytest.mark.django_db
def test_teacher_uploads_a_resource_through_the_form(city, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for("teacher")
    resp = c.post(
        reverse("library:resource_create"),
        {
            "title": "Quang hợp ở thực vật",
            "description": "Bài giảng Sinh học 11",
            "resource_type": "presentation",
            "subject": "sinh_hoc",
            "grades": ["11"],
            "language": "vi",
            "licence": "CC-BY-SA-4.0",
            "school": str(city.schools[0].pk),
            "file": SimpleUploadedFile(
                "bai.docx", docx_bytes("Quang hợp là quá trình"), content_type="text/html"
            ),
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    r = Resource.objects.get(title="Quang hợp ở thực vật")
    assert r.state == State.DRAFT and r.current_version.kind == "docx"
    page = c.get(reverse("library:resource_detail", args=[r.pk])).content.decode()
    assert "Quang hợp là quá trình" in page  # text preview of a Word document


@pytest.mark.django_db
def test_an_html_upload_is_refused_with_a_message(city, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for("teacher")
    resp = c.post(
        reverse("library:resource_create"),
        {
            "title": "x",
            "resource_type": "document",
            "subject": "toan",
            "grades": ["6"],
            "language": "vi",
            "school": str(city.schools[0].pk),
            "file": SimpleUploadedFile(
                "x.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
            ),
        },
    )
    assert resp.status_code == 200
    assert not Resource.objects.filter(title="x").exists()


@pytest.mark.django_db
def test_download_is_an_attachment_with_nosniff_and_pdf_preview_is_inline(city, client_for):
    r = publish(city, make_resource(city, upload=("đề thi.pdf", pdf_bytes("Đề kiểm tra"))))
    c = client_for("viewer")
    v = r.current_version
    resp = c.get(reverse("library:version_download", args=[r.pk, v.pk]))
    assert resp["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%C4%91%E1%BB%81%20thi.pdf" in resp["Content-Disposition"]
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Type"] == "application/octet-stream"
    preview = c.get(reverse("library:version_preview", args=[r.pk, v.pk]))
    assert (
        preview["Content-Disposition"].startswith("inline;") and preview["Content-Type"] == "application/pdf"
    )
    r.refresh_from_db()
    assert r.download_count == 1


@pytest.mark.django_db
def test_svg_is_never_previewed_inline(city, client_for):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    r = publish(city, make_resource(city, data={"resource_type": "image"}, upload=("a.svg", svg)))
    c = client_for("viewer")
    assert c.get(reverse("library:version_preview", args=[r.pk, r.current_version.pk])).status_code == 404
    resp = c.get(reverse("library:version_download", args=[r.pk, r.current_version.pk]))
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["Content-Type"] == "application/octet-stream"
    assert "sandbox" in resp["Content-Security-Policy"]


@pytest.mark.django_db
def test_search_page_shows_facets_and_results_without_accents(city, client_for):
    publish(city, make_resource(city, title="Phương trình bậc hai một ẩn"))
    publish(
        city, make_resource(city, title="Quang hợp ở thực vật", data={"subject": "sinh_hoc"}, grades=(11,))
    )
    c = client_for("viewer")
    page = c.get(reverse("library:resource_list"), {"q": "phuong trinh bac hai"}).content.decode()
    assert "Phương trình bậc hai một ẩn" in page and "Quang hợp" not in page
    page = c.get(reverse("library:resource_list")).content.decode()
    assert 'data-facet="subject:sinh_hoc">1<' in page
    sugg = c.get(reverse("library:suggest"), {"q": "quang h"}).content.decode()
    assert "Quang hợp ở thực vật" in sugg


@pytest.mark.django_db
def test_capped_facet_counts_are_labelled_as_lower_bounds(city, client_for, monkeypatch):
    from edudx.library import search

    for title in ("Quang hợp 1", "Quang hợp 2", "Quang hợp 3"):
        publish(city, make_resource(city, title=title))
    c = client_for("viewer")
    page = c.get(reverse("library:resource_list"), {"q": "quang hop"}).content.decode()
    assert "3 học liệu" in page and "Ít nhất" not in page and 'data-testid="facets-capped"' not in page
    monkeypatch.setattr(search, "FACET_CAP", 2)
    page = c.get(reverse("library:resource_list"), {"q": "quang hop"}).content.decode()
    assert "Ít nhất 2 học liệu" in page and "Đếm trên 2 kết quả mới nhất." in page
    assert 'data-facet="subject:toan">2+<' in page
    assert all(t in page for t in ("Quang hợp 1", "Quang hợp 2", "Quang hợp 3"))  # the results are not capped
    api = c.get("/api/v1/library/resources", {"q": "quang hop"}).json()
    assert (api["total"], api["capped"]) == (2, True)


@pytest.mark.django_db
def test_review_through_the_page_and_history_is_shown(city, client_for):
    r = make_resource(city, upload=("a.png", png_bytes()), data={"resource_type": "image"})
    teacher = client_for("teacher")
    teacher.post(reverse("library:resource_action", args=[r.pk, "submit"]))
    officer = client_for("dept_officer")
    assert r.title in officer.get(reverse("library:review_queue")).content.decode()
    officer.post(reverse("library:resource_action", args=[r.pk, "return"]), {"comment": "Bổ sung nguồn ảnh"})
    r.refresh_from_db()
    assert r.state == State.RETURNED
    page = teacher.get(reverse("library:resource_detail", args=[r.pk])).content.decode()
    assert "Bổ sung nguồn ảnh" in page and 'data-testid="history"' in page


@pytest.mark.django_db
def test_another_schools_draft_is_not_found(city, client_for):
    r = make_resource(city)
    other = city.users["teacher"]  # noqa: F841 - the author, for contrast
    from edudx.core.actor import Actor
    from edudx.library import services
    from edudx.library.schemas import ResourceIn

    b1 = services.resource_create(
        actor=Actor.system(),
        school=city.schools[2],
        data=ResourceIn(
            title="Bản nháp B1", resource_type="link", url="https://example.org", subject="toan", grades=[6]
        ),
    )
    c = client_for("teacher")
    assert c.get(reverse("library:resource_detail", args=[b1.pk])).status_code == 404
    assert c.get(reverse("library:resource_detail", args=[r.pk])).status_code == 200


@pytest.mark.django_db
def test_collection_page_and_cartridge_download(city, client_for):
    from edudx.library import services
    from edudx.library.schemas import CollectionIn

    r = publish(city, make_resource(city))
    actor = city.actor_of("teacher")
    col = services.collection_create(actor=actor, school=city.schools[0], data=CollectionIn(title="Chương 4"))
    services.collection_add(actor=actor, collection=col, resource=r, note="Dùng cho tiết 1")
    c = client_for("teacher")
    assert "Dùng cho tiết 1" in c.get(reverse("library:collection_detail", args=[col.pk])).content.decode()
    resp = c.get(reverse("library:collection_cartridge", args=[col.pk]))
    assert resp.status_code == 200 and resp.content[:2] == b"PK"
    assert (
        client_for("school_admin").get(reverse("library:collection_detail", args=[col.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_pages_render_for_every_role(city, client_for):
    r = publish(city, make_resource(city))
    for role in city.users:
        c = client_for(role)
        for name in ("resource_list", "collection_list", "most_used"):
            assert c.get(reverse(f"library:{name}")).status_code == 200, (role, name)
        assert c.get(reverse("library:resource_detail", args=[r.pk])).status_code == 200


@pytest.mark.django_db
def test_search_results_export_to_excel_without_formulas(city, client_for):
    import io

    from openpyxl import load_workbook

    publish(city, make_resource(city, title='=HYPERLINK("http://x")'))
    publish(city, make_resource(city, title="Quang hợp"))
    resp = client_for("viewer").get(reverse("library:resource_list"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(resp.content)).active
    titles = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "Quang hợp" in titles and '\'=HYPERLINK("http://x")' in titles


@pytest.mark.django_db
def test_collection_items_refuse_ids_the_database_cannot_hold_and_move_in_one_service(city, client_for):
    from edudx.library import services
    from edudx.library.schemas import CollectionIn

    a = publish(city, make_resource(city, title="Bài 1"))
    b = publish(city, make_resource(city, title="Bài 2"))
    actor = city.actor_of("teacher")
    col = services.collection_create(actor=actor, school=city.schools[0], data=CollectionIn(title="Chương 5"))
    first = services.collection_add(actor=actor, collection=col, resource=a)
    second = services.collection_add(actor=actor, collection=col, resource=b)
    c = client_for("teacher")
    url = reverse("library:collection_items", args=[col.pk])
    huge = "9" * 20
    for body in (
        {"op": "add", "resource": huge},
        {"op": "remove", "item": huge},
        {"op": "note", "item": huge, "note": "x"},
        {"op": "up", "item": huge},
        {"op": "add", "resource": "abc"},
    ):
        assert c.post(url, body).status_code == 302, body
    assert c.post(url, {"op": "up", "item": second.pk}).status_code == 302
    assert [i.pk for i in col.items.order_by("position")] == [second.pk, first.pk]
    # At the top already: nothing moves.
    c.post(url, {"op": "up", "item": second.pk})
    assert [i.pk for i in col.items.order_by("position")] == [second.pk, first.pk]


@pytest.mark.django_db
def test_a_teacher_creates_and_edits_a_collection_through_the_forms(city, client_for):
    from edudx.core.history import entries_for
    from edudx.library.models import Collection

    c = client_for("teacher")
    body = {
        "title": "Ôn tập chương 3",
        "description": "",
        "subject": "toan",
        "grade": "9",
        "visibility": "private",
    }
    resp = c.post(reverse("library:collection_create"), body)
    assert resp.status_code == 302
    col = Collection.objects.get(title="Ôn tập chương 3")
    edit = reverse("library:collection_edit", args=[col.pk])
    assert "Ôn tập chương 3" in c.get(edit).content.decode()
    assert c.post(edit, {**body, "title": "Ôn tập chương 3 (sửa)"}).status_code == 302
    col.refresh_from_db()
    assert col.title == "Ôn tập chương 3 (sửa)"
    assert entries_for(col)[0].changes["title"] == ["Ôn tập chương 3", "Ôn tập chương 3 (sửa)"]
    # Outsider input: a title longer than the column is refused on the form, never a 500.
    assert c.post(edit, {**body, "title": "x" * 5000}).status_code == 200
