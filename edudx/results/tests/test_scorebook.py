"""The vnEdu/SMAS score book (one sheet per class × subject, header rows naming its values) read
by the `results` kind's own reader, checked and committed by the ingest engine; problems name
the sheet, its row and column with a stable code."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from edudx.core.actor import Actor
from edudx.core.roles import Role
from edudx.registry import services as registry
from edudx.results import scorebook
from edudx.results.models import PupilTerm, SubjectResult

from .helpers import run

pytestmark = pytest.mark.django_db

TABLE = ["STT", "Mã học sinh", "Họ và tên", "ĐĐGtx1", "ĐĐGtx2", "ĐĐGtx3", "ĐĐGtx4", "ĐĐGgk", "ĐĐGck", "ĐTBmhk",
         "Nhận xét"]  # fmt: skip


def sheet(wb, title, *, school, cls="6A1", subject="Toán", semester="I", rows=(), table=TABLE, merged=True):
    """A vnEdu-like sheet: the school's name and code with a merged label, a title line naming
    class and subject, the year and semester, a blank row, then the table."""
    ws = wb.create_sheet(title)
    ws.append(["Mã trường:", None, school])
    if merged:
        ws.merge_cells("A1:B1")
    ws.append([f"SỔ ĐIỂM - Lớp: {cls} - Môn học: {subject}" if cls and subject else "SỔ ĐIỂM"])
    ws.append(["Năm học: 2025-2026", None, f"Học kỳ: {semester}" if semester else None])
    ws.append([])
    ws.append(table)
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    return ws


def book(tmp_path, build, name="so-diem.xlsx"):
    wb = Workbook()
    wb.remove(wb.active)
    build(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def codes(out):
    return {(p.code, p.column, p.row) for p in out.problems.items}


def test_a_score_book_of_several_sheets_imports_as_the_long_layout(city, tmp_path):
    a1 = city.schools[0].moet_code
    p1, p2, p3 = (s.moet_code for s in city.students[0:3])

    def build(wb):
        sheet(wb, "6A1_Toan", school=a1, rows=[
            [p1, "Nguyễn Văn An", 9, 9, 9, 9, 9, 9, 9, "Chăm chỉ"],
            [p2, "Trần Thị Bình", 7, 8, 7.5, 8, 7, 8, 9.9, ""],  # ĐTBmhk typed wrong: a warning
            [p3, "Phạm Minh Châu", 5, 5, 5, 5, 5, 5, "=SUM(D8:I8)/9", None],  # ĐTBmhk as a formula: not read
        ])  # fmt: skip
        ws = sheet(wb, "6A1_GDTC", school=a1, subject="Giáo dục thể chất", rows=[
            [p1, "Nguyễn Văn An", "Đ", "Đ", None, None, "Đ", "Đ", "Đ", "Tốt"],
            [p3, "Phạm Minh Châu", "Đ", "CĐ", None, None, "CĐ", "CĐ", "CĐ", ""],
        ], table=[*TABLE[:9], "Kết quả", "Nhận xét"])  # fmt: skip
        for _ in range(1000):  # a thousand blank rows, then the signature block
            ws.append([])
        ws.append([None, None, "Người lập biểu"])
        # no header rows at all: the sheet's name gives class, subject and semester; the book gives
        # the school and the year
        ws = wb.create_sheet("6A1 - Ngữ văn - HK1")
        ws.append(TABLE)
        ws.append([1, p1, "Nguyễn Văn An", 8, 8, 8, 8, 8, 8, 8, ""])
        wb.create_sheet("Ghi chú").append(["Sổ điểm xuất từ vnEdu"])  # not a score book: skipped, said
        hidden = sheet(
            wb, "6A1_Anh", school=a1, subject="Tiếng Anh", rows=[[p1, "An", 9, 9, 9, 9, 9, 9, 9, ""]]
        )
        hidden.sheet_state = "hidden"  # not read, and the officer is told which

    out = run(city, Role.SCHOOL_ADMIN, book(tmp_path, build))
    assert out.written and out.counts["new"] == 6, out.problems.sorted()
    toan = SubjectResult.objects.get(student=city.students[1], subject="toan", semester=1)
    assert (toan.regular, toan.midterm, toan.final, toan.average) == ("70,80,75,80", 70, 80, 76)
    gdtc = {r.student.moet_code: r for r in SubjectResult.objects.filter(subject="gdtc")}
    assert (gdtc[p1].comment, gdtc[p3].comment, gdtc[p1].regular, gdtc[p1].average) == ("D", "C", "", None)
    assert SubjectResult.objects.get(student=city.students[0], subject="ngu_van").final == 80
    assert PupilTerm.objects.filter(period=1).count() == 3
    assert codes(out) == {
        ("average_mismatch", "6A1_Toan › ĐTBmhk", 7),  # the sheet's own row (header row 5)
        ("scorebook_sheet_skipped", "Ghi chú", 0),
        ("scorebook_sheet_hidden", "6A1_Anh", 0),
    }
    hidden = next(p for p in out.problems.items if p.code == "scorebook_sheet_hidden")
    assert hidden.severity == "warning" and "6A1_Anh" in str(hidden.message)
    assert not SubjectResult.objects.filter(subject="ngoai_ngu").exists()
    again = run(city, Role.SCHOOL_ADMIN, book(tmp_path, build, "lan-2.xlsx"))
    assert again.counts["unchanged"] == 6 and again.counts["new"] == 0


def test_a_primary_score_book_by_circular_27(city, tmp_path):
    """A grade-4 class's book (vnEdu/SMAS, Circular 27/2020): a level T/H/C per subject, the
    periodic test (KTĐK) in the tested subjects only, remarks not stored; a 0 test and a test in a
    subject without one are refused by sheet, row and column, the rest written (partial)."""
    from edudx.registry.models import SchoolClass

    SchoolClass.objects.filter(pk=city.classes[0].pk).update(grade=4, name="4A1")
    a1 = city.schools[0].moet_code
    p1, p2, p3 = (s.moet_code for s in city.students[0:3])
    tested = ["STT", "Mã học sinh", "Họ và tên", "Mức đạt được", "KTĐK", "Nhận xét"]

    def build(wb):
        sheet(wb, "4A1_Toan", school=a1, cls="4A1", table=tested, rows=[
            [p1, "Nguyễn Văn An", "T", 10, "Tính nhanh"], [p2, "Trần Thị Bình", "H", 7, ""],
            [p3, "Phạm Minh Châu", "C", 0, ""],  # tests are scored 1–10
        ])  # fmt: skip
        sheet(wb, "4A1_DaoDuc", school=a1, cls="4A1", subject="Đạo đức", table=tested, rows=[
            [p1, "Nguyễn Văn An", "T", None, "Ngoan"], [p2, "Trần Thị Bình", "H", 8, ""],  # no test in Đạo đức
        ])  # fmt: skip

    out = run(city, Role.SCHOOL_ADMIN, book(tmp_path, build), mode="partial")
    assert out.written and out.counts["new"] == 3, out.problems.sorted()[:3]
    got = {(c, col, r) for c, col, r in codes(out) if c in ("test_zero", "test_not_periodic")}
    assert got == {("test_zero", "4A1_Toan › ĐĐGck", 8), ("test_not_periodic", "4A1_DaoDuc › ĐĐGck", 7)}
    stored = {
        (r.student.moet_code, r.subject): (r.level, r.final, r.comment, r.average)
        for r in SubjectResult.objects.all()
    }
    assert stored == {
        (p1, "toan"): ("T", 100, "", None), (p2, "toan"): ("H", 70, "", None), (p1, "dao_duc"): ("T", None, "", None),
    }  # fmt: skip
    assert PupilTerm.objects.filter(period=1, school_class=city.classes[0]).count() == 2


def test_hostile_sheets_are_refused_by_sheet_row_column_and_code_and_strict_writes_nothing(city, tmp_path):
    a1, b1 = city.schools[0].moet_code, city.schools[2].moet_code
    p1 = city.students[0].moet_code
    # A class of another school (B1), which A1's admin must not learn exists.
    registry.class_create(actor=Actor.system(), school=city.schools[2], year=city.year, grade=7, name="7B9")
    row = [p1, "Nguyễn Văn An", 8, 8, 8, 8, 8, 8, 8, ""]

    def build(wb):
        sheet(wb, "tot", school=a1, rows=[row])
        sheet(wb, "mon-la", school=a1, subject="Thiên văn học", rows=[row])
        sheet(wb, "lop-truong-khac", school=a1, cls="7B9", rows=[row])
        sheet(wb, "lop-khong-co", school=a1, cls="7Z9", rows=[row])
        sheet(wb, "truong-khac", school=b1, rows=[row])
        sheet(wb, "hk2", school=a1, subject="Ngữ văn", semester="II", rows=[row])
        sheet(wb, "6A1 HK2 Tin học", school=a1, subject="Tin học", semester="I", rows=[row])
        sheet(wb, "cong-thuc", school=a1, subject="KHTN", rows=[[p1, "An", 8, "=7+1", 8, 8, 8, 8, None, ""]])
        sheet(wb, "tx6", school=a1, subject="Công nghệ", table=[*TABLE[:7], "ĐĐGtx5", "ĐĐGtx6", *TABLE[7:]])

    path = book(tmp_path, build)
    out = run(city, Role.SCHOOL_ADMIN, path)
    assert not out.written and SubjectResult.objects.count() == 0  # strict: one error, nothing written
    got = codes(out)
    assert ("scorebook_subject_unknown", "mon-la", 5) in got
    assert ("scorebook_semester_mixed", "hk2", 5) in got  # the workbook's first sheet is semester I
    assert ("scorebook_semester_conflict", "6A1 HK2 Tin học", 5) in got
    assert ("score_formula", "cong-thuc › ĐĐGtx2", 6) in got
    assert ("scorebook_regular_columns", "tx6", 5) in got
    # another school's class reads exactly as a class that does not exist
    foreign = {(c, col.split(" › ")[1], r) for c, col, r in got if col.startswith("lop-truong-khac ›")}
    missing = {(c, col.split(" › ")[1], r) for c, col, r in got if col.startswith("lop-khong-co ›")}
    assert foreign == missing and ("class_not_found", "Lớp", 6) in foreign
    assert any(c == "school_out_of_scope" and col.startswith("truong-khac") for c, col, _r in got)
    assert not [p for p in got if p[1].startswith("tot")]  # the good sheet has no problem
    # partial: the good sheet is written, the refused ones are not; B1 gets nothing
    out = run(city, Role.SCHOOL_ADMIN, path, mode="partial")
    assert out.written and out.counts["new"] == 1
    assert list(SubjectResult.objects.values_list("school_id", "subject")) == [(city.schools[0].pk, "toan")]


def test_huge_sheets_damaged_files_and_the_long_layout(city, tmp_path, monkeypatch):
    a1 = city.schools[0].moet_code
    p1 = city.students[0].moet_code
    monkeypatch.setattr(scorebook, "SHEET_MAX_ROWS", 60)  # a class's book holds ~50 rows

    def build(wb):
        sheet(wb, "lon", school=a1, rows=[[p1, "An", 8, 8, 8, 8, 8, 8, 8, ""]] * 100)

    out = run(city, Role.SCHOOL_ADMIN, book(tmp_path, build), mode="partial")
    assert ("scorebook_sheet_too_large", "lon", 5) in codes(out) and SubjectResult.objects.count() == 0
    # a text file renamed .xlsx: the engine's reader refuses it, as for any kind
    fake = tmp_path / "gia.xlsx"
    fake.write_bytes(b"PK\x03\x04 not a zip at all" + b"\x00" * 200)
    out = run(city, Role.SCHOOL_ADMIN, fake)
    assert (
        out.rejected_file
        and not out.written
        and {p.code for p in out.problems.items} <= {"file_corrupt", "file_type"}
    )
    # a workbook in the long layout still goes to the engine's reader
    assert scorebook.read(fake, "xlsx", 100) is None


def test_the_example_workbook_downloads_and_reads_as_a_score_book(city, client, tmp_path):
    client.force_login(city.users[Role.SCHOOL_ADMIN])
    r = client.get("/results/scorebook-example.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "mau.xlsx"
    path.write_bytes(r.content)
    table = scorebook.read(path, "xlsx", 100)
    assert table is not None and table.notes == []  # the guide sheet is passed over
    rows = [r for chunk in table.chunks for r in chunk.iter_rows(named=True)]
    assert len(rows) == 6 and {table.where(r["__row"])[0] for r in rows} == {"6A1_Toan", "6A1_GDTC"}
