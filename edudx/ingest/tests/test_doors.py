"""The web pages and the API call the same engine; scope decides which runs exist."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from edudx.ingest.models import ImportRun
from edudx.registry.models import Student

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db


def _file(tmp_path, city, school=0):
    code = city.schools[school].moet_code
    path = write_csv(tmp_path / "hs.csv", [student_row(school=code, code="7990000001", pid="079214900001")])
    return SimpleUploadedFile("hs.csv", path.read_bytes(), content_type="text/csv")


def test_upload_preview_commit_and_reports_through_the_pages(city, client_for, tmp_path):
    c = client_for("school_admin")
    resp = c.post(reverse("ingest:upload"), {"kind": "students", "file": _file(tmp_path, city), "mode": "strict",
                                             "language": "vi"})  # fmt: skip
    assert resp.status_code == 302
    run = ImportRun.objects.get()
    assert run.state == "checked" and run.rows_new == 1
    page = c.get(reverse("ingest:run_detail", kwargs={"run_id": run.pk}))
    assert page.status_code == 200 and b'data-testid="count-new">1<' in page.content
    for name in ("report_csv", "report_json", "report_xlsx"):
        assert c.get(reverse(f"ingest:{name}", kwargs={"run_id": run.pk})).status_code == 200
    c.post(reverse("ingest:run_commit", kwargs={"run_id": run.pk}), {"mode": "strict"})
    run.refresh_from_db()
    assert run.state == "committed"
    student = Student.objects.get(moet_code="7990000001", school=city.schools[0])
    # The pupil's page says which import created the record, from which row of the file.
    html = c.get(
        reverse("registry:student_detail", kwargs={"student_id": student.pk}), HTTP_ACCEPT_LANGUAGE="vi"
    )
    text = html.content.decode()
    assert f"import:{run.pk}" in text and "Dòng trong tệp nhập" in text and "→ 2</div>" in text


def test_a_school_admin_does_not_see_another_schools_run(city, client_for, tmp_path):
    from .matrix import providers

    run_id, marker = providers(city)["run_id"]
    c = client_for("school_admin")
    assert c.get(reverse("ingest:run_detail", kwargs={"run_id": run_id})).status_code == 404
    assert marker.encode() not in c.get(reverse("ingest:run_list")).content
    assert (
        client_for("dept_admin").get(reverse("ingest:run_detail", kwargs={"run_id": run_id})).status_code
        == 200
    )


def test_teacher_may_not_import(city, client_for):
    assert client_for("teacher").get(reverse("ingest:upload")).status_code == 403


def test_api_upload_preview_commit_status(city, client_for, tmp_path):
    c = client_for("dept_admin")
    from django.middleware.csrf import get_token  # noqa: F401 - session API needs CSRF

    c = type(c)(enforce_csrf_checks=False)
    c.force_login(city.users["dept_admin"])
    resp = c.post(
        "/api/v1/ingest/runs", {"kind": "students", "file": _file(tmp_path, city), "mode": "strict"}
    )
    assert resp.status_code == 201, resp.content
    run_id = resp.json()["id"]
    assert resp.json()["state"] == "checked" and resp.json()["rows_new"] == 1
    preview = c.get(f"/api/v1/ingest/runs/{run_id}/preview").json()
    assert preview["run"]["id"] == run_id
    done = c.post(f"/api/v1/ingest/runs/{run_id}/commit", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "committed"
    assert c.get(f"/api/v1/ingest/runs/{run_id}/report?format=csv").content.startswith("\ufeffrow".encode())
