"""Reports: row numbers as the spreadsheet shows them, CSV/JSON/XLSX, no formula cells."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from edudx.core.actor import Actor
from edudx.ingest import services
from edudx.ingest.engine import report
from edudx.ingest.template import build_template

from .helpers import HEADERS, student_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(city, tmp_path):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        student_row(school=a1, code="7990000002", pid="079214900002", name="=HYPERLINK(1)", dob="99/99/2014"),
        student_row(school=a1, code="7990000003", pid="079214900003", gender="@x"),
    ]
    path = write_csv(tmp_path / "hs.csv", rows)
    with path.open("rb") as fh:
        run = services.run_receive(
            actor=Actor.system(), kind="students", fileobj=fh, file_name="hs.csv", language="vi"
        )
    return services.run_check(actor=Actor.system(), run=run), path


def test_rows_are_numbered_as_in_the_spreadsheet_and_messages_are_vietnamese(checked):
    run, _ = checked
    problems = run.report["problems"]
    date = next(p for p in problems if p["code"] == "date_invalid")
    assert date["row"] == 3 and date["column"] == "Ngày sinh" and date["severity"] == "error"
    assert "ngày" in date["message"].lower()
    assert next(p for p in problems if p["code"] == "gender_unknown")["row"] == 4


def test_english_messages_when_the_user_chose_english(city, tmp_path):
    a1 = city.schools[0].moet_code
    path = write_csv(tmp_path / "hs.csv", [student_row(school=a1, dob="99/99/2014")])
    with path.open("rb") as fh:
        run = services.run_receive(
            actor=Actor.system(), kind="students", fileobj=fh, file_name="hs.csv", language="en"
        )
    run = services.run_check(actor=Actor.system(), run=run)
    msg = next(p for p in run.report["problems"] if p["code"] == "date_invalid")["message"]
    assert msg == "Not a valid date (expected dd/mm/yyyy)."


def test_csv_and_json_exports_have_the_columns_and_no_formula_cells(checked):
    run, _ = checked
    problems = run.report["problems"] + [
        {"row": 9, "column": "=cmd", "code": "x", "severity": "error", "message": "+1"}
    ]
    rows = list(csv.reader(io.StringIO(report.as_csv(problems).decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "code", "severity", "message"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    data = json.loads(report.as_json(problems))
    assert data[-1]["column"] == "'=cmd" and data[-1]["message"] == "'+1"


def test_xlsx_report_highlights_and_comments_problem_cells(checked):
    run, path = checked
    data = report.as_xlsx(run.report["problems"], source=path, fmt="csv", headers=run.report["headers"])
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    cell = ws.cell(row=3, column=6)  # Ngày sinh of the second data row
    assert cell.comment is not None and "date_invalid" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=3, column=5).value == "'=HYPERLINK(1)"
    for row in wb.worksheets[1].iter_rows(values_only=True):
        assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for v in row)


def test_template_has_headers_example_dropdowns_and_explanations():
    from edudx.ingest.kinds import get

    wb = load_workbook(io.BytesIO(build_template(get("students"))))
    ws = wb["Mẫu"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Mã trường", "Lớp", "Năm học", "Mã học sinh"]
    assert ws.cell(row=2, column=5).value == "Nguyễn Văn An"
    assert any("Danh mục" in dv.formula1 for dv in ws.data_validations.dataValidation)
    guide = wb["Hướng dẫn"]
    assert guide.cell(row=1, column=1).value == "Cột" and guide.max_row == len(headers) + 1


def _upload(client, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from edudx.ingest.models import ImportRun

    resp = client.post(
        reverse("ingest:upload"),
        {"kind": "students", "file": SimpleUploadedFile(name, data), "mode": "strict", "language": "vi"},
    )
    assert resp.status_code == 302
    return ImportRun.objects.get()


def test_marked_xlsx_of_a_csv_with_control_characters_is_built_from_its_rows(city, client_for, tmp_path):
    """Control characters are legal in a CSV but not in an XLSX cell: the marked copy shows
    them as U+FFFD instead of failing (openpyxl's IllegalCharacterError was a 500)."""
    from django.urls import reverse

    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001", dob="99/99/2014"),
        student_row(school=a1, code="7990000002", pid="079214900002", name="Ab\x01c\x0b", gender="@x"),
    ]
    path = write_csv(tmp_path / "hs.csv", rows, headers=[*HEADERS[:-1], "Điện\x02thoại"])
    c = client_for("school_admin")
    run = _upload(c, "hs.csv", path.read_bytes())
    resp = c.get(reverse("ingest:report_xlsx", kwargs={"run_id": run.pk}))
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb.worksheets[0]
    assert ws.cell(row=1, column=10).value == "Điện\ufffdthoại"
    assert ws.cell(row=3, column=5).value == "Ab\ufffdc\ufffd"
    assert ws.cell(row=3, column=7).value == "'@x"
    assert "date_invalid" in ws.cell(row=2, column=6).comment.text
    assert any(r[4] == "gender_unknown" for r in wb.worksheets[1].iter_rows(values_only=True))


def test_marked_xlsx_of_an_uploaded_xlsx_keeps_the_users_workbook(city, client_for):
    """The stored copy of an upload has no .xlsx suffix; openpyxl must still open it."""
    from django.urls import reverse
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADERS)
    wb.active.append(student_row(school=city.schools[0].moet_code, dob="99/99/2014"))
    buf = io.BytesIO()
    wb.save(buf)
    c = client_for("school_admin")
    run = _upload(c, "hs.xlsx", buf.getvalue())
    resp = c.get(reverse("ingest:report_xlsx", kwargs={"run_id": run.pk}))
    assert resp.status_code == 200
    cell = load_workbook(io.BytesIO(resp.content)).worksheets[0].cell(row=2, column=6)
    assert cell.value == "99/99/2014" and "date_invalid" in cell.comment.text
