import datetime as dt

import pytest

from edudx.core.rules import dates, names, personal_id, phones
from edudx.core.rules.ethnicity import ethnicity_code
from edudx.core.rules.levels import grade_from_class_name, level_code
from edudx.core.text import fold, search_tokens


def codes(issues):
    return [i.code for i in issues]


def test_fold_strips_diacritics_and_d_stroke():
    assert fold("  Nguyễn   Văn ĐẠT ") == "nguyen van dat"
    assert search_tokens("Trần-Thị  Bình!") == ["tran", "thi", "binh"]


def test_personal_id_built_for_a_girl_born_2014_passes_its_own_check():
    pid = personal_id.make("079", "female", 2014, 42)
    assert pid == "079314000042"
    assert personal_id.check(pid, date_of_birth=dt.date(2014, 5, 1), gender="female") == []


@pytest.mark.parametrize(
    ("pid", "dob", "gender", "expected"),
    [
        ("079214000001", dt.date(2015, 1, 1), "male", ["pid_birth_year_mismatch"]),
        ("079214000001", dt.date(2014, 1, 1), "female", ["pid_gender_mismatch"]),
        ("079014000001", dt.date(2014, 1, 1), "male", ["pid_birth_year_mismatch"]),  # century digit says 1914
        ("003214000001", dt.date(2014, 1, 1), "male", ["pid_unknown_province"]),
        ("123456789", None, None, ["pid_old_9_digit"]),
        ("07921400000", None, None, ["pid_length"]),
        ("07921400000a", None, None, ["pid_not_digits"]),
    ],
)
def test_personal_id_cross_checks(pid, dob, gender, expected):
    assert codes(personal_id.check(pid, date_of_birth=dob, gender=gender)) == expected


def test_personal_id_from_a_numeric_cell_gets_its_leading_zero_back():
    value, issues = personal_id.normalise(79214000001.0)
    assert value == "079214000001"
    assert codes(issues) == ["pid_leading_zero_restored"]


def test_personal_id_is_masked_for_display():
    assert personal_id.mask("079214000001") == "079******001"


def test_names_are_nfc_tidy_and_capitalised():
    nfd = "nguye\u0302\u0303n  va\u0306n an"
    value, issues = names.normalise(nfd)
    assert value == "Nguyễn Văn An"
    assert set(codes(issues)) == {"name_nfd", "name_spacing", "name_case"}
    assert names.check("Nguyen 2") and names.check("")[0].code == "name_required"


@pytest.mark.parametrize(
    ("raw", "expected", "warned"),
    [
        ("H'Hen Niê", "H'Hen Niê", False),  # already right: no warning
        ("h'hen niê", "H'Hen Niê", True),
        ("KSOR H’WEN", "Ksor H’Wen", True),  # typographic apostrophe kept
        ("y-moan ênuôl", "Y-Moan Ênuôl", True),
    ],
)
def test_central_highlands_names_capitalise_each_part(raw, expected, warned):
    value, issues = names.normalise(raw)
    assert value == expected
    assert ("name_case" in codes(issues)) is warned


@pytest.mark.parametrize(
    ("raw", "expected", "code"),
    [
        ("05/09/2014", dt.date(2014, 9, 5), None),
        ("5/9/2014", dt.date(2014, 9, 5), "date_reformatted"),
        ("2014-09-05", dt.date(2014, 9, 5), "date_iso"),
        ("41887", dt.date(2014, 9, 5), "date_excel_serial"),
        ("31/02/2014", None, "date_invalid"),
        ("soon", None, "date_invalid"),
    ],
)
def test_dates_in_the_sectors_forms(raw, expected, code):
    value, issues = dates.parse(raw)
    assert value == expected
    assert codes(issues) == ([code] if code else [])


@pytest.mark.parametrize(
    ("raw", "expected", "ok"),
    [
        ("0901 234 567", "0901234567", True),
        ("+84901234567", "0901234567", True),
        ("901234567", "0901234567", True),
        ("02838291234", "02838291234", True),
        ("12345", "12345", False),
    ],
)
def test_phones(raw, expected, ok):
    value, issues = phones.normalise(raw)
    assert value == expected
    assert ("phone_invalid" not in codes(issues)) is ok


def test_enumerations_accept_vietnamese_with_or_without_accents():
    assert ethnicity_code("Kinh") == "01" and ethnicity_code("e de") == "12" and ethnicity_code("5") == "05"
    assert level_code("Trung học cơ sở") == "THCS" and level_code("thpt") == "THPT"
    assert grade_from_class_name("10A2") == 10 and grade_from_class_name("Lá 1") == 0


def test_contact_masks_keep_only_what_tells_two_people_apart():
    assert personal_id.mask_phone("0987654321") == "*******321"
    assert personal_id.mask_phone("") == "" and personal_id.mask_phone(None) == ""
    assert personal_id.mask_email("nguyen.an@truong.edu.vn") == "n***@truong.edu.vn"
    assert personal_id.mask_email("") == ""
