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

from .helpers import student_row, write_csv

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
    for row in wb["Lỗi"].iter_rows(values_only=True):
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
