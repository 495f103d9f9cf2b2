"""The checks a careful officer makes (issue #13 item 4) and the engine's reading of real sheets
(item 3): personal-ID prefixes and lengths, a repeated ID on every row, ages by the charters,
partly decoded TCVN3, the header under a title block, one error per cell, the template."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
import xlsxwriter

from edudx.core.actor import Actor
from edudx.ingest.engine import pipeline
from edudx.ingest.engine.normalise import Sink
from edudx.ingest.engine.problems import Problems
from edudx.ingest.engine.syllables import is_syllable, repair_partial
from edudx.ingest.kinds import ROW, age_vs_grade, get
from edudx.ingest.people import normalise_pid, preschool_band
from edudx.ingest.template import build_template

from .helpers import HEADERS, student_row, write_csv


def _check(tmp_path, rows, name="f.csv", **kw):
    path = write_csv(tmp_path / name, rows, **kw)
    out = pipeline.process(kind=get("students"), path=path, actor=Actor.system())
    return out, {(p.row, p.code) for p in out.problems.items}


# ----- personal IDs
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pid", "code"),
    [
        ("003214900001", "pid_unknown_province"),  # neither a province nor a country
        ("179214900001", "pid_unknown_province"),
        ("790214900001", "pid_unknown_province"),
        ("123456789", "pid_old_9_digit"),
        ("7921490000", "pid_length_10"),
        ("0792149000011", "pid_length_13"),
        ("07921490000111", "pid_length_14"),
        ("07921490000X", "pid_not_digits"),
    ],
)
def test_a_wrong_personal_id_is_an_error_that_says_what_it_is(tmp_path, city, pid, code):
    a1 = city.schools[0].moet_code
    out, found = _check(tmp_path, [student_row(school=a1, pid=pid)])
    assert (2, code) in found
    assert [p.severity for p in out.problems.items if p.row == 2 and p.code == code] == ["error"]
    assert out.counts["rejected"] == 1
    pid_errors = [p for p in out.problems.items if p.row == 2 and p.column == "Số định danh cá nhân"]
    assert len(pid_errors) == 1  # one error per cell


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pid",
    [
        "79214900001",  # 11 digits: the leading zero lost in a spreadsheet, repaired with a warning
        "079 214 900 001",
        "079.214.900.001",
        "０７９２１４９０００01",  # full-width digits
        "004214900001",  # Cao Bằng (also Afghanistan's country code)
        "840214900001",  # born in the United States: a country code
    ],
)
def test_valid_variants_of_a_personal_id_are_taken(tmp_path, city, pid):
    a1 = city.schools[0].moet_code
    out, found = _check(tmp_path, [student_row(school=a1, pid=pid)])
    assert out.counts["new"] == 1, [p.as_dict() for p in out.problems.items]
    assert not [p for p in out.problems.items if p.severity == "error"]
    if len(pid) == 11:
        assert (2, "pid_leading_zero_restored") in found


@pytest.mark.parametrize(
    "typed",
    [
        "01/03/2014",
        "1/3/2014",
        "01-03-2014",
        "2014-03-01",
        "01/03/2014 00:00:00",
        "01 / 03 / 2014",
        "2014/03/01",
    ],
)
def test_dates_in_the_shapes_schools_send_are_read(typed):
    from edudx.ingest.engine.normalise import fix_date

    assert fix_date(typed)[0] == dt.date(2014, 3, 1)


def test_the_normaliser_restores_one_lost_zero_only():
    assert normalise_pid("79214900001")[0] == "079214900001"
    assert normalise_pid("79214900001")[1][0].code == "pid_leading_zero_restored"
    assert normalise_pid("7921490000") == ("7921490000", [])  # 10 digits: left for the check to name
    assert normalise_pid("0792149000 01.0".replace(" ", "")) == ("079214900001", [])


@pytest.mark.django_db
def test_a_repeated_personal_id_flags_every_row_when_the_copy_comes_first(tmp_path, city):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000011", pid="079214900009", name="Lê Văn Sao"),  # the copied line
        student_row(school=a1, code="7990000012", pid="079214900002"),
        student_row(school=a1, code="7990000013", pid="079214900009", name="Phạm Văn Thật"),
    ]
    out, found = _check(tmp_path, rows)
    clashes = {p.row: str(p.message) for p in out.problems.items if p.code == "personal_id_duplicate_in_file"}
    assert set(clashes) == {2, 4}
    assert "4" in clashes[2] and "2" in clashes[4]
    assert out.counts["new"] == 1


# ----- ages (domain.md §10): the rule, on frames
def _ages(rows: list[tuple[int, str, int, str]]) -> set[tuple[int, str, str]]:
    """rows: (grade, class name, birth year, level) in the school year 2025-2026."""
    problems = Problems()
    frame = pl.DataFrame(
        {
            ROW: list(range(2, 2 + len(rows))),
            "__grade": [r[0] for r in rows],
            "class_name": [r[1] for r in rows],
            "date_of_birth": [dt.date(r[2], 6, 1) for r in rows],
            "__level": [r[3] for r in rows],
            "school_year": ["2025-2026"] * len(rows),
            "__err": [False] * len(rows),
        }
    )
    age_vs_grade(frame, Sink(problems, {}))
    return {(p.row, p.code, p.severity) for p in problems.items}


def test_ages_follow_the_charters():
    found = _ages(
        [
            (6, "6A1", 2014, "THCS"),  # 11 in 2025: the grade's age
            (6, "6A1", 2013, "THCS"),  # a year older: plain
            (6, "6A1", 2012, "THCS"),  # two years older: warning
            (6, "6A1", 2010, "THCS"),  # four years older: error
            (6, "6A1", 2015, "THCS"),  # a year younger: grade-skipping, warning
            (6, "6A1", 2016, "THCS"),  # two years younger: error
            (1, "1A1", 2020, "TH"),  # grade 1 at 5: no early start, error
            (1, "1A1", 2019, "TH"),  # grade 1 at 6
            (11, "11A1", 2005, "GDTX"),  # continuing education takes older learners
        ]
    )
    assert found == {
        (4, "age_older_than_usual", "warning"),
        (5, "age_above_grade_limit", "error"),
        (6, "age_younger_grade_skip", "warning"),
        (7, "age_below_grade_limit", "error"),
        (8, "age_below_grade_limit", "error"),
    }


def test_a_clean_three_year_old_in_a_mam_group_raises_nothing():
    found = _ages(
        [
            (0, "Mầm 1", 2022, "MN"),
            (0, "Chồi 2", 2021, "MN"),
            (0, "Lá 3", 2020, "MN"),
            (0, "Nhà trẻ 1", 2023, "MN"),
            (0, "Nhà trẻ 25-36 tháng", 2023, "MN"),
            (0, "Nhóm ghép", 2022, "MN"),
        ]
    )
    assert found == set()


def test_preschool_bands_flag_the_wrong_group():
    found = _ages([(0, "Mầm 1", 2020, "MN"), (0, "Chồi 1", 2022, "MN"), (0, "Lá 1", 2022, "MN")])
    assert found == {
        (2, "age_outside_preschool_band", "error"),  # five in a Mầm group
        (3, "age_near_preschool_band", "warning"),  # three in a Chồi group
        (4, "age_outside_preschool_band", "error"),  # three in a Lá group
    }
    assert preschool_band("Mầm 2") == (3, 3) and preschool_band("LÁ1") == (5, 5)
    assert preschool_band("Nhà trẻ 13-24 tháng") == (1, 2)


# ----- legacy fonts, partly decoded
@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("Vâ Thị Lan", "Võ Thị Lan"),
        ("Huúnh Văn An", "Huỳnh Văn An"),
        ("Nguyễn Thóy Hằng", "Nguyễn Thúy Hằng"),
    ],
)
def test_words_left_in_tcvn3_are_read_back(text, fixed):
    assert repair_partial(text) == (fixed, True)


@pytest.mark.parametrize(
    "name",
    [
        "Ksor H'Bia",
        "Nay Y Khoa",
        "Rơ Chăm Phiang",
        "Niê Kdăm",
        "Phúc",
        "Võ Thị Cù",
        "Nguyễn Thị Ngọc Khuê",
        "Lò Văn Pá",
    ],
)
def test_real_names_are_left_alone(name):
    assert repair_partial(name) == (name, False)


def test_syllable_shapes():
    for word in ("Nguyễn", "Quỳnh", "Khuya", "gì", "Trường", "Oanh", "Uyên", "Hoè"):
        assert is_syllable(word), word
    for word in ("Vâ", "Huúnh", "Thóy", "Ksor"):
        assert not is_syllable(word), word


@pytest.mark.django_db
def test_partly_decoded_names_are_repaired_with_a_warning_in_the_pipeline(tmp_path, city):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000021", pid="079314900021", name="Vâ Thị Lan", gender="Nữ"),
        student_row(school=a1, code="7990000022", pid="079214900022", name="Ng« Minh Phóc"),
        student_row(school=a1, code="7990000023", pid="079214900023", name="Ksor Y Bih"),
    ]
    out, found = _check(tmp_path, rows)
    assert {(2, "text_legacy_tcvn3"), (3, "text_legacy_tcvn3")} <= found
    assert not [p for p in out.problems.items if p.row == 4]
    assert out.counts["new"] == 3


# ----- reading real sheets
def _title_block_xlsx(path, rows, *, header_at=5, merged=True, extra_header=False):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("HocSinh")
    if merged:
        ws.merge_range(0, 0, 0, 6, "DANH SÁCH HỌC SINH NĂM HỌC 2025-2026")
    else:
        ws.write(0, 0, "DANH SÁCH HỌC SINH NĂM HỌC 2025-2026")
    ws.write(1, 0, "Ngày xuất: 01/12/2025")
    if extra_header:  # a grouping row above the real header
        ws.write_row(header_at - 1, 0, ["Thông tin trường", "", "", "Thông tin học sinh"])
    ws.write_row(header_at, 0, HEADERS)
    for i, r in enumerate(rows, start=header_at + 1):
        ws.write_row(i, 0, r)
    wb.close()
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(("header_at", "extra"), [(4, False), (39, False), (6, True)])
def test_the_header_row_is_found_under_a_title_block(tmp_path, city, header_at, extra):
    a1 = city.schools[0].moet_code
    path = _title_block_xlsx(
        tmp_path / "t.xlsx", [student_row(school=a1)], header_at=header_at, extra_header=extra
    )
    out = pipeline.process(kind=get("students"), path=path, actor=Actor.system())
    assert out.counts["new"] == 1, [p.as_dict() for p in out.problems.items]
    assert not [p for p in out.problems.items if p.code in ("column_missing", "column_unknown")]


@pytest.mark.django_db
def test_a_csv_with_a_title_block_and_a_repeated_header_numbers_rows_as_the_sheet(tmp_path, city):
    a1 = city.schools[0].moet_code
    buf = io.StringIO()
    buf.write("DANH SÁCH HỌC SINH,,,\r\nNgày xuất: 01/12/2025,,,\r\n,,,\r\n")
    path = write_csv(tmp_path / "h.csv", [student_row(school=a1), HEADERS, student_row(school=a1, code="7990000031",
                     pid="079214900031", gender="X")])  # fmt: skip
    path.write_bytes(buf.getvalue().encode() + path.read_bytes())
    out = pipeline.process(kind=get("students"), path=path, actor=Actor.system())
    assert out.counts["new"] == 1
    assert [(p.row, p.code) for p in out.problems.items if p.severity == "error"] == [(7, "gender_unknown")]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_second_header_row_is_skipped_not_read_as_a_pupil(tmp_path, city, fmt):
    a1 = city.schools[0].moet_code
    keys = ["school_code", "class_name", "school_year", "student_code", "full_name", "date_of_birth", "gender",
            "personal_id", "ethnicity", "parent_phone"]  # fmt: skip
    rows = [
        keys,
        student_row(school=a1),
        student_row(school=a1, code="7990000061", pid="079214900061", gender="X"),
    ]
    if fmt == "csv":
        path = write_csv(tmp_path / "two.csv", rows)
    else:
        path = tmp_path / "two.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet()
        ws.write(0, 0, "DANH SÁCH HỌC SINH")
        for i, r in enumerate([HEADERS, *rows], start=2):
            ws.write_row(i, 0, r)
        wb.close()
    out = pipeline.process(kind=get("students"), path=path, actor=Actor.system())
    first = 2 if fmt == "csv" else 4  # the sheet's own row numbers
    assert out.counts["new"] == 1 and out.counts["total"] == 2
    assert [(p.row, p.code) for p in out.problems.items] == [
        (first, "header_row_extra"),
        (first + 2, "gender_unknown"),
    ]


@pytest.mark.django_db
def test_one_error_per_cell(tmp_path, city):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000041", pid="079214900041", gender="Không rõ"),
        student_row(school=a1, code="7990000042", pid="079214900042", dob="31/02/2014"),
        student_row(school=a1, code="7990000043", pid="079214900043", gender=""),
    ]
    out, found = _check(tmp_path, rows)
    per_cell: dict[tuple[int, str], list[str]] = {}
    for p in out.problems.items:
        if p.severity == "error":
            per_cell.setdefault((p.row, p.column), []).append(p.code)
    assert per_cell[(2, "Giới tính")] == ["gender_unknown"]
    assert len(per_cell[(3, "Ngày sinh")]) == 1 and "value_required" not in per_cell[(3, "Ngày sinh")]
    assert per_cell[(4, "Giới tính")] == ["value_required"]


@pytest.mark.django_db
def test_the_platform_template_uploads_without_warnings(tmp_path, city):
    from openpyxl import load_workbook

    a1 = city.schools[0].moet_code
    wb = load_workbook(io.BytesIO(build_template(get("students"))))
    ws = wb["Mẫu"]
    headers = [c.value for c in ws[1]]
    values = dict(zip(HEADERS, student_row(school=a1, code="7990000051", pid="079214900051"), strict=True))
    for i, h in enumerate(headers, start=1):
        ws.cell(row=2, column=i, value=values.get(h))
    path = tmp_path / "template.xlsx"
    wb.save(path)
    out = pipeline.process(kind=get("students"), path=path, actor=Actor.system())
    assert out.counts["new"] == 1
    assert [p.as_dict() for p in out.problems.items] == []


NASTY = [
    "",
    " ",
    "\u00a0",
    "0",
    "-1",
    "1e11",
    "7.92149E+10",
    "0x4F",
    "٠٧٩٢١٤٩٠٠٠٠١",
    "०७९२१४९०००01",
    "079214900001" * 40,
    "\u202e079214900001",
    "Ng\u0300\u0301",
    "\u0301",
    "«»¬µ",
    "Vâ Vâ Vâ",
    "ǅ",
    "😀",
    "NUL\x00X",
    "=1+1",
    "'079214900001",
    "31/02/2014",
    "00/00/0000",
    "99999999",
    "2014-13-45",
    "Nữ\u200b",
    "Lá\t1",
]


@pytest.mark.django_db
def test_hostile_values_in_every_column_are_answered_not_crashed(tmp_path, city):
    """Every cell of every column takes each value: the check answers with problems (no 500 —
    a NUL reached a PostgreSQL lookup before it was removed)."""
    a1 = city.schools[0].moet_code
    rows = []
    for i, value in enumerate(NASTY):
        for col in range(len(HEADERS)):
            row = student_row(school=a1, code=f"79980{i:02d}{col:03d}", pid=f"0792149{i:02d}{col:03d}")
            row[col] = value
            rows.append(row)
    out, _found = _check(tmp_path, rows)
    assert out.counts["total"] == len(rows)
    assert out.counts["new"] + out.counts["rejected"] == len(rows)
    assert all(p.code for p in out.problems.items)
    assert "text_nul_removed" in {p.code for p in out.problems.items}  # PostgreSQL cannot hold one
