"""Circular 22 computations: averages, rounding, learning levels, promotion — from the rules row."""

import polars as pl
import pytest

from edudx.results import rules as R
from edudx.results import services
from edudx.results.models import RuleSet

P = R.DEFAULT_PARAMS


def avg(regular, mid, fin):
    f = pl.DataFrame({"regular": [regular], "midterm": [mid], "final": [fin]},
                     schema={"regular": pl.String, "midterm": pl.Int16, "final": pl.Int16})  # fmt: skip
    return f.select(R.semester_average(P)).item()


def test_semester_average_weights_and_half_up_rounding():
    # (7 + 8 + 9 + 2·8 + 3·9) / 8 = 8.375 → 8.4
    assert avg("70,80,90", 80, 90) == 84
    assert avg("", 50, 60) == 56  # no regular score: (2·5 + 3·6) / 5
    assert avg("70", 70, 75) == 73  # 43.5 / 6 = 7.25 → 7.3 (half up)
    assert avg("70", None, 80) is None  # without a midterm there is no average


def test_year_average_weights_the_second_semester_twice():
    f = pl.DataFrame({"a": [60, 75], "b": [90, 80]}, schema={"a": pl.Int16, "b": pl.Int16})
    assert f.select(R.year_average(P, "a", "b")).to_series().to_list() == [80, 78]  # 8.0 and 7.83 → 7.8


def rows(student, avgs, comments=("D", "D"), grade=6):
    data = [{"student_id": student, "average": a, "comment": "", "level": "", "grade": grade} for a in avgs]
    data += [
        {"student_id": student, "average": None, "comment": c, "level": "", "grade": grade} for c in comments
    ]
    return data


def test_learning_levels_of_circular_22():
    frame = pl.DataFrame(
        rows(1, [80] * 6 + [65, 70])  # Tốt: all ≥ 6.5, six ≥ 8.0
        + rows(2, [80] * 5 + [65, 70, 66])  # five ≥ 8.0 only → Khá
        + rows(3, [50] * 6 + [35, 40], comments=("D", "C"))  # one comment failed, none < 3.5 → Đạt
        + rows(4, [50] * 6 + [34, 90])  # a subject below 3.5 → Chưa đạt
        + rows(5, [90] * 8, comments=("C", "C")),  # two comments failed → Chưa đạt
        schema={"student_id": pl.Int64, "average": pl.Int16, "comment": pl.String, "level": pl.String, "grade": pl.Int16},
    )  # fmt: skip
    out = dict(R.pupil_results(P, frame).select("student_id", "learning").iter_rows())
    assert out == {1: "T", 2: "K", 3: "D", 4: "C", 5: "C"}


def test_primary_levels():
    frame = pl.DataFrame(
        [{"student_id": 1, "average": None, "comment": "", "level": "T", "grade": 3}] * 3
        + [{"student_id": 2, "average": None, "comment": "", "level": lv, "grade": 3} for lv in "THC"],
        schema={"student_id": pl.Int64, "average": pl.Int16, "comment": pl.String, "level": pl.String, "grade": pl.Int16},
    )  # fmt: skip
    out = dict(R.pupil_results(P, frame).select("student_id", "learning").iter_rows())
    assert out == {1: "G", 2: "N"}


def test_promotion():
    f = pl.DataFrame({"learning": ["T", "C", "K", "T", "T"], "conduct": ["T", "T", "C", "T", ""],
                      "absences": [0, 0, 0, 46, 0], "grade": [7] * 5, "qualities": [""] * 5,
                      "competences": [""] * 5})  # fmt: skip
    assert f.select(R.promotion(P)).to_series().to_list() == [
        "promoted",
        "retest",
        "summer_conduct",
        "retained",
        "",
    ]


def test_regular_needed_by_periods():
    assert R.regular_needed(P, "THCS", "toan") == 4  # 140 periods
    assert R.regular_needed(P, "THPT", "vat_li") == 3  # 70
    assert R.regular_needed(P, "THCS", "gdcd") == 2  # 35
    assert R.regular_needed(P, "THCS", "gdtc") == 2  # comment-only


@pytest.mark.django_db
def test_rules_are_data_and_a_later_row_takes_over():
    assert services.rules_for("2025-2026")["year_weights"] == [1, 2]  # the migration's row
    RuleSet.objects.create(
        code="next", name="Next", valid_from="2027-2028", params={**P, "year_weights": [1, 1]}
    )
    assert services.rules_for("2026-2027")["year_weights"] == [1, 2]
    assert services.rules_for("2027-2028")["year_weights"] == [1, 1]


def test_primary_year_evaluation_by_circular_27():
    """Art. 9: X every subject T, qualities and competences T, year-end tests ≥ 9; G the same
    with tests ≥ 7; H levels T/H, ratings T/D, tests ≥ 5; else N. A subject without a periodic
    test counts by its level only; a rating not given does not bar a level."""
    import polars as pl

    from edudx.results import rules as R

    def pupil(sid, levels, tests, q="T", c="T"):
        subjects = ["tieng_viet", "toan", "khoa_hoc", "dao_duc"]
        return [
            {"student_id": sid, "school_class_id": 1, "subject": s, "level": lv, "grade": 4,
             "final": (tests[i] * 10 if i < len(tests) else None)}
            for i, (s, lv) in enumerate(zip(subjects, levels, strict=True))
        ], {"student_id": sid, "school_class_id": 1, "qualities": q, "competences": c}  # fmt: skip

    cases = {
        1: pupil(1, "TTTT", [9, 10, 9]),
        2: pupil(2, "TTTT", [9, 8, 10]),
        3: pupil(3, "TTHT", [9, 9, 9]),
        4: pupil(4, "TTTT", [9, 9, 9], q="D"),
        5: pupil(5, "TTTT", [9, 4, 9]),
        6: pupil(6, "TTCT", [9, 9, 9]),
        7: pupil(7, "HTHT", [5, 6, 7], q="D", c="D"),
        8: pupil(8, "TTTT", [9, 9, 9], q="C"),
        9: pupil(9, "TTTT", [9, 9, 9], q="", c=""),
    }
    rows = pl.DataFrame([r for rs, _q in cases.values() for r in rs])
    ratings = pl.DataFrame([q for _rs, q in cases.values()])
    out = dict(R.primary_year(R.DEFAULT_PARAMS, rows, ratings).select("student_id", "learning").iter_rows())
    assert out == {1: "X", 2: "G", 3: "H", 4: "H", 5: "N", 6: "N", 7: "H", 8: "N", 9: "X"}
    # periodic tests by grade: Tiếng Việt and Toán from grade 1; Khoa học, LS-ĐL, Tin học và Công nghệ from 4
    assert set(R.tested_subjects(R.DEFAULT_PARAMS, 2)) == {"tieng_viet", "toan"}
    assert {"khoa_hoc", "ls_dl", "tin_hoc", "cong_nghe"} <= set(R.tested_subjects(R.DEFAULT_PARAMS, 5))
    terms = pl.DataFrame(
        {"learning": ["X", "N", "H", "H"], "grade": [4, 4, 4, 7], "qualities": ["T", "T", "", ""],
         "competences": ["T", "T", "", ""], "conduct": ["", "", "", "T"], "absences": [50, 0, 0, 0]}
    )  # fmt: skip
    assert terms.select(R.promotion(R.DEFAULT_PARAMS)).to_series().to_list() == [
        "promoted",
        "retest",
        "",
        "promoted",
    ]
