"""The engine end to end on the test city: check, both modes, idempotence, scope."""

from __future__ import annotations

import contextlib

import pytest

from edudx.core.actor import Actor
from edudx.core.models import HistoryEntry
from edudx.ingest import services
from edudx.ingest.models import ImportRun
from edudx.registry.models import Enrolment, Student

from .helpers import student_row, write_csv

pytestmark = pytest.mark.django_db


def _run(actor, path, *, commit=True, mode="strict"):
    with path.open("rb") as fh:
        run = services.run_receive(actor=actor, kind="students", fileobj=fh, file_name=path.name, mode=mode)
    run = services.run_check(actor=actor, run=run)
    if commit and run.state == "checked":
        run = services.run_commit(actor=actor, run=run)
    return run


def _codes(city):
    return [s.moet_code for s in city.schools]


def test_check_counts_new_changed_unchanged_and_writes_nothing(city, tmp_path):
    a1 = city.schools[0].moet_code
    existing = city.students[0]
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        # unchanged: exactly as stored
        student_row(school=a1, code=existing.moet_code, name=existing.full_name, dob="01/03/2014",
                    pid=existing.personal_id, phone="0901234567", eth=""),
        # changed name
        student_row(school=a1, code=city.students[1].moet_code, name="Trần Thị Bình Mới", dob="02/03/2014",
                    gender="Nữ", pid=city.students[1].personal_id, eth=""),
    ]  # fmt: skip
    path = write_csv(tmp_path / "hs.csv", rows)
    before = Student.objects.count()
    run = _run(Actor.system(), path, commit=False)
    assert run.state == "checked"
    assert (run.rows_new, run.rows_changed, run.rows_unchanged, run.rows_rejected) == (1, 1, 1, 0)
    diff = run.report["diffs"][0]
    assert diff["row"] == 4 and diff["changes"]["full_name"][1] == "Trần Thị Bình Mới"
    assert Student.objects.count() == before


def test_commit_creates_students_enrolments_and_history_then_second_run_changes_nothing(city, tmp_path):
    a1 = city.schools[0].moet_code
    rows = [student_row(school=a1, code=f"79900000{i:02d}", pid=f"0792149000{i:02d}", name=f"Lê Văn Học {chr(65 + i)}")
            for i in range(5)]  # fmt: skip
    path = write_csv(tmp_path / "hs.csv", rows)
    run = _run(Actor.system(), path)
    assert run.state == "committed", run.report["problems"]
    assert run.rows_new == 5
    st = Student.objects.get(moet_code="7990000003")
    assert st.school_id == city.schools[0].pk and st.name_key == "le van hoc d"
    assert Enrolment.objects.get(student=st, state="active").school_class_id == city.classes[0].pk
    entries = HistoryEntry.objects.filter(source=f"import:{run.pk}")
    assert entries.filter(action="create").count() == 5
    assert set(entries.values_list("via", flat=True)) == {"import"}
    history_before = HistoryEntry.objects.count()
    again = _run(Actor.system(), write_csv(tmp_path / "hs2.csv", rows))
    assert again.state == "committed"
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 5)
    assert HistoryEntry.objects.count() == history_before


def test_strict_mode_writes_nothing_when_one_row_has_an_error(city, tmp_path):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        student_row(school=a1, code="7990000002", pid="079214900002", dob="31/02/2014"),
    ]
    before = Student.objects.count()
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows))
    assert run.rows_rejected == 1
    problems = run.report["problems"]
    assert any(p["row"] == 3 and p["code"] == "date_invalid" and p["column"] == "Ngày sinh" for p in problems)
    # check succeeded, commit in strict mode refuses everything
    assert run.state == "failed"
    assert Student.objects.count() == before


def test_partial_mode_writes_the_valid_rows_and_lists_the_rest(city, tmp_path):
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        student_row(school=a1, code="7990000002", pid="079214900002", dob="31/02/2014"),
    ]
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows), mode="partial")
    assert run.state == "committed"
    assert run.rows_new == 1 and run.rows_rejected == 1
    assert Student.objects.filter(moet_code="7990000001").exists()
    assert not Student.objects.filter(moet_code="7990000002").exists()


def test_school_admin_cannot_import_rows_of_another_school(city, tmp_path):
    a1, b1 = city.schools[0].moet_code, city.schools[2].moet_code
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        student_row(school=b1, code="7990000002", pid="079214900002"),
    ]
    actor = city.actor_of("school_admin")
    run = _run(actor, write_csv(tmp_path / "hs.csv", rows), mode="partial")
    assert run.state == "committed"
    assert any(p["row"] == 3 and p["code"] == "school_out_of_scope" for p in run.report["problems"])
    assert Student.objects.filter(moet_code="7990000001").exists()
    assert not Student.objects.filter(moet_code="7990000002").exists()


def test_same_file_committed_twice_via_one_run_is_refused(city, tmp_path):
    a1 = city.schools[0].moet_code
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", [student_row(school=a1)]))
    assert run.state == "committed"
    from edudx.core.errors import Conflict

    with pytest.raises(Conflict):
        services.run_commit(actor=Actor.system(), run=ImportRun.objects.get(pk=run.pk))


def test_class_change_in_file_moves_the_student_and_keeps_both_enrolments(city, tmp_path):
    a1 = city.schools[0].moet_code
    st = city.students[0]
    rows = [
        student_row(school=a1, cls="6A2", code=st.moet_code, name=st.full_name, pid=st.personal_id, eth="")
    ]
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows))
    assert run.state == "committed", run.report["problems"]
    assert run.rows_changed == 1
    enrolments = Enrolment.objects.filter(student=st)
    assert enrolments.count() == 2
    assert enrolments.get(state="active").school_class.name == "6A2"
    assert any(p["code"] == "class_will_be_created" for p in run.report["problems"])


def test_a_changed_field_is_updated_with_a_history_entry_naming_the_import(city, tmp_path):
    a1 = city.schools[0].moet_code
    st = city.students[0]
    rows = [
        student_row(school=a1, code=st.moet_code, name="Nguyễn Văn An Mới", pid=st.personal_id, eth="Kinh")
    ]
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows))
    assert run.state == "committed" and run.rows_changed == 1
    st.refresh_from_db()
    assert st.full_name == "Nguyễn Văn An Mới" and st.ethnicity == "01" and st.name_key == "nguyen van an moi"
    entry = HistoryEntry.objects.get(source=f"import:{run.pk}", object_id=str(st.pk))
    assert entry.action == "update" and entry.changes["full_name"][1] == "Nguyễn Văn An Mới"


def _indexes(tables=("registry_student", "registry_enrolment", "core_historyentry")):
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) UNION ALL "
                "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s)",
                [list(tables), list(tables)],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ({marks})",  # noqa: S608
                list(tables),
            )
        return sorted(cur.fetchall(), key=lambda r: r[0])


def test_big_loads_defer_index_upkeep_and_leave_every_index_search_and_history_in_place(
    city, tmp_path, settings
):
    from edudx.core.search import match_q

    settings.INGEST_BULK_LOAD_BYTES = 0  # every file counts as big here…
    settings.INGEST_BULK_LOAD_SHARE = 0  # …and as big next to the tables it writes
    before = _indexes()
    a1 = city.schools[0].moet_code
    rows = [
        student_row(school=a1, code=f"79900000{i:02d}", pid=f"0792149000{i:02d}", name=f"Quách Tĩnh Thư {chr(65 + i)}")
        for i in range(5)
    ]  # fmt: skip
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows))
    assert run.state == "committed" and run.rows_new == 5
    # every index, foreign key (PostgreSQL) and FTS trigger (SQLite) back as it was
    assert _indexes() == before
    # The name index was filled for the new rows (set-based, not by the per-row trigger)…
    found = Student.objects.filter(match_q(Student, "name_key", "quach tinh thu"))
    assert sorted(s.full_name for s in found) == [f"Quách Tĩnh Thư {chr(65 + i)}" for i in range(5)]
    # …and the trigger is back: a pupil created afterwards is found too.
    st = Student.objects.create(full_name="Quách Tĩnh Mới", name_key="quach tinh moi", gender="nam")
    assert list(Student.objects.filter(match_q(Student, "name_key", "quach tinh moi"))) == [st]
    # Each created pupil's page shows which import created it, from which spreadsheet row
    # (header = 1, so the five pupils are rows 2-6), with its enrolment. The values are not
    # copied into the entry: the record holds them, the run keeps the file.
    import_rows = set()
    for s in found:
        entry = HistoryEntry.objects.get(object_id=str(s.pk), content_type__model="student")
        assert (entry.action, entry.via, entry.source) == ("create", "import", f"import:{run.pk}")
        assert list(entry.changes) == ["import_row"] and entry.changes["import_row"][0] is None
        import_rows.add(entry.changes["import_row"][1])
        assert s.enrolments.get().school_class.name == "6A1"
    assert import_rows == {2, 3, 4, 5, 6}
    # strict: one valid row beside one error, so the load starts and is rolled back
    bad_rows = [
        student_row(school=a1, code="7990000098", pid="079214900098"),
        student_row(school=a1, code="7990000099", dob="x"),
    ]
    bad = _run(Actor.system(), write_csv(tmp_path / "bad.csv", bad_rows))
    assert bad.state == "failed" and _indexes() == before
    assert not Student.objects.filter(moet_code="7990000098").exists()


def test_a_small_load_next_to_big_tables_keeps_their_indexes(city, settings):
    from edudx.registry.services import bulk

    settings.INGEST_BULK_LOAD_SHARE = 0.5
    held = Student.objects.order_by("-id").values_list("id", flat=True).first()
    assert held
    # rows ≈ bytes / 250: far fewer rows than the table holds → no index is touched
    assert isinstance(bulk.student_bulk_load(250 * held // 4), contextlib.nullcontext)
    assert not isinstance(bulk.student_bulk_load(250 * held * 2), contextlib.nullcontext)


def test_a_big_load_matches_pupils_by_personal_id_while_that_index_is_deferred(city, tmp_path, settings):
    """The plain personal-ID index is dropped during a big SQLite load: the lookup by personal
    ID (the fallback key, for pupils without a MOET code) must still find existing pupils."""
    settings.INGEST_BULK_LOAD_BYTES = 0
    settings.INGEST_BULK_LOAD_SHARE = 0
    settings.INGEST_CHUNK_ROWS = 2  # several chunks, each checked while the previous one is written
    a1 = city.schools[0].moet_code
    st = city.students[0]
    rows = [
        student_row(school=a1, code="7990000001", pid="079214900001"),
        student_row(school=a1, code="7990000002", pid="079214900002"),
        student_row(school=a1, code="", name="Nguyễn Văn An Mới", pid=st.personal_id, eth=""),
        student_row(school=a1, code="7990000003", pid="079214900003"),
    ]
    before = Student.objects.count()
    run = _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows))
    assert run.state == "committed", run.report["problems"]
    assert (run.rows_new, run.rows_changed) == (3, 1)
    assert Student.objects.count() == before + 3
    st.refresh_from_db()
    assert st.full_name == "Nguyễn Văn An Mới"
    from django.db import connection

    if connection.vendor == "sqlite":  # the lookup states the partial unique index's condition
        from edudx.registry.services import bulk

        with connection.cursor() as cur:
            cur.execute("DROP INDEX registry_student_pid")
            sql = "EXPLAIN QUERY PLAN SELECT id FROM registry_student WHERE personal_id IN (SELECT value FROM json_each(%s))"
            cur.execute(sql + bulk._pid_unique_condition(), ['["x"]'])
            plan = " ".join(str(r[-1]) for r in cur.fetchall())
        assert "registry_student_pid_unique" in plan


def test_a_write_that_fails_in_a_later_chunk_fails_the_run_and_writes_nothing(
    city, tmp_path, settings, monkeypatch
):
    from edudx.registry.services import bulk

    settings.INGEST_CHUNK_ROWS = 1
    real, calls = bulk.student_bulk_upsert, []

    def failing(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(**kw)

    monkeypatch.setattr(bulk, "student_bulk_upsert", failing)
    a1 = city.schools[0].moet_code
    rows = [student_row(school=a1, code=f"799000000{i}", pid=f"07921490000{i}") for i in range(1, 4)]
    before, history = Student.objects.count(), HistoryEntry.objects.count()
    with pytest.raises(RuntimeError, match="disk on fire"):
        _run(Actor.system(), write_csv(tmp_path / "hs.csv", rows))
    run = ImportRun.objects.get()
    assert run.state == "failed" and "disk on fire" in run.report["error"]
    assert "disk on fire" not in run.failure  # the page says what happened in words, not the exception
    assert len(calls) == 2  # the third chunk was never handed to the writer
    assert Student.objects.count() == before and HistoryEntry.objects.count() == history
