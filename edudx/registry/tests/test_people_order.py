"""People lists sort by given name, then middle and family name, in Vietnamese collation (a stored
key, core.text.vn_sort_key) — the HTML list, its CSV export and the API alike — and show a total."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse

from edudx.core.roles import Role
from edudx.registry import services
from edudx.registry.models import Staff, Student

pytestmark = pytest.mark.django_db

NAMES = ["Lê Văn Đức", "Trần Dương", "Phạm Văn Dũng", "Nguyễn Thị Ánh", "Hoàng Anh", "Vũ Thị Ảnh"]
ORDER = ["Hoàng Anh", "Vũ Thị Ảnh", "Nguyễn Thị Ánh", "Phạm Văn Dũng", "Trần Dương", "Lê Văn Đức"]


def _typed(name: str, **data):
    """The services' input: a schema where registry.schemas declares one (issue #19), else a dict."""
    try:
        schema = getattr(importlib.import_module("edudx.registry.schemas"), name)
    except AttributeError:
        return data
    return schema(**data)


@pytest.fixture
def named(city):
    school = city.schools[3]  # ward B's second school: none of these names elsewhere
    actor = city.actor_of(Role.DEPT_ADMIN)
    for i, name in enumerate(NAMES):
        pupil = services.student_create(
            actor=actor, school=school,
            data=_typed("StudentFields", full_name=name, gender="male", date_of_birth=dt.date(2014, 1, 1 + i)),
        )  # fmt: skip
        services.enrolment_enrol(
            actor=actor, student=pupil, school_class=city.classes[3], start_date=dt.date(2025, 9, 5)
        )
    return school


def test_html_list_csv_export_and_api_share_the_vietnamese_order(named, client_for):
    c = client_for(Role.DEPT_OFFICER)
    page = c.get(reverse("registry:student_list"), {"school": named.pk}).context["page"]
    assert [s.full_name for s in page.items if s.full_name in NAMES] == ORDER
    response = c.get(reverse("registry:student_export"), {"school": named.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:] if r[1] in NAMES] == ORDER
    api = c.get("/api/v1/registry/students", {"school": named.pk, "limit": 50}).json()
    assert [r["full_name"] for r in api["items"] if r["full_name"] in NAMES] == ORDER


def test_renaming_keeps_the_key_in_step(named, city):
    pupil = Student.objects.get(full_name="Hoàng Anh")
    services.student_update(
        actor=city.actor_of(Role.DEPT_ADMIN),
        student=pupil,
        data=_typed("StudentPatch", full_name="Hoàng Yến"),
    )
    qs = Student.objects.filter(school=named).order_by("sort_name", "id")
    assert list(qs.values_list("full_name", flat=True))[-1] == "Hoàng Yến"


def test_lists_show_their_total_in_vietnamese_number_format(named, client_for):
    c = client_for(Role.DEPT_OFFICER)
    html = c.get(reverse("registry:student_list"), {"school": named.pk}).content.decode()
    assert f"<strong>{Student.objects.filter(school=named).count()}</strong> học sinh" in html
    assert (
        f"<strong>{Student.objects.count()}</strong> học sinh"
        in c.get(reverse("registry:student_list")).content.decode()
    )
    staff_html = c.get(reverse("registry:staff_list")).content.decode()
    assert f"<strong>{Staff.objects.count()}</strong>" in staff_html


def test_total_uses_the_thousands_dot(city, client_for, monkeypatch):
    from edudx.registry.views import common

    page = client_for(Role.DEPT_OFFICER).get(reverse("registry:school_list"))
    assert page.context["total"] == len(city.schools)
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("vi"):
        assert intcomma(1234567) == "1.234.567"
    assert common.PAGE_SIZE  # the total is not the page size


def test_pupil_list_and_export_carry_the_class(named, city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    html = c.get(reverse("registry:student_list"), {"school": named.pk}).content.decode()
    assert f'<td data-testid="class">{city.classes[3].name}</td>' in html
    response = c.get(reverse("registry:student_export"), {"school": named.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    at = rows[0].index("Lớp")
    assert {r[at] for r in rows[1:]} == {city.classes[3].name}


def test_migration_fills_the_key_of_existing_rows(named):
    Student.objects.update(sort_name="")
    Staff.objects.update(sort_name="")
    migration = importlib.import_module("edudx.registry.migrations.0007_person_sort_name")
    migration.fill(apps, None)
    assert (
        not Student.objects.filter(sort_name="").exists() and not Staff.objects.filter(sort_name="").exists()
    )
    names = list(
        Student.objects.filter(school=named).order_by("sort_name", "id").values_list("full_name", flat=True)
    )
    assert [n for n in names if n in NAMES] == ORDER


def test_csv_export_streams_rows_as_they_are_read(named, client_for):
    import types

    from django.http import StreamingHttpResponse

    from edudx.core.scope import Scope
    from edudx.registry import exporters

    response = client_for(Role.DEPT_OFFICER).get(reverse("registry:student_export"))
    assert isinstance(response, StreamingHttpResponse)
    # Nothing is read before the client reads: the rows come from a generator over a cursor.
    assert isinstance(exporters.student_rows(Scope.system(), {}), types.GeneratorType)
    first = next(iter(response.streaming_content))
    assert first.decode("utf-8").startswith("\ufeff")
