"""edudx's engine against django-import-export on the same 100,000-row student file, same rules.

Both commit into a fresh SQLite database that holds the schools. The rules are the same pure
functions (core.rules: names, dates, personal IDs with the DOB/gender cross-check, phones,
gender and ethnicity codes) and the same school lookup by MOET code. django-import-export
runs in its fastest documented configuration (use_bulk, no row diffs kept); it writes the
Student rows only, while edudx also writes enrolments, missing classes and one history
entry per record — so the ratio printed is conservative.

usage: .venv/bin/python bench/ingest_vs_import_export.py [ROWS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    var = Path(tempfile.mkdtemp(prefix="edudx-ingest-vs-"))
    os.environ["EDUDX_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    sys.path.insert(0, str(here))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ingest_data import school_codes, write_students

    schools = school_codes(60)
    _setup(schools)
    path = write_students(var / "students.csv", rows, schools=schools, dirty=True)

    from edudx.core.actor import Actor, Via
    from edudx.ingest.engine import pipeline
    from edudx.ingest.kinds import get
    from edudx.registry.models import Student

    t, c = time.perf_counter(), time.process_time()
    out = pipeline.process(
        kind=get("students"), path=path, actor=Actor.system(via=Via.IMPORT, source="import:bench"), write=True,
        mode="partial",
    )  # fmt: skip
    edudx_s, edudx_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"edudx:                 {edudx_s:7.2f} s  {out.counts['new']:,} new, {out.counts['rejected']:,} rejected "
          f"(students + enrolments + classes + history)")  # fmt: skip
    assert Student.objects.count() == out.counts["new"]
    Student.objects.all().delete()

    t, c = time.perf_counter(), time.process_time()
    created, failed = _import_export(path)
    ie_s, ie_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"django-import-export:  {ie_s:7.2f} s  {created:,} new, {failed:,} rejected (students only)")
    print(f"CPU seconds: edudx {edudx_cpu:.2f}, django-import-export {ie_cpu:.2f}")
    print(
        f"ratio: {ie_s / edudx_s:.1f}× faster with edudx by wall time, {ie_cpu / edudx_cpu:.1f}× by CPU time "
        f"(aim ≥ 20×); load average {os.getloadavg()[0]:.1f}"
    )
    import resource

    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def _setup(schools) -> None:
    import datetime as dt

    from edudx.core.actor import Actor
    from edudx.orgs import services as orgs
    from edudx.registry import services as registry

    a = Actor.system(source="bench")
    dept = orgs.unit_create(actor=a, code="SGD", name="Sở GD-ĐT", kind="department", parent=None)
    ward = orgs.unit_create(actor=a, code="P1", name="Phường 1", kind="ward", parent=dept)
    registry.school_year_create(
        actor=a,
        code="2025-2026",
        start_date=dt.date(2025, 9, 5),
        end_date=dt.date(2026, 5, 31),
        is_current=True,
    )
    for code, level in schools:
        registry.school_register(
            actor=a, parent=ward, moet_code=code, name=f"Trường {code}", data={"level": level}
        )


def _import_export(path: Path) -> tuple[int, int]:
    import tablib
    from import_export import fields, resources, widgets

    from edudx.core.rules import dates, names, personal_id, phones
    from edudx.core.rules.ethnicity import ethnicity_code
    from edudx.core.rules.people import gender_code
    from edudx.core.text import fold
    from edudx.registry.models import School, Student

    class StudentResource(resources.ModelResource):
        school = fields.Field(attribute="school", column_name="Mã trường",
                              widget=widgets.ForeignKeyWidget(School, "moet_code"))  # fmt: skip
        moet_code = fields.Field(attribute="moet_code", column_name="Mã học sinh")
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        date_of_birth = fields.Field(attribute="date_of_birth", column_name="Ngày sinh")
        gender = fields.Field(attribute="gender", column_name="Giới tính")
        personal_id = fields.Field(attribute="personal_id", column_name="Số định danh cá nhân")
        ethnicity = fields.Field(attribute="ethnicity", column_name="Dân tộc")
        parent_phone = fields.Field(attribute="parent_phone", column_name="Số điện thoại phụ huynh")

        class Meta:
            model = Student
            import_id_fields = ("moet_code",)
            fields = ("school", "moet_code", "full_name", "date_of_birth", "gender", "personal_id", "ethnicity",
                      "parent_phone")  # fmt: skip
            use_bulk = True
            batch_size = 2000
            skip_diff = True
            skip_unchanged = True

        def before_import_row(self, row, **kwargs):
            row["Họ và tên"], _ = names.normalise(row["Họ và tên"])
            if any(i.is_error for i in names.check(row["Họ và tên"])):
                raise ValueError("name")
            dob, issues = dates.parse(row["Ngày sinh"])
            if dob is None or any(i.is_error for i in issues):
                raise ValueError("date")
            row["Ngày sinh"] = dob
            row["Giới tính"] = gender_code(row["Giới tính"])
            if row["Giới tính"] is None:
                raise ValueError("gender")
            pid, _ = personal_id.normalise(row["Số định danh cá nhân"])
            if any(i.is_error for i in personal_id.check(pid, date_of_birth=dob, gender=row["Giới tính"])):
                raise ValueError("pid")
            row["Số định danh cá nhân"] = pid or None
            row["Dân tộc"] = ethnicity_code(row["Dân tộc"]) or ""
            phone, issues = phones.normalise(row["Số điện thoại phụ huynh"])
            if any(i.is_error for i in issues):
                raise ValueError("phone")
            row["Số điện thoại phụ huynh"] = phone

        def before_save_instance(self, instance, row, **kwargs):
            instance.name_key = fold(instance.full_name)

    with path.open(encoding="utf-8") as fh:
        data = tablib.Dataset().load(fh.read(), format="csv")
    result = StudentResource().import_data(data, dry_run=False, raise_errors=False, collect_failed_rows=True)
    return Student.objects.count(), len(result.failed_dataset or []) + len(result.row_errors())


if __name__ == "__main__":
    main()
