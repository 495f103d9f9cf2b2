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
