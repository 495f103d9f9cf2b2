"""The `results` kind through the ingest engine: computed results, checks with stable codes,
scope, idempotence."""

import pytest

from edudx.core.roles import Role
from edudx.results.models import YEAR, ClassTerm, PupilTerm, SubjectResult

from .helpers import pupil_rows, run, write

pytestmark = pytest.mark.django_db


def a1_file(city, tmp_path, semester=1, scores=("9", "7", "5")):
    a1 = city.schools[0]
    p1, p2, p3 = city.students[0:3]
    rows = pupil_rows(a1, p1, semester, scores[0]) + pupil_rows(a1, p2, semester, scores[1])
    rows += pupil_rows(a1, p3, semester, scores[2], comment="CĐ", conduct="Chưa đạt", absences="30")
    return write(tmp_path / f"diem-hk{semester}.csv", rows)


def test_import_computes_averages_and_learning_results(city, tmp_path):
    out = run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path))
    assert out.written and out.counts["new"] == 30, out.problems.sorted()
    toan = SubjectResult.objects.get(student=city.students[0], subject="toan", semester=1)
    assert (toan.regular, toan.midterm, toan.final, toan.average) == ("90,90,90,90", 90, 90, 90)
    gdtc = SubjectResult.objects.get(student=city.students[2], subject="gdtc", semester=1)
    assert gdtc.comment == "C" and gdtc.average is None
    terms = {t.student_id: t for t in PupilTerm.objects.filter(period=1)}
    p1, p2, p3 = (terms[s.pk] for s in city.students[0:3])
    assert (p1.learning, p2.learning, p3.learning) == ("T", "K", "D")
    assert (p1.conduct, p3.conduct, p3.absences, p3.failed) == ("T", "C", 30, 1)
    assert ClassTerm.objects.get(school_class=city.classes[0], semester=1).rows == 30


def test_reimport_changes_nothing_and_a_correction_recomputes(city, tmp_path):
    path = a1_file(city, tmp_path)
    run(city, Role.SCHOOL_ADMIN, path)
    again = run(city, Role.SCHOOL_ADMIN, path)
    assert again.counts["unchanged"] == 30 and again.counts["new"] == 0
    fixed = a1_file(city, tmp_path, scores=("9", "8.5", "5"))
    out = run(city, Role.SCHOOL_ADMIN, fixed)
    assert out.counts["changed"] == 8
    assert PupilTerm.objects.get(student=city.students[1], period=1).learning == "T"
    assert SubjectResult.objects.get(student=city.students[1], subject="toan", semester=1).average == 85


def test_year_results_and_promotion(city, tmp_path):
    run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path, 1, ("9", "7", "5")))
    run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path, 2, ("6", "7", "3")))
    toan = SubjectResult.objects.get(student=city.students[0], subject="toan", semester=2)
    assert toan.year_average == 70  # (9 + 2·6) / 3
    year = {t.student_id: t for t in PupilTerm.objects.filter(period=YEAR)}
    p1, p3 = year[city.students[0].pk], year[city.students[2].pk]
    assert (p1.learning, p1.promotion) == ("K", "promoted")
    assert p3.absences == 60 and p3.promotion == "retained"  # 30 + 30 days > 45


def test_checks_name_row_column_and_code(city, tmp_path):
    a1 = city.schools[0]
    p1 = city.students[0]
    base = pupil_rows(a1, p1, 1, "8")[0]

    def row(**cells):
        r = list(base)
        for i, v in cells.items():
            r[int(i[1:])] = v
        return r

    rows = [
        row(c6="11"),  # row 2: out of range
        row(c5="Toán", c7="7.25"),  # row 3: two decimals
        row(c5="Ngữ văn", c8="", c9=""),  # row 4: two regular assessments for 140 periods
        row(c5="GDTC", c12=""),  # row 5: a comment-only subject given scores
        row(c4=city.students[6].moet_code),  # row 6: a pupil of another school's class
        row(c3="6A9"),  # row 7: no such class
        row(c11="abc"),  # row 8: not a number
        row(c10="nan"),  # row 9: parses as a float, is not a score
        row(c11="inf"),  # row 10
        row(c5="Công nghệ", c10="7,5", c11=" 8.5 "),  # row 11: a decimal comma and padding are read
    ]
    out = run(city, Role.SCHOOL_ADMIN, write(tmp_path / "loi.csv", rows), write_=False)
    found = {(p.row, p.column, p.code) for p in out.problems.sorted()}
    assert (2, "ĐĐGtx1", "score_out_of_range") in found
    assert (3, "ĐĐGtx2", "score_decimals") in found
    assert (4, "ĐĐGtx1", "regular_too_few") in found
    assert (5, "ĐĐGtx1", "comment_subject_scored") in found
    assert (6, "Mã học sinh", "pupil_not_in_class") in found
    assert (7, "Lớp", "class_not_found") in found
    assert (8, "ĐĐGck", "score_not_number") in found
    assert (9, "ĐĐGgk", "score_not_number") in found and (10, "ĐĐGck", "score_not_number") in found
    assert not [p for p in found if p[0] == 11]


def test_a_school_imports_only_its_own(city, tmp_path):
    b1 = city.schools[2]
    rows = pupil_rows(b1, city.students[6], 1, "8")
    out = run(city, Role.SCHOOL_ADMIN, write(tmp_path / "b1.csv", rows))
    assert not out.written and SubjectResult.objects.count() == 0
    assert {p.code for p in out.problems.sorted()} == {"school_out_of_scope"}
    assert (
        run(
            city,
            Role.TEACHER,
            write(tmp_path / "a1.csv", pupil_rows(city.schools[0], city.students[0], 1, "8")),
        ).written
        is False
    )


@pytest.mark.parametrize("mode", ["strict", "partial"])
def test_a_bad_row_in_a_big_file(city, tmp_path, settings, mode):
    """A file past the bulk threshold, read in chunks of 7 rows (a pupil's 10 subjects straddle
    chunks), one bad row in the middle: strict writes nothing at all (no subject row, no pupil
    result, no class note); partial writes the rest, committed a chunk at a time on SQLite, and
    the pupils' results are those of the whole file."""
    from edudx.core.actor import Via
    from edudx.ingest.engine import pipeline
    from edudx.ingest.kinds import get

    settings.INGEST_BULK_LOAD_BYTES, settings.INGEST_COMMIT_PAUSE_MS = 100, 0
    a1 = city.schools[0]
    p1, p2, p3 = city.students[0:3]
    rows = pupil_rows(a1, p1, 1, "9") + pupil_rows(a1, p2, 1, "7")
    bad = list(rows[13])
    bad[10] = "12"  # ĐĐGgk out of range, on the file's row 15
    rows = rows[:13] + [bad] + rows[14:] + pupil_rows(a1, p3, 1, "5", comment="CĐ")
    actor = city.actor_of(Role.SCHOOL_ADMIN).with_source("import:test", via=Via.IMPORT)
    out = pipeline.process(
        kind=get("results"),
        path=write(tmp_path / "lon.csv", rows),
        actor=actor,
        write=True,
        mode=mode,
        chunk_rows=7,
    )
    assert [(p.row, p.column, p.code) for p in out.problems.sorted()] == [(15, "ĐĐGgk", "score_out_of_range")]
    if mode == "strict":
        assert not out.written
        written = [m.objects.count() for m in (SubjectResult, PupilTerm, ClassTerm)]
        assert written == [0, 0, 0]
        return
    assert out.written and out.counts["new"] == 29 and out.counts["rejected"] == 1
    assert SubjectResult.objects.count() == 29 and ClassTerm.objects.get(semester=1).rows == 29
    terms = {t.student_id: t for t in PupilTerm.objects.filter(period=1)}
    assert [terms[p.pk].subjects for p in (p1, p2, p3)] == [10, 9, 10]
    assert [terms[p.pk].learning for p in (p1, p2, p3)] == ["T", "K", "D"]


def test_class_figures_sum_to_the_count_from_the_rows(city, tmp_path):
    """The outcome figures are the sum of each class's, counted by the write (ClassTerm); they
    equal a count from the subject rows and pupils' results, semester 2's fall and the year
    included, and a class noted before figures existed ({}) is counted from its rows."""
    from edudx.results import aggregates, services

    run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path, 1, ("9", "7", "5")))
    run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path, 2, ("6", "7", "3")))
    school = city.schools[0].pk
    kept = aggregates.compute([school])[school]
    from_rows = aggregates._from_rows([city.classes[0].pk])[school]
    assert kept == from_rows and set(kept["2025-2026"]) == {"1", "2", "3"}
    assert kept["2025-2026"]["2"]["risk"] >= 1 and kept["2025-2026"]["3"]["promotion"]["retained"] == 1
    ClassTerm.objects.filter(school_class=city.classes[0], semester=1).update(figures={})
    assert aggregates.compute([school])[school] == from_rows
    ClassTerm.objects.update(figures={}, year_figures={})
    assert services.recount_class_figures([city.classes[0].pk]) == 2
    assert aggregates.compute([school])[school] == from_rows


def test_primary_class_by_circular_27(city, tmp_path):
    """A grade-4 class: levels, periodic tests 1–10 in the tested subjects only, qualities and
    competences; the year's evaluation (X/G/H/N) and promotion computed; 0 and a test in a
    subject without one are refused by row, column and code."""
    from edudx.registry.models import SchoolClass

    from .helpers import write

    SchoolClass.objects.filter(pk=city.classes[0].pk).update(grade=4)
    a1, (p1, p2, p3) = city.schools[0], city.students[0:3]
    head = ["Mã trường", "Năm học", "Học kì", "Lớp", "Mã học sinh", "Môn học", "ĐĐGck", "Mức đạt được",
            "Phẩm chất", "Năng lực"]  # fmt: skip

    def rows(sem, pupil, tests, levels, rating):
        return [
            [a1.moet_code, "2025-2026", str(sem), "6A1", pupil.moet_code, s, t, lv, rating, rating]
            for s, t, lv in zip(
                ("Tiếng Việt", "Toán", "Khoa học", "Đạo đức"), (*tests, ""), levels, strict=True
            )
        ]

    for sem in (1, 2):
        data = rows(sem, p1, ("9", "10", "9"), "TTTT", "Tốt") + rows(sem, p2, ("8", "7", "9"), "TTTT", "Tốt")
        data += rows(sem, p3, ("5", "6", "4"), "THHT", "Đạt")
        out = run(city, Role.SCHOOL_ADMIN, write(tmp_path / f"th{sem}.csv", data, head))
        assert out.written, out.problems.sorted()[:3]
    year = {t.student_id: t for t in PupilTerm.objects.filter(period=YEAR)}
    assert [(year[p.pk].learning, year[p.pk].promotion) for p in (p1, p2, p3)] == [
        ("X", "promoted"), ("G", "promoted"), ("N", "retest")
    ]  # fmt: skip
    assert (year[p1.pk].qualities, year[p3.pk].competences) == ("T", "D")
    bad = rows(1, p1, ("0", "9", "9"), "TTTT", "Tốt")
    bad[3][6] = "8"  # Đạo đức has no periodic test
    out = run(city, Role.SCHOOL_ADMIN, write(tmp_path / "bad.csv", bad, head))
    codes = {(p.row, p.code) for p in out.problems.sorted()}
    assert {(2, "test_zero"), (5, "test_not_periodic")} <= codes and not out.written
