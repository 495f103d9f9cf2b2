"""Pupils without MOET code and personal ID (issue #13 item 2): keyed by school, name, date of
birth and gender — the same sheet twice makes one pupil, the later file with the code and the
personal ID fills them in, and two stored pupils the key names alike are refused, never merged."""

from __future__ import annotations

import pytest

from edudx.core.actor import Via
from edudx.ingest import kinds as K
from edudx.ingest.engine import pipeline
from edudx.ingest.tests.helpers import student_row, write_csv
from edudx.registry.models import Student

pytestmark = pytest.mark.django_db


def _commit(city, path):
    actor = city.actor_of("school_admin").with_source("import:test", via=Via.IMPORT)
    return pipeline.process(kind=K.get("students"), path=path, actor=actor, write=True)


def test_a_pupil_without_code_or_id_is_recognised_by_the_next_import(city, tmp_path):
    a1 = city.schools[0]
    first = [student_row(school=a1.moet_code, code="", pid="", name="Đỗ Gia Mới", dob="02/02/2014")]
    before = Student.objects.count()
    out = _commit(city, write_csv(tmp_path / "a.csv", first))
    assert out.written and out.counts["new"] == 1, [p.as_dict() for p in out.problems.items]
    again = _commit(city, write_csv(tmp_path / "b.csv", first))
    assert again.written and again.counts == {
        "total": 1,
        "new": 0,
        "changed": 0,
        "unchanged": 1,
        "rejected": 0,
    }
    # the same pupil typed without accents and in capitals is the same key
    plain = [student_row(school=a1.moet_code, code="", pid="", name="DO GIA MOI", dob="02/02/2014")]
    assert _commit(city, write_csv(tmp_path / "c.csv", plain)).counts["new"] == 0
    later = [student_row(school=a1.moet_code, code="7999000001", pid="079214900777", name="Đỗ Gia Mới",
                         dob="02/02/2014")]  # fmt: skip
    filled = _commit(city, write_csv(tmp_path / "d.csv", later))
    assert filled.written and filled.counts["changed"] == 1 and filled.counts["new"] == 0
    pupil = Student.objects.get(moet_code="7999000001")
    assert pupil.personal_id == "079214900777" and pupil.school_id == a1.pk
    assert Student.objects.count() == before + 1


def _stored(city, tmp_path, name, codes):
    """Pupils written by the importer itself (name key, history), one per code."""
    a1 = city.schools[0]
    rows = [student_row(school=a1.moet_code, code=c, pid="", name=name, dob="02/02/2014") for c in codes]
    assert _commit(city, write_csv(tmp_path / f"stored-{codes[0]}.csv", rows)).written


def test_two_stored_pupils_with_one_key_are_refused_not_merged(city, tmp_path):
    a1 = city.schools[0]
    _stored(city, tmp_path, "Đỗ Gia Đôi", ["7999000011", "7999000012"])
    Student.objects.filter(moet_code__in=["7999000011", "7999000012"]).update(
        moet_code=None
    )  # codes not yet given
    row = [student_row(school=a1.moet_code, code="7999000002", pid="", name="Đỗ Gia Đôi", dob="02/02/2014")]
    out = _commit(city, write_csv(tmp_path / "a.csv", row))
    assert not out.written
    assert [(p.row, p.code) for p in out.problems.items if p.severity == "error"] == [
        (2, "pupil_key_ambiguous")
    ]
    assert Student.objects.filter(full_name="Đỗ Gia Đôi").count() == 2
    assert not Student.objects.filter(moet_code="7999000002").exists()


def test_a_stored_pupil_with_another_code_is_another_pupil(city, tmp_path):
    a1 = city.schools[0]
    _stored(city, tmp_path, "Đỗ Gia Khác", ["7999000003"])
    row = [student_row(school=a1.moet_code, code="7999000004", pid="", name="Đỗ Gia Khác", dob="02/02/2014")]
    out = _commit(city, write_csv(tmp_path / "a.csv", row))
    assert out.written and out.counts["new"] == 1
    assert Student.objects.filter(full_name="Đỗ Gia Khác").count() == 2


def test_a_row_without_identifiers_finds_the_pupil_who_has_them(city, tmp_path):
    """A sheet that lost its code column matches the stored pupil by the key, no second record."""
    a1 = city.schools[0]
    rows = [
        student_row(
            school=a1.moet_code, code="7999000021", pid="079214900021", name="Đỗ Gia Đủ", dob="02/02/2014"
        )
    ]
    assert _commit(city, write_csv(tmp_path / "a.csv", rows)).written
    bare = [
        student_row(
            school=a1.moet_code, code="", pid="", name="Đỗ Gia Đủ", dob="02/02/2014", phone="0907654321"
        )
    ]
    out = _commit(city, write_csv(tmp_path / "b.csv", bare))
    assert out.written and out.counts["changed"] == 1 and out.counts["new"] == 0
    pupil = Student.objects.get(full_name="Đỗ Gia Đủ")
    assert (pupil.moet_code, pupil.personal_id, pupil.parent_phone) == (
        "7999000021",
        "079214900021",
        "0907654321",
    )
