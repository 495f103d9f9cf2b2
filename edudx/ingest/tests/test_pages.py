"""The import pages as people read them: Vietnamese words (states, severities, problems), the
commit choice as radio buttons, commit refused with its reason when nothing valid is left, a
failed run that says why, and the file with its problems marked for every input format."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from edudx.ingest import services
from edudx.ingest.models import ImportRun
from edudx.registry.models import Student

from .helpers import HEADERS, student_row, write_csv

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


def _upload(client, name: str, data: bytes, mode: str = "strict") -> ImportRun:
    resp = client.post(
        reverse("ingest:upload"),
        {"kind": "students", "file": SimpleUploadedFile(name, data), "mode": mode, "language": "vi"},
        **VI,
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportRun.objects.latest("pk")


def _text(resp) -> str:
    """The page's visible text: tags, attributes and scripts removed."""
    html = resp.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _one_error_csv(tmp_path, city) -> bytes:
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        student_row(school=a1, code="7990000002", pid="079214900002", dob="31/02/2014"),
    ]
    return write_csv(tmp_path / "hs.csv", rows).read_bytes()


def test_the_run_page_speaks_vietnamese_with_the_code_only_as_a_small_aside(city, client_for, tmp_path):
    c = client_for("school_admin")
    run = _upload(c, "hs.csv", _one_error_csv(tmp_path, city))
    assert run.state == "checked" and run.errors == 1
    page = c.get(reverse("ingest:run_detail", kwargs={"run_id": run.pk}), **VI)
    text = _text(page)
    assert "Đã kiểm tra" in text and "Thời điểm kiểm tra" not in text
    # the error on its row and column, as a Vietnamese sentence and the word "Lỗi"
    row = re.search(
        r'<tr class="table-danger" data-row="3" data-code="date_invalid">(.*?)</tr>', page.content.decode()
    )
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), flags=re.S)
    assert cells[0] == "3" and cells[1] == "Ngày sinh" and cells[2] == "Lỗi"
    assert cells[3].startswith("Ngày") and "(mã: date_invalid)" in cells[3]
    for raw in ("error", "warning", "True", "False", "students", "strict", "partial", "Checked", "Commit"):
        assert not re.search(rf"\b{raw}\b", text), raw
    # the commit choice: two radio buttons in a fieldset with its legend, each explained;
    # a file with errors offers the partial write first
    html = page.content.decode()
    assert "<legend" in html and "Cách ghi dữ liệu" in text
    radios = re.findall(r'<input class="form-check-input" type="radio" name="mode" value="(\w+)"[^>]*>', html)
    assert radios == ["strict", "partial"]
    assert re.search(r'value="partial"[^>]*checked', html)
    assert "Nghiêm ngặt" in text and "Từng phần" in text and "Ghi các dòng hợp lệ" in text
    assert "Tệp này có 1 dòng lỗi nên sẽ không có gì được ghi." in text
    assert 'data-testid="commit" disabled' not in html


def test_the_run_list_shows_kinds_and_states_as_words(city, client_for, tmp_path):
    c = client_for("school_admin")
    _upload(c, "hs.csv", _one_error_csv(tmp_path, city))
    text = _text(c.get(reverse("ingest:run_list"), **VI))
    assert "Đã kiểm tra" in text and "Học sinh" in text
    assert not re.search(r"\b(students|checked)\b", text)


def test_commit_is_disabled_with_its_reason_when_every_row_has_an_error_and_refused_if_forced(
    city, client_for, tmp_path
):
    a1 = city.schools[0].moet_code
    data = write_csv(tmp_path / "bad.csv", [student_row(school=a1, dob="x"), student_row(school=a1, dob="y")])
    c = client_for("school_admin")
    run = _upload(c, "bad.csv", data.read_bytes())
    assert run.state == "checked" and run.rows_rejected == 2
    page = c.get(reverse("ingest:run_detail", kwargs={"run_id": run.pk}), **VI)
    html = page.content.decode()
    assert re.search(r'<button class="btn btn-success" type="submit" data-testid="commit" disabled', html)
    assert "<fieldset disabled>" in html
    assert "Không có gì để ghi: mọi dòng của tệp đều có lỗi." in _text(page)
    # forced: the server refuses the same, with a stable code, on every door
    resp = c.post(
        reverse("ingest:run_commit", kwargs={"run_id": run.pk}), {"mode": "partial"}, follow=True, **VI
    )
    assert resp.status_code == 200 and "Không có gì để ghi" in _text(resp)
    api = c.post(
        f"/api/v1/ingest/runs/{run.pk}/commit", {"mode": "partial"}, content_type="application/json", **VI
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "nothing_to_commit"
    run.refresh_from_db()
    assert run.state == "checked"


def test_a_failed_run_says_why_and_what_to_do(city, client_for, tmp_path):
    c = client_for("school_admin")
    run = _upload(c, "khac.csv", b"a,b\r\n1,2\r\n")  # no column of a pupil list: refused as a whole
    assert run.state == "failed"
    text = _text(c.get(reverse("ingest:run_detail", kwargs={"run_id": run.pk}), **VI))
    assert "Thất bại" in text and "Lượt nhập này thất bại" in text
    assert "Thiếu cột bắt buộc" in run.failure and run.failure.endswith("Hãy sửa tệp rồi tải lên lại.")
    assert run.failure in text
    # its problems still download as a workbook (the file itself could not be read back)
    for name in ("report_xlsx", "report_csv", "report_json"):
        assert c.get(reverse(f"ingest:{name}", kwargs={"run_id": run.pk})).status_code == 200
    png = _upload(c, "anh.csv", b"\x89PNG\r\n\x1a\n" + bytes(64))  # not a spreadsheet at all
    assert png.state == "failed" and "PNG" in png.failure
    resp = c.get(reverse("ingest:report_xlsx", kwargs={"run_id": png.pk}), **VI)
    assert resp.status_code == 200
    listing = load_workbook(io.BytesIO(resp.content)).worksheets[1]
    assert [r[4] for r in listing.iter_rows(min_row=2, values_only=True)] == ["file_type_unsupported"]
    # a strict commit of a file with an error fails: the page says why, in Vietnamese
    run = _upload(c, "hs.csv", _one_error_csv(tmp_path, city))
    c.post(reverse("ingest:run_commit", kwargs={"run_id": run.pk}), {"mode": "strict"})
    run.refresh_from_db()
    assert run.state == "failed"
    text = _text(c.get(reverse("ingest:run_detail", kwargs={"run_id": run.pk}), **VI))
    assert "ở chế độ nghiêm ngặt, chỉ một dòng lỗi cũng dừng cả tệp" in text


def _xlsx_bytes(tmp_path, city) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    a1 = city.schools[0].moet_code
    ws.append(student_row(school=a1, code="7990000001", pid="079214900001"))
    ws.append(student_row(school=a1, code="7990000002", pid="079214900002", dob="31/02/2014"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xls", "ods"])
def test_the_file_with_problems_marked_is_an_xlsx_for_every_input_format(fmt, city, client_for, tmp_path):
    c = client_for("school_admin")
    if fmt == "csv":
        data = _one_error_csv(tmp_path, city)
    elif fmt == "xlsx":
        data = _xlsx_bytes(tmp_path, city)
    else:
        data = (FIXTURES / f"students.{fmt}").read_bytes()
    run = _upload(c, f"hs.{fmt}", data)
    assert run.file_format == fmt
    resp = c.get(reverse("ingest:report_xlsx", kwargs={"run_id": run.pk}), **VI)
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert resp["Content-Disposition"].endswith('.xlsx"')
    wb = load_workbook(io.BytesIO(resp.content))
    ws, listing = wb.worksheets[0], wb.worksheets[1]
    assert [c.value for c in ws[1]][:4] == HEADERS[:4]
    if fmt in ("csv", "xlsx"):  # the invalid date: F3, red, named in Vietnamese
        cell = ws["F3"]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert cell.comment.text.startswith("Lỗi: Ngày") and "(date_invalid)" in cell.comment.text
    else:  # the computed phone (J4) and the personal ID that lost its zero (H3): warnings
        assert ws["J4"].fill.fgColor.rgb.endswith("FFEB9C")
        assert ws["J4"].comment.text.startswith("Cảnh báo: ")
        assert ws["H3"].comment is not None and "pid_leading_zero_restored" in ws["H3"].comment.text
    head, *rows = list(listing.iter_rows(values_only=True))
    assert listing.title == "Lỗi và cảnh báo"
    assert head == ("Dòng", "Cột", "Mức độ", "Vấn đề", "Mã")
    assert {r[2] for r in rows} <= {"Lỗi", "Cảnh báo"} and rows


def test_one_service_decides_now_or_in_the_background_for_the_web_and_the_api(
    city, client_for, tmp_path, settings, monkeypatch
):
    from edudx.ingest import tasks

    queued: list[tuple[str, int]] = []

    class Queue:  # what the worker would be handed (a Task is frozen: replace it whole)
        def __init__(self, name: str):
            self.name = name

        def enqueue(self, run_id: int, *args: object) -> None:
            queued.append((self.name, run_id))

    monkeypatch.setattr(tasks, "check_run", Queue("check"))
    monkeypatch.setattr(tasks, "commit_run", Queue("commit"))
    c = client_for("school_admin")
    data = _one_error_csv(tmp_path, city)
    settings.INGEST_BACKGROUND_BYTES = len(data) - 1  # this file is "big"
    web = _upload(c, "hs.csv", data)
    api = c.post("/api/v1/ingest/runs", {"kind": "students", "file": SimpleUploadedFile("hs.csv", data)})
    assert api.status_code == 201
    assert queued == [("check", web.pk), ("check", api.json()["id"])]
    assert web.state == "received"  # nobody checked it while the door waited
    settings.INGEST_BACKGROUND_BYTES = len(data) + 1  # now small: checked while the door waits
    small = _upload(c, "hs.csv", data)
    assert small.state == "checked" and len(queued) == 2
    settings.INGEST_BACKGROUND_BYTES = len(data) - 1
    c.post(reverse("ingest:run_commit", kwargs={"run_id": small.pk}), {"mode": "partial"})
    assert queued[-1] == ("commit", small.pk)
    small.refresh_from_db()
    assert small.state == "checked"


def test_the_list_settles_stale_runs_once_and_its_selector_never_writes(
    city, client_for, tmp_path, monkeypatch
):
    from edudx.ingest import selectors

    c = client_for("school_admin")
    data = _one_error_csv(tmp_path, city)
    runs = [_upload(c, "hs.csv", data) for _ in range(3)]
    ImportRun.objects.filter(pk=runs[0].pk).update(state=ImportRun.State.COMMITTING)  # a killed worker
    probes: list[int] = []
    real = services._is_alive
    monkeypatch.setattr(services, "_is_alive", lambda run: probes.append(run.pk) or real(run))
    scope = city.users["school_admin"]
    assert "Thất bại" in _text(c.get(reverse("ingest:run_list"), **VI))
    assert probes == [runs[0].pk]  # one probe for the one busy run, none for the others
    assert ImportRun.objects.get(pk=runs[0].pk).state == ImportRun.State.FAILED
    # the selector only reads
    ImportRun.objects.filter(pk=runs[1].pk).update(state=ImportRun.State.CHECKING)
    from edudx.accounts.services import scope_for_user

    list(selectors.run_list(scope=scope_for_user(scope)))
    assert ImportRun.objects.get(pk=runs[1].pk).state == ImportRun.State.CHECKING
    assert Student.objects.filter(moet_code="7990000001").count() == 0


def test_a_csv_with_a_title_block_keeps_its_row_numbers_in_the_marked_workbook(city, client_for, tmp_path):
    body = _one_error_csv(tmp_path, city).decode("utf-8")
    data = ("TRƯỜNG THCS THỬ PA1\r\nDANH SÁCH HỌC SINH\r\n\r\n" + body).encode("utf-8")
    c = client_for("school_admin")
    run = _upload(c, "hs.csv", data)
    date_error = next(p for p in run.report["problems"] if p["code"] == "date_invalid")
    assert date_error["row"] == 6  # header on row 4, the second pupil on row 6
    ws = load_workbook(
        io.BytesIO(c.get(reverse("ingest:report_xlsx", kwargs={"run_id": run.pk})).content)
    ).active
    assert [cell.value for cell in ws[4]][:2] == HEADERS[:2]
    assert ws["E6"].value == "Nguyễn Văn Mới" and "(date_invalid)" in ws["F6"].comment.text
