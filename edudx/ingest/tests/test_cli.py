from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command

from edudx.registry.models import Student

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db


def test_check_only_writes_the_report_and_nothing_else(city, tmp_path, capsys):
    a1 = city.schools[0].moet_code
    path = write_csv(tmp_path / "hs.csv", [student_row(school=a1), student_row(school=a1, code="7990000002",
                                                                               pid="079214900002", dob="x")])  # fmt: skip
    before = Student.objects.count()
    with pytest.raises(SystemExit):
        call_command("import", "students", str(path), "--check-only", "--report", str(tmp_path / "r.csv"))
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert rows[0] == ["row", "column", "code", "severity", "message"]
    assert rows[1][:3] == ["3", "Ngày sinh", "date_invalid"]
    assert Student.objects.count() == before


def test_import_partial_as_a_user_and_json_report(city, tmp_path):
    a1, b1 = city.schools[0].moet_code, city.schools[2].moet_code
    path = write_csv(tmp_path / "hs.csv", [student_row(school=a1), student_row(school=b1, code="7990000002",
                                                                               pid="079214900002")])  # fmt: skip
    call_command("import", "students", str(path), "--partial", "--as", "t_school_admin",
                 "--report", str(tmp_path / "r.json"))  # fmt: skip
    problems = json.loads((tmp_path / "r.json").read_text())
    assert any(p["code"] == "school_out_of_scope" and p["row"] == 3 for p in problems)
    assert Student.objects.filter(moet_code="7990000001").exists()


def test_template_command_writes_an_xlsx(tmp_path):
    out = tmp_path / "mau.xlsx"
    call_command("template", "schools", "--out", str(out))
    assert out.read_bytes()[:2] == b"PK"
