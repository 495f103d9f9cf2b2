"""Shared exports: no cell starts a formula; an XLSX cut at its row limit says so in the file."""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import load_workbook

from edudx.core import exports


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data), read_only=True).active


def test_xlsx_cut_at_its_limit_ends_with_a_note_naming_the_limit():
    rows = ([i, f"Nguyễn Văn {i}"] for i in range(1_500))
    with translation.override("vi"):
        data = exports.xlsx_bytes(headers=["STT", "Họ và tên"], rows=rows, max_rows=1_000)
    values = list(_sheet(data).iter_rows(values_only=True))
    assert len(values) == 1 + 1_000 + 1
    assert values[1000][0] == 999
    note = values[-1][0]
    assert "1.000" in note and "CSV" in note


def test_xlsx_within_its_limit_has_no_note():
    data = exports.xlsx_bytes(headers=["STT"], rows=([i] for i in range(10)), max_rows=10)
    values = list(_sheet(data).iter_rows(values_only=True))
    assert values[-1] == (9,) and len(values) == 11


def test_no_exported_cell_begins_a_formula():
    data = exports.xlsx_bytes(headers=["=SUM(A1)"], rows=[["+84 90", "-1", "@x", "=HYPERLINK()", 5]])
    values = list(_sheet(data).iter_rows(values_only=True))
    assert values[0][0] == "'=SUM(A1)"
    assert values[1][:4] == ("'+84 90", "'-1", "'@x", "'=HYPERLINK()") and values[1][4] == 5


def test_xlsx_written_to_disk_has_frozen_header_widths_numbers_and_dates(tmp_path, monkeypatch):
    import datetime as dt

    from openpyxl import load_workbook as load

    columns = [
        exports.Column("Mã", width=10),
        exports.Column("Số tiết", exports.NUMBER, 8),
        exports.Column("Ngày", exports.DATE, 12),
    ]
    monkeypatch.setattr(exports, "XLSX_SHEET_ROWS", 3)  # Excel's limit, made small: a next sheet
    seen = []
    rows = [
        ("001", "12.5", dt.date(2025, 9, 5)),
        ("=1+1", 7, None),
        ("x", "", dt.date(2026, 1, 1)),
        ("y", 1.5, None),
    ]
    path = tmp_path / "out.xlsx"
    n = exports.write_xlsx(str(path), columns, iter(rows), sheet="Học sinh", progress=seen.append)
    assert n == 4
    wb = load(path)
    first, second = wb.worksheets
    assert first.title == "Học sinh" and first.freeze_panes == "A2" and second.freeze_panes == "A2"
    assert first.column_dimensions["A"].width > 9 and first.column_dimensions["C"].width > 11
    assert [c.value for c in first[1]] == ["Mã", "Số tiết", "Ngày"] == [c.value for c in second[1]]
    assert first["A2"].value == "001"  # a code keeps its leading zero: text
    assert first["B2"].value == 12.5 and first["B3"].value == 7  # numbers are numbers
    assert first["C2"].value == dt.datetime(2025, 9, 5) and first["C2"].number_format == "dd/mm/yyyy"
    assert first["A3"].value == "'=1+1" and first["A3"].data_type == "s"
    assert second["A2"].value == "y" and second.max_row == 2


def test_csv_is_written_line_by_line(tmp_path):
    import io as _io

    out = _io.StringIO()
    seen = []
    n = exports.write_csv(out, ["a", "b"], ((i, f"=x{i}") for i in range(20_001)), progress=seen.append)
    assert n == 20_001 and seen == [10_000, 20_000]
    lines = out.getvalue().splitlines()
    assert lines[0] == "\ufeffa,b" and lines[1] == "0,'=x0" and len(lines) == 20_002
