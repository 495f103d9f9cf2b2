import json

import pytest

from .helpers import docx_bytes, make_resource, publish

API = "/api/v1/library"


@pytest.mark.django_db
def test_contribute_submit_and_publish_through_the_api(city, client_for):
    teacher = client_for("teacher")
    resp = teacher.post(
        f"{API}/resources",
        {
            "title": "Định luật Ôm",
            "subject": "vat_li",
            "grades": "9",
            "licence": "CC-BY-4.0",
            "file": _upload("bai.docx", docx_bytes("Cường độ dòng điện tỉ lệ thuận với hiệu điện thế")),
        },
    )
    assert resp.status_code == 201, resp.content
    rid = resp.json()["id"]
    assert resp.json()["resource_type"] == "document" and resp.json()["state"] == "draft"
    assert (
        teacher.post(
            f"{API}/resources/{rid}/workflow/submit", "{}", content_type="application/json"
        ).status_code
        == 200
    )
    officer = client_for("dept_officer")
    resp = officer.post(
        f"{API}/resources/{rid}/workflow/publish",
        json.dumps({"comment": "Tốt"}),
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["state"] == "published"
    found = client_for("viewer").get(f"{API}/resources", {"q": "dinh luat om"}).json()
    assert [i["id"] for i in found["items"]] == [rid] and found["facets"]["subject"] == [
        {"value": "vat_li", "count": 1}
    ]


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_api_errors_use_the_shared_body(city, client_for):
    r = make_resource(city, data={"licence": ""})
    teacher = client_for("teacher")
    teacher.post(f"{API}/resources/{r.pk}/workflow/submit", "{}", content_type="application/json")
    resp = client_for("dept_officer").post(
        f"{API}/resources/{r.pk}/workflow/publish", "{}", content_type="application/json"
    )
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "licence_required"
    resp = teacher.post(f"{API}/resources/{r.pk}/workflow/publish", "{}", content_type="application/json")
    assert resp.status_code == 403


@pytest.mark.django_db
def test_collections_and_cartridge_over_the_api(city, client_for):
    a = publish(city, make_resource(city, title="A"))
    b = publish(city, make_resource(city, title="B"))
    c = client_for("teacher")
    col = c.post(
        f"{API}/collections", json.dumps({"title": "Tiết 1"}), content_type="application/json"
    ).json()
    i1 = c.post(
        f"{API}/collections/{col['id']}/items",
        json.dumps({"resource_id": a.pk}),
        content_type="application/json",
    ).json()
    i2 = c.post(
        f"{API}/collections/{col['id']}/items",
        json.dumps({"resource_id": b.pk, "note": "về nhà"}),
        content_type="application/json",
    ).json()
    detail = c.put(
        f"{API}/collections/{col['id']}/order",
        json.dumps({"item_ids": [i2["id"], i1["id"]]}),
        content_type="application/json",
    ).json()
    assert [i["title"] for i in detail["items"]] == ["B", "A"]
    resp = c.get(f"{API}/collections/{col['id']}/cartridge")
    assert resp.status_code == 200 and resp.content[:2] == b"PK"
    assert client_for("school_admin").get(f"{API}/collections/{col['id']}").status_code == 404


@pytest.mark.django_db
def test_collection_search_by_title_in_the_api_and_the_page(city, client_for):
    """`q` on the collection list used to fail on every request (FieldError: only() over a
    queryset that follows owner and school with select_related)."""
    c = client_for("teacher")
    for title in ("Ôn tập Đại số", "Hình học 9"):
        c.post(f"{API}/collections", json.dumps({"title": title}), content_type="application/json")
    resp = c.get(f"{API}/collections", {"q": "dai so"})
    assert resp.status_code == 200
    assert [col["title"] for col in resp.json()["items"]] == ["Ôn tập Đại số"]
    page = c.get("/library/collections/", {"q": "dai so"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ôn tập Đại số" in text and "Hình học 9" not in text
