"""Excel 97–2003 (.xls) and OpenDocument (.ods) files are read, repaired, reported and
committed like CSV and XLSX. The files in fixtures/ were written by xlwt and odfpy
(fixtures/make_fixtures.py): real BIFF8 and ODF containers, not renamed CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edudx.core.actor import Actor
from edudx.ingest.engine import pipeline
from edudx.ingest.engine.receive import receive
from edudx.ingest.kinds import get
from edudx.registry.models import Enrolment, Student

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
LEGACY = ["students.xls", "students.ods"]


@pytest.mark.parametrize("name", LEGACY)
def test_format_is_recognised_by_content_even_when_misnamed(name, tmp_path):
    misnamed = tmp_path / "danh-sach.csv"
    misnamed.write_bytes((FIXTURES / name).read_bytes())
    assert receive(misnamed).format == name.rsplit(".", 1)[1]


@pytest.mark.parametrize("name", LEGACY)
def test_check_reports_formula_merged_hidden_and_repairs_cell_by_cell(name, city):
    out = pipeline.process(kind=get("students"), path=FIXTURES / name, actor=Actor.system())
    found = {(p.code, p.row, p.column) for p in out.problems.items}
    assert ("formula_cached_value", 4, "J") in found
    assert ("merged_cells", 6, "A") in found
    assert any(code == "sheet_hidden" for code, _, _ in found)
    # the personal ID typed as a number lost its leading zero: restored, and said where
    assert any(code == "pid_leading_zero_restored" and row == 3 for code, row, _ in found)
    # the three pupils are new; the footer line under the merged cells is not a pupil
    assert out.counts["new"] == 3
    assert out.counts["rejected"] == 1
    assert {p.row for p in out.problems.items if p.severity == "error"} == {6}


@pytest.mark.parametrize("name", LEGACY)
def test_partial_commit_writes_the_pupils_as_typed_and_twice_changes_nothing(name, city):
    actor = Actor.system()
    first = pipeline.process(
        kind=get("students"), path=FIXTURES / name, actor=actor, write=True, mode="partial"
    )
    assert first.written
    anh = Student.objects.get(moet_code="7990000101")
    assert anh.full_name == "Nguyễn Thị Ánh"
    assert anh.date_of_birth == dt.date(2014, 3, 1)
    binh = Student.objects.get(moet_code="7990000102")
    assert binh.personal_id == "079214900102"
    yen = Student.objects.get(moet_code="7990000103")
    assert yen.date_of_birth == dt.date(2014, 11, 30)
    assert (
        Enrolment.objects.filter(student__moet_code__startswith="79900001", school_class__name="6A1").count()
        == 3
    )

    again = pipeline.process(
        kind=get("students"), path=FIXTURES / name, actor=actor, write=True, mode="partial"
    )
    assert again.counts["new"] == 0 and again.counts["changed"] == 0
    assert again.counts["unchanged"] == 3
    assert Student.objects.filter(moet_code__startswith="79900001").count() == 3
