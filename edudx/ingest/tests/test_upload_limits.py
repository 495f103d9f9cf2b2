"""Huge files are refused before they cost memory: uploads past the limit stop as they stream,
workbooks too big to hold are measured from their XML before a reader loads them, CSV rows are
counted before the pipeline sees one, and XML declarations anywhere in any part are refused.
Each refusal has a stable code and a Vietnamese message; nothing is written."""

from __future__ import annotations

import zipfile

import polars as pl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from edudx.core.actor import Actor
from edudx.ingest.engine import pipeline, read
from edudx.ingest.kinds import get
from edudx.ingest.models import ImportRun
from edudx.registry.models import Student

from .helpers import HEADERS, student_row, write_csv

pytestmark = pytest.mark.django_db
API = "/api/v1/ingest/runs"


def check(path, **kw):
    return pipeline.process(kind=get("students"), path=path, actor=Actor.system(), **kw)


def codes(outcome):
    return {p.code for p in outcome.problems.items}


def _rows(city, n):
    a1 = city.schools[0].moet_code
    return [student_row(school=a1, code=f"7991{i:06d}", pid=f"0792149{i:05d}") for i in range(1, n + 1)]


def _xlsx(path, rows, *, cell=None):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("HS")
    ws.write_row(0, 0, HEADERS)
    for i, r in enumerate(rows, start=1):
        ws.write_row(i, 0, r)
    if cell:
        ws.write(*cell, "x")
    wb.close()
    return path


def _calamine_must_not_load(monkeypatch):
    from python_calamine import CalamineWorkbook

    def refuse(self, name):
        raise AssertionError("the sheet was loaded")

    monkeypatch.setattr(CalamineWorkbook, "get_sheet_by_name", refuse)


def test_an_upload_past_the_ingest_limit_is_refused_with_nothing_kept(city, client_for, settings, tmp_path):
    settings.EDUDX_UPLOAD_LIMITS = {"/api/v1/ingest/": 4096, "/ingest/": 4096}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    big = write_csv(tmp_path / "big.csv", _rows(city, 200)).read_bytes()
    c = client_for("school_admin")
    resp = c.post(API, {"kind": "students", "file": SimpleUploadedFile("hs.csv", big)})
    assert resp.status_code == 413, resp.content
    assert resp.json()["error"]["code"] == "upload_too_large"
    assert resp.json()["error"]["message"] == "Tệp lớn hơn 4,0\xa0KB, mức tối đa trang này nhận."
    page = c.post("/ingest/upload/", {"kind": "students", "mode": "strict", "language": "vi",
                                      "file": SimpleUploadedFile("hs.csv", big)})  # fmt: skip
    assert page.status_code == 413 and b"upload_too_large" in page.content
    assert not ImportRun.objects.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["big.csv"]  # no temporary file left


def test_a_doctype_after_the_first_4_kb_is_refused_not_a_server_error(city, client_for, tmp_path):
    src = _xlsx(tmp_path / "ok.xlsx", _rows(city, 2))
    bad = tmp_path / "late-doctype.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = data.split(b"?>", 1)
                data = (
                    head + b"?>" + b"<!--" + b" " * 6000 + b"-->\n"
                    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
                )
            zout.writestr(info, data)
    assert "xml_entities" in codes(check(bad))
    resp = client_for("school_admin").post(
        API, {"kind": "students", "file": SimpleUploadedFile("hs.xlsx", bad.read_bytes())}
    )
    assert resp.status_code == 201, resp.content
    run = ImportRun.objects.get(pk=resp.json()["id"])
    assert run.state == "failed"
    assert [p["code"] for p in run.report["problems"]] == ["xml_entities"]
    assert not Student.objects.filter(moet_code__startswith="7991").exists()


def test_a_declaration_split_across_two_blocks_is_still_seen(tmp_path):
    from edudx.ingest.engine.receive import _declares_entities, _parsed_as_xml

    p = tmp_path / "split.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/styles.xml", b" " * ((1 << 20) - 4) + b"<!DOCTYPE x>" + b"<styleSheet/>")
        zf.writestr("xl/utf16.xml", '<?xml version="1.0"?><!DOCTYPE x><a/>'.encode("utf-16"))
        zf.writestr("xl/media/image1.svg", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"><svg/>')
    with zipfile.ZipFile(p) as zf:
        assert _declares_entities(zf, zf.getinfo("xl/styles.xml"))
        assert _declares_entities(zf, zf.getinfo("xl/utf16.xml"))
        # A picture is never parsed (an SVG may carry its DOCTYPE); XML is, wherever it sits.
        assert not _parsed_as_xml(zf.getinfo("xl/media/image1.svg"))
    assert _parsed_as_xml(zipfile.ZipInfo("xl/media/sheet1.xml"))


def test_a_sheet_calamine_cannot_parse_is_a_damaged_file_not_a_server_error(city, tmp_path):
    src = _xlsx(tmp_path / "ok.xlsx", _rows(city, 2))
    bad = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r='x'><c r='A?'><v>1</c></row></sheetData>")
            zout.writestr(info, data)
    out = check(bad)
    assert out.rejected_file and codes(out) == {"file_corrupt"}


def test_a_workbook_too_big_to_hold_is_refused_before_it_is_loaded(city, tmp_path, settings, monkeypatch):
    settings.INGEST_MAX_WORKBOOK_CELLS = 50
    path = _xlsx(tmp_path / "big.xlsx", _rows(city, 6))  # 7 rows × 10 columns = 70 cells
    _calamine_must_not_load(monkeypatch)
    out = check(path)
    assert out.rejected_file and codes(out) == {"workbook_too_large"}
    message = next(p for p in out.problems.items if p.code == "workbook_too_large").message
    from django.utils import translation

    with translation.override("vi"):
        assert "CSV UTF-8" in str(message) and "50" in str(message)
    assert not Student.objects.filter(moet_code__startswith="7991").exists()


def test_a_small_sheet_with_huge_shared_strings_is_refused_before_it_is_loaded(
    city, tmp_path, settings, monkeypatch
):
    settings.INGEST_MAX_WORKBOOK_CELLS = 100
    src = _xlsx(tmp_path / "ok.xlsx", _rows(city, 2))
    bad = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"</sst>", b"<si><t>" + b"x" * 20_000 + b"</t></si></sst>")
            zout.writestr(info, data)
    _calamine_must_not_load(monkeypatch)
    out = check(bad)
    assert out.rejected_file and codes(out) == {"workbook_too_large"}


def test_a_sparse_workbook_is_measured_by_its_grid_not_its_cells(city, tmp_path, monkeypatch):
    # Two cells, one at XFD1048576: calamine would allocate the whole 17-billion-cell grid.
    path = _xlsx(tmp_path / "sparse.xlsx", _rows(city, 1), cell=(1_048_575, 16_383))
    _calamine_must_not_load(monkeypatch)
    out = check(path)
    assert out.rejected_file and codes(out) & {"too_many_columns", "workbook_too_large"}


def test_the_row_limit_stops_a_workbook_before_it_is_loaded(city, tmp_path, settings, monkeypatch):
    settings.INGEST_MAX_ROWS = 3
    path = _xlsx(tmp_path / "rows.xlsx", _rows(city, 5))
    _calamine_must_not_load(monkeypatch)
    out = check(path)
    assert out.rejected_file and codes(out) == {"too_many_rows"}


def test_a_workbook_within_the_limits_is_read_as_before(city, tmp_path, settings):
    settings.INGEST_MAX_WORKBOOK_CELLS = 100
    out = check(_xlsx(tmp_path / "ok.xlsx", _rows(city, 5)))  # 60 cells
    assert not out.rejected_file and out.counts["total"] == 5


def test_csv_rows_are_counted_before_the_first_chunk(city, tmp_path, settings, monkeypatch):
    settings.INGEST_MAX_ROWS = 4
    path = write_csv(tmp_path / "r.csv", _rows(city, 5))
    monkeypatch.setattr(read, "_parse_block", lambda *a: pytest.fail("a chunk was parsed"))
    out = check(path, chunk_rows=2)
    assert out.rejected_file and codes(out) == {"too_many_rows"} and out.counts["total"] == 0


def test_quoted_line_breaks_are_not_counted_as_rows(city, tmp_path, settings):
    settings.INGEST_MAX_ROWS = 4
    # A parent's phone number typed on three lines in Excel: one record, three lines.
    path = write_csv(tmp_path / "q.csv", [[*r[:9], "090\n123\n4567"] for r in _rows(city, 4)])
    assert path.read_bytes().count(b"\n") > 8  # more lines than the limit, four records
    out = check(path)
    assert "too_many_rows" not in codes(out) and out.counts["total"] == 4


def test_csv_blocks_end_at_records_whatever_their_size(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b'a,b,c\n1,"x\ny",3\n\n4,5\n6,"q""q\n",7,8\n"9",,\n10,11,12')
    start = len(b"a,b,c\n")
    whole = pl.concat([read._parse_block(b, ",", ["c0", "c1", "c2"]) for b in read._csv_blocks(p, start)])
    for size in (1, 2, 3, 5, 8, 13):
        blocks = list(read._csv_blocks(p, start, size=size))
        assert b"".join(blocks) == p.read_bytes()[start:]
        parts = pl.concat([read._parse_block(b, ",", ["c0", "c1", "c2"]) for b in blocks])
        assert parts.equals(whole), size
    assert whole["c1"].to_list() == ["x\ny", None, "5", 'q"q\n', None, "11"]


def test_csv_chunks_carry_the_row_numbers_across_blocks(city, tmp_path, monkeypatch):
    monkeypatch.setattr(read.csvfile, "CSV_BLOCK_BYTES", 300)
    path = write_csv(tmp_path / "n.csv", _rows(city, 12))
    assert len(list(read._csv_blocks(path, len(path.read_bytes().split(b"\n")[0]) + 1))) > 3
    table = read.read_csv(path, chunk_rows=5)
    frames = list(table.chunks)
    assert [f.height for f in frames] == [5, 5, 2]  # chunks are filled across blocks
    assert pl.concat(frames)[read.ROW].to_list() == list(range(2, 14))
    assert pl.concat(frames)["c3"].to_list() == [r[3] for r in _rows(city, 12)]
