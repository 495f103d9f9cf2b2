"""Every kind of bad file ends with a clear code, and nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from edudx.core.actor import Actor
from edudx.ingest.engine import pipeline
from edudx.ingest.kinds import get
from edudx.registry.models import Student

from .helpers import HEADERS, student_row, write_csv

pytestmark = pytest.mark.django_db


def check(path, kind="students"):
    return pipeline.process(kind=get(kind), path=path, actor=Actor.system())


def codes(outcome):
    return {p.code for p in outcome.problems.items}


def test_pdf_named_csv_is_refused_by_content(tmp_path):
    p = tmp_path / "hs.csv"
    p.write_bytes(b"%PDF-1.7\n...")
    assert "file_type_unsupported" in codes(check(p))


def test_empty_and_header_only_files(tmp_path, city):
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert "file_empty" in codes(check(empty))
    header_only = write_csv(tmp_path / "h.csv", [])
    assert "file_no_rows" in codes(check(header_only))


def test_zip_bomb_is_refused(tmp_path, settings):
    settings.INGEST_MAX_COMPRESSION_RATIO = 50
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert "zip_bomb" in codes(check(p))


def test_xml_entity_expansion_is_refused(tmp_path):
    p = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><workbook/>',
        )
    assert "xml_entities" in codes(check(p))


def test_too_many_columns_and_rows(tmp_path, settings, city):
    settings.INGEST_MAX_COLUMNS = 50
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(5000)) + "\n1\n")
    assert "too_many_columns" in codes(check(wide))
    settings.INGEST_MAX_ROWS = 3
    rows = [student_row(code=f"79{i:08d}", pid=f"0792149{i:05d}") for i in range(10)]
    assert "too_many_rows" in codes(
        pipeline.process(
            kind=get("students"), path=write_csv(tmp_path / "r.csv", rows), actor=Actor.system(), chunk_rows=2
        )
    )


def _xlsx(path, rows, *, formula=False, merged=False, hidden=False):
    wb = xlsxwriter.Workbook(str(path))
    if hidden:
        h = wb.add_worksheet("Cũ")
        h.write(0, 0, "old")
        h.hide()
    ws = wb.add_worksheet("HS")
    if hidden:
        ws.activate()
    ws.write_row(0, 0, HEADERS)
    for i, r in enumerate(rows, start=1):
        ws.write_row(i, 0, r)
    if formula:
        ws.write_formula(1, 9, '="0901234567"', None, "0901234567")
    if merged:
        ws.merge_range(2, 1, 3, 1, "6A1")
    wb.close()
    return path


def test_xlsx_formulas_merged_cells_and_hidden_sheets_are_reported(tmp_path, city):
    a1 = city.schools[0].moet_code
    rows = [student_row(school=a1, code=f"79900000{i}", pid=f"07921490000{i}") for i in range(1, 4)]
    out = check(_xlsx(tmp_path / "f.xlsx", rows, formula=True, merged=True, hidden=True))
    found = {(p.code, p.row) for p in out.problems.items}
    assert ("formula_cached_value", 2) in found
    assert ("merged_cells", 3) in found
    assert "sheet_hidden" in codes(out)
    assert out.counts["total"] == 3


def test_file_for_the_wrong_kind_is_named(tmp_path, city):
    p = write_csv(tmp_path / "t.csv", [["79000001", "Trường A", "THCS", "Công lập", "PA", "1 Đường"]],
                  headers=["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Mã đơn vị quản lý", "Địa chỉ"])  # fmt: skip
    assert "wrong_kind" in codes(check(p, "students"))


def test_missing_required_column_is_a_file_error_and_unknown_columns_warn(tmp_path, city):
    headers = [h for h in HEADERS if h != "Ngày sinh"] + ["Ghi chú"]
    p = write_csv(tmp_path / "m.csv", [[*student_row()[:5], *student_row()[6:], "x"]], headers=headers)
    out = check(p)
    assert "column_missing" in codes(out) and "column_unknown" in codes(out)
    assert out.counts["total"] == 0


def test_nothing_is_written_for_a_rejected_file(tmp_path, city):
    before = Student.objects.count()
    p = tmp_path / "x.csv"
    p.write_bytes(b"\x89PNG....")
    out = pipeline.process(kind=get("students"), path=p, actor=Actor.system(), write=True)
    assert not out.written and Student.objects.count() == before


def test_ods_and_xls_signatures_are_recognised():
    from edudx.ingest.engine.receive import sniff

    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "xls"
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(io.BytesIO("Mã trường,Lớp".encode()).read()) == "csv"
