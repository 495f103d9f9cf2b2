"""Write the synthetic city as the sector's spreadsheets (for import benchmarks and demos).

Same source as the database loader (city.py), so the files describe exactly the city that
`edudx demo --scale …` loads. Files, in DIR:

- ``units.csv``     the department and its wards/communes (Mã đơn vị, Tên đơn vị, Loại đơn vị, Mã đơn vị cấp trên)
- ``clusters.csv``  clusters and their member schools (Mã cụm, Tên cụm, Mã trường)
- ``schools.csv``   Mã trường, Tên trường, Cấp học, Loại hình, Mã đơn vị quản lý, Địa chỉ, …
- ``classes.csv``   one row per class and school year
- ``students.csv``  "C1-HocSinh" style: one row per pupil with this year's class
- ``staff.csv``     "CSDL_GiaoVien" style (the columns an import needs)
- ``xlsx/<Mã trường>.xlsx`` per school (small sizes only): sheets HocSinh, CanBo, Lop

CSV files are UTF-8 with a byte-order mark and CRLF line ends, as Excel writes them. Codes,
personal IDs and phone numbers are text (leading zeros kept); dates are dd/mm/yyyy. Rows are
streamed school by school: memory stays flat at city scale.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edudx.core.rules.ethnicity import ETHNIC_GROUPS
from edudx.core.rules.people import Gender, Position, Qualification, StaffStatus, StudentStatus

from . import city

SCHOOL_HEADERS = (
    "Mã trường", "Tên trường", "Cấp học", "Loại hình", "Mã đơn vị quản lý", "Địa chỉ", "Điện thoại",
    "Phường/Xã", "Cụm trường",
)  # fmt: skip
CLASS_HEADERS = ("Mã trường", "Năm học", "Khối", "Lớp", "Mã GVCN", "Giáo viên chủ nhiệm")
STUDENT_HEADERS = (
    "Mã trường", "Lớp", "Năm học", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính",
    "Số định danh cá nhân", "Dân tộc", "Trạng thái", "Ngày trạng thái", "Loại khuyết tật",
    "Số điện thoại phụ huynh", "Họ tên cha", "Họ tên mẹ", "Địa chỉ", "Nơi sinh",
)  # fmt: skip
STAFF_HEADERS = (
    "Mã trường", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Dân tộc",
    "Chức vụ", "Môn dạy", "Trình độ chuyên môn", "Số điện thoại", "Email", "Trạng thái",
)  # fmt: skip
UNIT_HEADERS = ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên")
CLUSTER_HEADERS = ("Mã cụm", "Tên cụm", "Mã trường")

GENDER_LABEL = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
STATUS_LABEL = {
    StudentStatus.DANG_HOC: "Đang học", StudentStatus.CHUYEN_DEN: "Chuyển đến",
    StudentStatus.CHUYEN_DI: "Chuyển đi", StudentStatus.THOI_HOC: "Thôi học",
    StudentStatus.LUU_BAN: "Lưu ban",
}  # fmt: skip
POSITION_LABEL = {
    Position.PRINCIPAL: "Hiệu trưởng", Position.VICE_PRINCIPAL: "Phó hiệu trưởng",
    Position.TEACHER: "Giáo viên", Position.STAFF: "Nhân viên", Position.LIBRARIAN: "Nhân viên thư viện",
    Position.IT: "Nhân viên công nghệ thông tin",
}  # fmt: skip
QUALIFICATION_LABEL = {
    Qualification.TRUNG_CAP: "Trung cấp", Qualification.CAO_DANG: "Cao đẳng",
    Qualification.DAI_HOC: "Đại học", Qualification.THAC_SI: "Thạc sĩ", Qualification.TIEN_SI: "Tiến sĩ",
    Qualification.KHAC: "Khác",
}  # fmt: skip
STAFF_STATUS_LABEL = {
    StaffStatus.WORKING: "Đang làm việc", StaffStatus.LEAVE: "Tạm nghỉ",
    StaffStatus.TRANSFERRED: "Chuyển công tác", StaffStatus.RETIRED: "Nghỉ hưu", StaffStatus.LEFT: "Thôi việc",
}  # fmt: skip
UNIT_KIND_LABEL = {"department": "Sở GD-ĐT", "ward": "Phường", "commune": "Xã", "special_zone": "Đặc khu"}
# Columns written as text cells in XLSX (Excel would otherwise drop leading zeros).
TEXT_COLUMNS = {"Mã trường", "Mã học sinh", "Mã cán bộ", "Số định danh cá nhân", "Số điện thoại phụ huynh",
                "Số điện thoại", "Mã GVCN"}  # fmt: skip
XLSX_MAX_SCHOOLS = 200  # per-school workbooks only for the small sizes


def _date(d) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


class _Csv:
    def __init__(self, path: Path, headers: tuple[str, ...]):
        self.path = path
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file, lineterminator="\r\n")
        self.writer.writerow(headers)
        self.rows = 0

    def write(self, row: list[Any]) -> None:
        self.writer.writerow(row)
        self.rows += 1

    def writemany(self, rows: list[list[Any]]) -> None:
        self.writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        self.file.close()


def generate(
    size: str,
    out_dir: Path,
    *,
    seed: int = 2025,
    xlsx: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the files; returns row counts per file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    the_plan = city.plan(size, seed)
    if xlsx is None:
        xlsx = len(the_plan.schools) <= XLSX_MAX_SCHOOLS
    started = last = time.monotonic()
    say = log or (lambda _m: None)

    units = _Csv(out_dir / "units.csv", UNIT_HEADERS)
    units.write([city.DEPARTMENT_CODE, city.DEPARTMENT_NAME, UNIT_KIND_LABEL["department"], ""])
    for a in the_plan.areas:
        units.write([a.code, a.name, UNIT_KIND_LABEL[a.kind], city.DEPARTMENT_CODE])
    units.close()

    clusters = _Csv(out_dir / "clusters.csv", CLUSTER_HEADERS)
    for s in the_plan.schools:
        c = the_plan.clusters[s.area.cluster]
        clusters.write([c.code, c.name, s.code])
    clusters.close()

    schools = _Csv(out_dir / "schools.csv", SCHOOL_HEADERS)
    for s in the_plan.schools:
        schools.write(
            [s.code, s.name, city.LEVEL_LABEL[s.level], city.OWNERSHIP_LABEL[s.ownership], s.parent_code,
             s.address, s.phone, s.area.name, the_plan.clusters[s.area.cluster].code]
        )  # fmt: skip
    schools.close()

    classes = _Csv(out_dir / "classes.csv", CLASS_HEADERS)
    students = _Csv(out_dir / "students.csv", STUDENT_HEADERS)
    staff = _Csv(out_dir / "staff.csv", STAFF_HEADERS)
    xlsx_dir = out_dir / "xlsx"
    if xlsx:
        xlsx_dir.mkdir(exist_ok=True)
    gen = city.SchoolGenerator(the_plan)
    try:
        for i, people in enumerate(gen.all()):
            code = people.school.code
            class_rows = [
                [code, c.year, city.stage_grade(c.stage), c.name,
                 people.staff[c.homeroom].code if c.homeroom is not None else "",
                 people.staff[c.homeroom].full_name if c.homeroom is not None else ""]
                for c in people.classes
            ]  # fmt: skip
            names = {c.key: c.name for c in people.classes}
            student_rows = [
                [code, names[s.cls], the_plan.calendar.current, s.code, s.full_name, _date(s.dob), GENDER_LABEL[s.gender],
                 s.pid or "", ETHNIC_GROUPS[s.ethnicity], STATUS_LABEL[s.status], _date(s.status_date),
                 s.disability, s.phone, s.father, s.mother, s.address, s.place_of_birth]
                for s in people.students
            ]  # fmt: skip
            staff_rows = [
                [code, st.code, st.full_name, _date(st.dob), GENDER_LABEL[st.gender], st.pid or "",
                 ETHNIC_GROUPS[st.ethnicity], POSITION_LABEL[st.position],
                 "; ".join(city.SUBJECT_LABEL[x] for x in st.subjects), QUALIFICATION_LABEL[st.qualification],
                 st.phone, st.email, STAFF_STATUS_LABEL[st.status]]
                for st in people.staff
            ]  # fmt: skip
            classes.writemany(class_rows)
            students.writemany(student_rows)
            staff.writemany(staff_rows)
            if xlsx:
                _school_workbook(
                    xlsx_dir / f"{code}.xlsx",
                    [("HocSinh", STUDENT_HEADERS, student_rows), ("CanBo", STAFF_HEADERS, staff_rows),
                     ("Lop", CLASS_HEADERS, class_rows)],
                )  # fmt: skip
            if time.monotonic() - last > 10:
                last = time.monotonic()
                say(f"{i + 1:,}/{len(the_plan.schools):,} schools, {students.rows:,} students written")
    finally:
        for f in (classes, students, staff):
            f.close()
    say(f"done in {time.monotonic() - started:.1f}s")
    return {
        "units.csv": units.rows,
        "clusters.csv": clusters.rows,
        "schools.csv": schools.rows,
        "classes.csv": classes.rows,
        "students.csv": students.rows,
        "staff.csv": staff.rows,
        "xlsx": len(the_plan.schools) if xlsx else 0,
    }


def _school_workbook(path: Path, sheets: list[tuple[str, tuple[str, ...], list[list[Any]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title)
        bold = Font(bold=True)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        text_idx = {i for i, h in enumerate(headers) if h in TEXT_COLUMNS}
        for row in rows:
            out = []
            for i, value in enumerate(row):
                if i in text_idx and value != "":
                    cell = WriteOnlyCell(ws, value=str(value))
                    cell.number_format = "@"
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
    wb.save(path)
