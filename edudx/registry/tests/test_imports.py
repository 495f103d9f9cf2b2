"""The registry's import kinds committed through the engine: staff and classes, new and changed
(their writers take the engine's polars frame of new rows), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from edudx.core.actor import Actor, Via
from edudx.core.models import HistoryEntry
from edudx.ingest import kinds as K
from edudx.ingest.engine import pipeline
from edudx.registry import services
from edudx.registry.models import SchoolClass, Staff

pytestmark = pytest.mark.django_db


def _csv(path: Path, kind: str, rows: list[dict[str, str]]) -> Path:
    k = K.get(kind)
    keys = [c.key for c in k.columns if any(c.key in r for r in rows)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([str(k.column(c).header) for c in keys])
    w.writerows([[r.get(c, "") for c in keys] for r in rows])
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _commit(city, kind: str, path: Path, mode: str = pipeline.STRICT) -> pipeline.Outcome:
    actor = city.actor_of("school_admin").with_source("import:test", via=Via.IMPORT)
    return pipeline.process(kind=K.get(kind), path=path, actor=actor, write=True, mode=mode)


@pytest.mark.parametrize("mode", [pipeline.STRICT, pipeline.PARTIAL])
def test_staff_import_commits_new_and_changed_staff(city, tmp_path, mode):
    a1 = city.schools[0]
    teacher = city.staff[0]
    path = _csv(tmp_path / "gv.csv", "staff", [
        {"school_code": a1.moet_code, "staff_code": "GVNEW0001", "full_name": "Phạm Văn Mới",
         "date_of_birth": "02/02/1990", "gender": "Nam", "position": "giáo viên", "phone": "0903334445"},
        {"school_code": a1.moet_code, "staff_code": teacher.moet_code, "full_name": teacher.full_name,
         "date_of_birth": "01/01/1985", "gender": "Nữ", "phone": "0905556667"},
    ])  # fmt: skip
    out = _commit(city, "staff", path, mode)
    assert out.written, [p.as_dict() for p in out.problems.items]
    assert (out.counts["new"], out.counts["changed"]) == (1, 1)
    created = Staff.objects.get(moet_code="GVNEW0001")
    assert (
        created.school_id == a1.pk and created.full_name == "Phạm Văn Mới" and created.phone == "0903334445"
    )
    teacher.refresh_from_db()
    assert teacher.phone == "0905556667"
    entries = HistoryEntry.objects.filter(source="import:test", via="import")
    assert entries.filter(action="create").count() == 1
    assert entries.filter(action="update", object_id=str(teacher.pk)).exists()
    again = _commit(city, "staff", path, mode)
    assert (again.counts["new"], again.counts["changed"], again.counts["unchanged"]) == (0, 0, 2)


def test_class_import_commits_new_and_changed_classes(city, tmp_path):
    a1 = city.schools[0]
    chosen = services.class_create(actor=Actor.system(), school=a1, year=city.year, grade=6, name="Lớp Chọn")
    path = _csv(tmp_path / "lop.csv", "classes", [
        {"school_code": a1.moet_code, "school_year": "2025-2026", "class_name": "7A2"},
        {"school_code": a1.moet_code, "school_year": "2025-2026", "class_name": "Lớp Chọn", "grade": "7"},
        {"school_code": a1.moet_code, "school_year": "2025-2026", "class_name": "6A1", "grade": "6"},
    ])  # fmt: skip
    out = _commit(city, "classes", path)
    assert out.written, [p.as_dict() for p in out.problems.items]
    assert (out.counts["new"], out.counts["changed"], out.counts["unchanged"]) == (1, 1, 1)
    new = SchoolClass.objects.get(school=a1, year=city.year, name="7A2")
    assert new.grade == 7
    chosen.refresh_from_db()
    assert chosen.grade == 7
    assert HistoryEntry.objects.filter(source="import:test", action="create", object_id=str(new.pk)).exists()


def test_a_class_name_that_contradicts_its_grade_is_refused_in_the_check(city, tmp_path):
    a1 = city.schools[0]
    path = _csv(tmp_path / "lop.csv", "classes", [
        {"school_code": a1.moet_code, "school_year": "2025-2026", "class_name": "6A1", "grade": "7"},
    ])  # fmt: skip
    out = _commit(city, "classes", path, pipeline.PARTIAL)
    assert [p.code for p in out.problems.items] == ["class_name_grade_mismatch"]
    assert SchoolClass.objects.get(pk=city.classes[0].pk).grade == 6


def test_nothing_is_imported_into_a_closed_school_year(city, tmp_path):
    import datetime as dt

    from edudx.registry.models import SchoolYear

    a = Actor.system(source="test")
    past = services.school_year_create(
        actor=a,
        code="2024-2025",
        start_date=dt.date(2024, 9, 5),
        end_date=dt.date(2025, 5, 31),
        is_current=False,
    )
    services.school_year_close(actor=a, year=past)
    assert SchoolYear.objects.get(pk=past.pk).closed_at is not None
    a1 = city.schools[0]
    path = _csv(tmp_path / "lop.csv", "classes", [
        {"school_code": a1.moet_code, "school_year": "2024-2025", "class_name": "7A9", "grade": "7"},
        {"school_code": a1.moet_code, "school_year": "2025-2026", "class_name": "7A9", "grade": "7"},
    ])  # fmt: skip
    out = _commit(city, "classes", path, pipeline.PARTIAL)
    assert [(p.code, p.row) for p in out.problems.items] == [("school_year_closed", 2)]
    assert not SchoolClass.objects.filter(year=past).exists()
    assert SchoolClass.objects.filter(year=city.year, name="7A9").exists()
