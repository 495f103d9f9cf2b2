"""engine/scope.py: a row matching a record outside the actor's scope is refused with one
answer that reveals nothing of the record, whatever identifier matched; nothing is moved; the
check is set-based (the queries of a chunk do not grow with its rows); every kind declares it."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudx.core.actor import Via
from edudx.ingest import kinds as K
from edudx.ingest.engine import pipeline
from edudx.registry.models import Enrolment, Student

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db


def _principal(city):
    return city.actor_of("school_admin").with_source("import:test", via=Via.IMPORT)


def _check(city, path, *, write=False, mode=pipeline.STRICT):
    return pipeline.process(kind=K.get("students"), path=path, actor=_principal(city), write=write, mode=mode)


def _foreign(city):
    pupil = city.students[6]  # school B1's first pupil: Nam, born 01/03/2014
    return pupil


def test_a_foreign_pupil_is_refused_alike_by_code_by_personal_id_and_as_a_new_code(city, tmp_path):
    p = _foreign(city)
    a1 = city.schools[0].moet_code
    answers = []
    for n, (code, pid) in enumerate([(p.moet_code, ""), ("", p.personal_id), ("7999999991", p.personal_id)]):
        path = write_csv(
            tmp_path / f"f{n}.csv", [student_row(school=a1, code=code, pid=pid, name="Học Sinh Lạ")]
        )
        out = _check(city, path)
        assert out.counts == {"total": 1, "new": 0, "changed": 0, "unchanged": 0, "rejected": 1}
        assert out.diffs == []
        errors = [p.as_dict() for p in out.problems.items if p.severity == "error"]
        answers.append(errors)
        text = str(errors)
        for secret in (p.full_name, "PB", city.schools[2].unit.name, "0901234567"):
            assert secret not in text
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0]["code"] == "record_out_of_scope" and answers[0][0]["column"] == "Mã học sinh"


@pytest.mark.parametrize("mode", [pipeline.STRICT, pipeline.PARTIAL])
def test_a_commit_never_moves_a_foreign_pupil_and_partial_mode_writes_the_other_rows(city, tmp_path, mode):
    p = _foreign(city)
    a1 = city.schools[0].moet_code
    path = write_csv(tmp_path / "hs.csv", [
        student_row(school=a1, code=p.moet_code, pid="", name="Học Sinh Lạ"),
        student_row(school=a1, code="7990000001", pid="079214900001"),
    ])  # fmt: skip
    out = _check(city, path, write=True, mode=mode)
    assert out.written == (mode == pipeline.PARTIAL)
    p.refresh_from_db()
    assert p.school_id == city.schools[2].pk and p.full_name == "Nguyễn Văn An Pba"
    assert Enrolment.objects.filter(student=p, state="active").get().school_class_id == city.classes[2].pk
    assert Student.objects.filter(moet_code="7990000001").exists() == (mode == pipeline.PARTIAL)


def test_the_department_may_move_the_same_pupil(city, tmp_path):
    p = _foreign(city)
    path = write_csv(tmp_path / "hs.csv", [student_row(school=city.schools[0].moet_code, code=p.moet_code,
                                                       pid=p.personal_id, name=p.full_name, phone="0901234567", eth="")])  # fmt: skip
    actor = city.actor_of("dept_admin").with_source("import:test", via=Via.IMPORT)
    out = pipeline.process(kind=K.get("students"), path=path, actor=actor, write=True)
    assert out.written and out.counts["changed"] == 1
    p.refresh_from_db()
    assert p.school_id == city.schools[0].pk


def test_the_check_is_set_based(city, tmp_path):
    """The queries of a check do not grow with the rows matched, in or out of scope."""
    a1 = city.schools[0].moet_code

    def queries(pupils) -> int:
        rows = [student_row(school=a1, code=s.moet_code, pid=s.personal_id, name="Học Sinh Lạ",
                            dob=s.date_of_birth.strftime("%d/%m/%Y"), gender="Nam" if s.gender == "male" else "Nữ")
                for s in pupils]  # fmt: skip
        path = write_csv(tmp_path / f"q{len(rows)}.csv", rows)
        with CaptureQueriesContext(connection) as ctx:
            _check(city, path)
        return len(ctx.captured_queries)

    few = queries([city.students[0], city.students[6]])
    many = queries(city.students)  # 12 pupils of four schools
    assert many == few


def test_a_kind_must_declare_what_the_engine_checks():
    students = K.get("students")
    with pytest.raises(ValueError, match="change_permission and locate"):
        K.register(dataclasses.replace(students, name="no_scope", locate=None))
    with pytest.raises(ValueError, match="change_permission and locate"):
        K.register(dataclasses.replace(students, name="no_scope", change_permission=""))
    assert "no_scope" not in {k.name for k in K.all_kinds()}


def test_a_kind_whose_records_lack_their_unit_fails_loudly(city, tmp_path):
    students = K.get("students")

    def existing(frame, ctx):
        found = students.existing(frame, ctx)
        return {k: {f: v for f, v in rec.items() if f != K.UNIT_PATH} for k, rec in found.items()}

    kind = dataclasses.replace(students, existing=existing)
    path = write_csv(
        tmp_path / "hs.csv", [student_row(school=city.schools[0].moet_code, code=city.students[0].moet_code)]
    )
    with pytest.raises(KeyError, match="__unit_path"):
        pipeline.process(kind=kind, path=path, actor=_principal(city))


def test_a_matched_pupil_given_a_foreign_pupils_personal_id_gets_the_same_answer(city, tmp_path):
    """The unique index would have failed the commit (and named the clash): refused in the check."""
    mine, foreign = city.students[0], _foreign(city)
    a1 = city.schools[0].moet_code
    by_code = write_csv(
        tmp_path / "a.csv", [student_row(school=a1, code=foreign.moet_code, pid="", name="Học Sinh Lạ")]
    )
    claim = write_csv(tmp_path / "b.csv", [student_row(school=a1, code=mine.moet_code, pid=foreign.personal_id,
                                                       name=mine.full_name)])  # fmt: skip
    answer = [p.as_dict() for p in _check(city, by_code).problems.items if p.severity == "error"]
    out = _check(city, claim, write=True, mode=pipeline.PARTIAL)
    assert [p.as_dict() for p in out.problems.items if p.severity == "error"] == answer
    assert out.counts["rejected"] == 1 and out.diffs == []
    mine.refresh_from_db()
    assert mine.personal_id != foreign.personal_id


def test_a_matched_pupil_given_another_pupils_personal_id_in_scope_is_refused_not_a_failed_commit(
    city, tmp_path
):
    first, second = city.students[0], city.students[2]  # both boys
    a1 = city.schools[0].moet_code
    path = write_csv(tmp_path / "hs.csv", [
        student_row(school=a1, code=first.moet_code, pid=second.personal_id, name=first.full_name),
        student_row(school=a1, code="7990000001", pid="079214900001"),
    ])  # fmt: skip
    out = _check(city, path, write=True, mode=pipeline.PARTIAL)
    assert out.written
    assert [(p.row, p.code) for p in out.problems.items if p.severity == "error"] == [(2, "value_taken")]
    assert Student.objects.filter(moet_code="7990000001").exists()


def test_a_row_aimed_at_another_school_is_answered_without_looking_into_it(city, tmp_path):
    """Rows of an out-of-scope school are set aside before the kind's lookups: whether B1 has
    the room named changes nothing in the answer (no room_not_found oracle)."""
    from edudx.core.actor import Actor
    from edudx.infrastructure import services as infra
    from edudx.infrastructure.schemas import RoomIn

    b1 = city.schools[2]
    infra.room_create(actor=Actor.system(), school=b1, data=RoomIn(code="BX1", name="Phòng B1"))
    answers = []
    for room in ("BX1", "ZZ9"):
        path = tmp_path / f"tb-{room}.csv"
        path.write_text(
            f"Mã trường,Loại thiết bị,Mã phòng\r\n{b1.moet_code},Máy chiếu,{room}\r\n", encoding="utf-8"
        )
        out = pipeline.process(kind=K.get("devices"), path=path, actor=_principal(city))
        answers.append([(p.row, p.column, p.code) for p in out.problems.items])
        assert out.counts["rejected"] == 1
    assert answers[0] == answers[1] == [(2, "Mã trường", "school_out_of_scope")]
