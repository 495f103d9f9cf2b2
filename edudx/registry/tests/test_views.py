"""The registry's HTML pages: lists, detail pages with history, forms, exports, and what a
role may see or do."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.registry import services
from edudx.registry.models import Student
from edudx.registry.schemas import ClassPatch, StudentFields, StudentPatch
from edudx.registry.tests.matrix import providers

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"registry:{name}", kwargs=kwargs)


def body(response) -> str:
    return response.content.decode()


# ----- lists
def test_ward_officer_student_list_shows_only_ward_a(city, client_for):
    html = body(client_for(Role.WARD_OFFICER).get(url("student_list")))
    assert "Nguyễn Văn An Paa" in html
    assert "Nguyễn Văn An Pab" in html
    assert "Pba" not in html and "Pbb" not in html


def test_search_without_diacritics_finds_vietnamese_name(city, client_for):
    html = body(client_for(Role.DEPT_OFFICER).get(url("student_list"), {"q": "nguyen van an"}))
    assert "Nguyễn Văn An Paa" in html
    assert "Trần Thị Bình" not in html


def test_student_list_filters_by_gender_and_school(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    html = body(c.get(url("student_list"), {"gender": "female", "school": city.schools[1].pk}))
    assert "Trần Thị Bình Pab" in html
    assert "Nguyễn Văn An" not in html
    assert "Trần Thị Bình Paa" not in html


def test_bad_filter_value_is_ignored_not_an_error(city, client_for):
    response = client_for(Role.DEPT_OFFICER).get(url("student_list"), {"school": "abc", "grade": "99"})
    assert response.status_code == 200
    assert "Nguyễn Văn An Pbb" in body(response)


def test_htmx_request_gets_only_the_table(city, client_for):
    response = client_for(Role.DEPT_OFFICER).get(url("student_list"), {"q": "binh"}, HTTP_HX_REQUEST="true")
    html = body(response)
    assert "Trần Thị Bình Paa" in html
    assert "<html" not in html and 'id="list-filter"' not in html


def test_student_list_paginates_with_a_cursor(city, client_for, monkeypatch):
    from edudx.registry.views import common

    monkeypatch.setattr(common, "PAGE_SIZE", 5)
    c = client_for(Role.DEPT_OFFICER)
    first = c.get(url("student_list"))
    page1 = first.context["page"]
    assert len(page1.items) == 5 and page1.has_next and not page1.has_prev
    second = c.get(url("student_list"), {"cursor": page1.next_cursor})
    page2 = second.context["page"]
    seen = {s.pk for s in page1.items} | {s.pk for s in page2.items}
    assert len(seen) == 10  # no overlap between pages
    assert page2.has_prev
    assert 'rel="next"' in body(first) and 'rel="prev"' in body(second)
    # Sorting by name descending starts at the other end: given name (the last word), then middle.
    desc = c.get(url("student_list"), {"sort": "-name"}).context["page"].items
    assert desc[0].full_name == "Nguyễn Văn An Pbb"


def test_student_list_query_count_does_not_grow_with_rows(city, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(Role.DEPT_OFFICER)
    with CaptureQueriesContext(connection) as before:
        c.get(url("student_list"))
    admin = city.actor_of(Role.DEPT_ADMIN)
    for n in range(5):
        services.student_create(
            actor=admin,
            school=city.schools[n % 4],
            data=StudentFields(full_name=f"Võ Thị {'ABCDE'[n]}", gender="female"),
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        c.get(url("student_list"))


def test_school_list_filters_by_area_and_grouping(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    html = body(c.get(url("school_list"), {"area": city.wards[1].pk}))
    assert city.schools[2].moet_code in html and city.schools[0].moet_code not in html
    html = body(c.get(url("school_list"), {"grouping": city.cluster.pk}))
    assert city.schools[0].moet_code in html and city.schools[2].moet_code in html
    assert city.schools[1].moet_code not in html


def test_staff_and_class_lists_filter_by_school(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    html = body(c.get(url("staff_list"), {"school": city.schools[3].pk}))
    assert city.staff[3].full_name in html and city.staff[0].full_name not in html
    page = c.get(url("class_list"), {"school": city.schools[3].pk}).context["page"]
    assert [k.pk for k in page.items] == [city.classes[3].pk]


def test_cluster_lead_sees_schools_but_no_student_list(city, client_for):
    c = client_for(Role.CLUSTER_LEAD)
    html = body(c.get(url("school_list")))
    assert city.schools[0].moet_code in html and city.schools[2].moet_code in html
    assert city.schools[1].moet_code not in html
    # Cluster leads supervise schools, not pupils' records.
    assert c.get(url("student_list")).status_code == 403
    assert c.get(url("staff_export")).status_code == 403


def test_student_user_sees_only_their_own_record(city, client_for):
    page = client_for(Role.STUDENT).get(url("student_list")).context["page"]
    assert [s.pk for s in page.items] == [city.students[0].pk]


# ----- details
def test_student_detail_shows_history_and_masks_id_for_ward_officer(city, client_for):
    student = city.students[0]
    services.student_update(
        actor=city.actor_of(Role.SCHOOL_ADMIN), student=student, data=StudentPatch(address="12 Lê Lợi")
    )
    html = body(client_for(Role.WARD_OFFICER).get(url("student_detail", student_id=student.pk)))
    assert "12 Lê Lợi" in html
    assert "t_school_admin" in html  # who changed it
    assert student.personal_id not in html  # neither in the record nor in the history
    assert personal_id.mask(student.personal_id) in html


def test_school_admin_sees_full_personal_id_in_detail(city, client_for):
    student = city.students[0]
    html = body(client_for(Role.SCHOOL_ADMIN).get(url("student_detail", student_id=student.pk)))
    assert student.personal_id in html


def test_student_detail_shows_both_ends_of_a_transfer(city, client_for):
    student = city.students[0]
    services.enrolment_transfer(
        actor=city.actor_of(Role.DEPT_ADMIN),
        student=student,
        to_class=city.classes[1],
        on=dt.date(2025, 11, 3),
    )
    response = client_for(Role.DEPT_OFFICER).get(url("student_detail", student_id=student.pk))
    html = body(response)
    enrolment_rows = response.context["enrolments"]
    assert {e.school_id for e in enrolment_rows} == {city.schools[0].pk, city.schools[1].pk}
    assert city.schools[0].unit.name in html and city.schools[1].unit.name in html
    assert "03/11/2025" in html


def test_foreign_student_is_not_found_for_school_admin(city, client_for):
    foreign = providers(city)["student_id"]
    response = client_for(Role.SCHOOL_ADMIN).get(url("student_detail", student_id=foreign[0]))
    assert response.status_code == 404
    assert foreign[1] not in body(response)


def test_school_detail_shows_profile_groupings_classes_and_counts(city, client_for):
    school = city.schools[0]
    response = client_for(Role.WARD_OFFICER).get(url("school_detail", school_id=school.pk))
    html = body(response)
    assert school.moet_code in html and "Phường An Khánh" in html and "Cụm 1" in html
    assert "6A1" in html
    assert response.context["counts"] == {"classes": 1, "students": 3, "staff": 1}


def test_class_detail_shows_roster_and_homeroom_teacher(city, client_for):
    klass = city.classes[0]
    services.class_update(
        actor=city.actor_of(Role.SCHOOL_ADMIN),
        school_class=klass,
        data=ClassPatch(homeroom_teacher=city.staff[0].pk),
    )
    services.assignment_set(
        actor=city.actor_of(Role.SCHOOL_ADMIN), staff=city.staff[0], school_class=klass, subject="toan"
    )
    html = body(client_for(Role.TEACHER).get(url("class_detail", class_id=klass.pk)))
    assert "Nguyễn Văn An Paa" in html and "Phạm Minh Châu Paa" in html
    assert city.staff[0].full_name in html
    assert 'data-testid="assignments"' in html


def test_staff_detail_shows_fields_and_history(city, client_for):
    staff = city.staff[0]
    html = body(client_for(Role.SCHOOL_ADMIN).get(url("staff_detail", staff_id=staff.pk)))
    assert staff.full_name in html and staff.moet_code in html
    assert 'data-testid="history"' in html


# ----- forms
def test_school_admin_creates_a_student_through_the_form(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("student_create"),
        {
            "school": city.schools[0].pk,
            "full_name": "  lê   văn   hùng ",
            "gender": "male",
            "date_of_birth": "2014-05-02",
            "personal_id": personal_id.make("079", "male", 2014, 777),
        },
    )
    student = Student.objects.get(personal_id=personal_id.make("079", "male", 2014, 777))
    assert response.status_code == 302
    assert response["Location"] == url("student_detail", student_id=student.pk)
    assert student.school_id == city.schools[0].pk
    html = body(c.get(response["Location"]))
    assert student.full_name in html and "t_school_admin" in html


def test_student_form_shows_personal_id_error_next_to_the_field(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("student_create"),
        {
            "school": city.schools[0].pk,
            "full_name": "Lê Văn Hùng",
            "gender": "female",  # the ID says male
            "date_of_birth": "2014-05-02",
            "personal_id": personal_id.make("079", "male", 2014, 778),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "personal_id" in form.errors
    assert 'data-field="personal_id"' in body(response)
    assert not Student.objects.filter(full_name="Lê Văn Hùng").exists()


def test_form_errors_are_in_vietnamese_by_default(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("student_create"),
        {"school": city.schools[0].pk, "full_name": "Lê Văn Hùng", "gender": "male", "personal_id": "12345"},
    )
    assert "Số định danh cá nhân phải có 12 chữ số." in body(response)


def test_school_admin_edits_a_student_and_history_records_before_and_after(city, client_for):
    student = city.students[0]
    c = client_for(Role.SCHOOL_ADMIN)
    edit = c.get(url("student_edit", student_id=student.pk))
    data = {k: v if v is not None else "" for k, v in edit.context["form"].initial.items()}
    data.update({"date_of_birth": "2014-03-01", "mother_name": "Võ Thị Hoa"})
    response = c.post(url("student_edit", student_id=student.pk), data)
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.mother_name == "Võ Thị Hoa"
    html = body(c.get(url("student_detail", student_id=student.pk)))
    assert "Võ Thị Hoa" in html


def test_status_form_changes_status_with_date(city, client_for):
    student = city.students[1]
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("student_status", student_id=student.pk), {"status": "thoi_hoc", "on": "2025-12-01", "note": "x"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.status == "thoi_hoc" and student.status_date == dt.date(2025, 12, 1)


def test_transfer_form_moves_student_to_another_class_of_the_school(city, client_for):
    student = city.students[0]
    extra = services.class_create(
        actor=city.actor_of(Role.SCHOOL_ADMIN), school=city.schools[0], year=city.year, grade=6, name="6A2"
    )
    c = client_for(Role.SCHOOL_ADMIN)
    form_page = c.get(url("student_transfer", student_id=student.pk))
    assert "6A2" in body(form_page)
    response = c.post(
        url("student_transfer", student_id=student.pk),
        {"to_school": city.schools[0].pk, "to_class": extra.pk, "on": "2025-10-01"},
    )
    assert response.status_code == 302
    assert student.enrolments.get(state="active").school_class_id == extra.pk


def test_school_admin_cannot_transfer_into_another_school(city, client_for):
    student = city.students[0]
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("student_transfer", student_id=student.pk),
        {"to_school": city.schools[1].pk, "to_class": city.classes[1].pk, "on": "2025-10-01"},
    )
    # Another school of the ward is not in a school admin's scope: not a valid choice.
    assert response.status_code == 200
    assert "to_school" in response.context["form"].errors
    assert student.enrolments.get(state="active").school_class_id == city.classes[0].pk


def test_class_form_shows_grade_error_from_the_service(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("class_create"), {"school": city.schools[0].pk, "year": city.year.pk, "grade": 2, "name": "2A1"}
    )
    assert response.status_code == 200
    assert "grade" in response.context["form"].errors


def test_school_edit_renames_the_school(city, client_for):
    school = city.schools[0]
    c = client_for(Role.DEPT_ADMIN)
    data = {
        k: v if v is not None else ""
        for k, v in c.get(url("school_edit", school_id=school.pk)).context["form"].initial.items()
    }
    data["name"] = "Trường THCS Lê Quý Đôn"
    response = c.post(url("school_edit", school_id=school.pk), data)
    assert response.status_code == 302
    html = body(c.get(url("school_detail", school_id=school.pk)))
    assert "Trường THCS Lê Quý Đôn" in html
    # The rename is recorded on the school's unit and shown in the school's history.
    assert "Trường THCS Thử PA1" in html


def test_staff_create_through_the_form(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    response = c.post(
        url("staff_create"),
        {
            "school": city.schools[0].pk,
            "full_name": "Đỗ Thị Mai",
            "gender": "female",
            "position": "giao_vien",
            "status": "working",
            "subjects": ["toan", "tin_hoc"],
        },
    )
    assert response.status_code == 302
    html = body(c.get(response["Location"]))
    assert "Đỗ Thị Mai" in html


# ----- who may change what
def test_teacher_sees_no_edit_button_and_cannot_post(city, client_for):
    student = city.students[0]
    c = client_for(Role.TEACHER)
    detail = body(c.get(url("student_detail", student_id=student.pk)))
    assert 'data-testid="edit"' not in detail
    assert 'data-testid="create"' not in body(c.get(url("student_list")))
    assert c.get(url("student_edit", student_id=student.pk)).status_code == 403
    response = c.post(url("student_edit", student_id=student.pk), {"full_name": "Hacked", "gender": "male"})
    assert response.status_code == 403
    student.refresh_from_db()
    assert student.full_name == "Nguyễn Văn An Paa"
    assert c.post(url("student_create"), {"school": city.schools[0].pk}).status_code == 403


def test_school_admin_sees_edit_button(city, client_for):
    html = body(client_for(Role.SCHOOL_ADMIN).get(url("student_detail", student_id=city.students[0].pk)))
    assert 'data-testid="edit"' in html


def test_school_admin_cannot_edit_a_foreign_student(city, client_for):
    foreign_id, marker = providers(city)["student_id"]
    response = client_for(Role.SCHOOL_ADMIN).post(
        url("student_edit", student_id=foreign_id), {"full_name": "X"}
    )
    assert response.status_code == 404
    assert Student.objects.get(pk=foreign_id).full_name == marker


# ----- exports
def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_job(client, exporter, query=""):
    """Excel is a background job (the exports app): ask, run (the immediate backend), download."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(
            reverse("exports:job_start"), {"exporter": exporter, "format": "xlsx", "query": query}
        )
    assert asked.status_code == 302
    return client.get(asked["Location"].rstrip("/") + "/download/")


def test_csv_export_masks_ids_for_ward_officer_and_follows_the_filter(city, client_for):
    response = client_for(Role.WARD_OFFICER).get(url("student_export"), {"q": "nguyen van an"})
    rows = _csv_rows(response)
    assert response["Content-Type"].startswith("text/csv")
    names = [r[1] for r in rows[1:]]
    assert sorted(names) == ["Nguyễn Văn An Paa", "Nguyễn Văn An Pab"]
    pids = {s.personal_id for s in city.students}
    assert not any(cell in pids for row in rows for cell in row)
    assert rows[1][4] == personal_id.mask(city.students[0].personal_id) or rows[1][4] == personal_id.mask(
        city.students[3].personal_id
    )


def test_exports_neutralise_formulas(city, client_for):
    student = city.students[0]
    # The school admin writes a hostile address through the service.
    services.student_update(
        actor=city.actor_of(Role.SCHOOL_ADMIN),
        student=student,
        data=StudentPatch(address='=HYPERLINK("http://x")'),
    )
    c = client_for(Role.SCHOOL_ADMIN)
    rows = _csv_rows(c.get(url("student_export")))
    addresses = [r[-1] for r in rows[1:] if r[1] == student.full_name]
    assert addresses == ['\'=HYPERLINK("http://x")']
    response = _xlsx_job(c, "registry.students")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in ws.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    # A school admin may see personal IDs: the export carries them in full.
    assert student.personal_id in values


def test_school_and_staff_exports_respect_scope(city, client_for):
    c = client_for(Role.WARD_OFFICER)
    text = "\n".join(",".join(r) for r in _csv_rows(c.get(url("school_export"))))
    assert city.schools[0].moet_code in text and city.schools[2].moet_code not in text
    staff_rows = _csv_rows(c.get(url("staff_export")))
    assert len(staff_rows) == 3  # header + the two teachers of ward A


def test_create_form_preselects_a_principals_only_school(city, client_for):
    form = client_for(Role.SCHOOL_ADMIN).get(url("student_create")).context["form"]
    assert form["school"].value() == city.schools[0].pk
    form = client_for(Role.DEPT_ADMIN).get(url("student_create")).context["form"]
    assert form["school"].value() is None  # many schools: the user chooses


def test_transfer_form_offers_the_classes_of_the_chosen_school(city, client_for):
    student = city.students[0]
    c = client_for(Role.DEPT_ADMIN)
    form = c.get(url("student_transfer", student_id=student.pk), {"to_school": city.schools[2].pk}).context[
        "form"
    ]
    assert [k.pk for k in form.fields["to_class"].queryset] == [city.classes[2].pk]
    response = c.post(
        url("student_transfer", student_id=student.pk),
        {"to_school": city.schools[2].pk, "to_class": city.classes[2].pk, "on": "03/11/2025"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.school_id == city.schools[2].pk and student.status == "chuyen_den"


def test_only_users_who_may_change_a_ward_may_register_schools(city, client_for):
    principal = client_for(Role.SCHOOL_ADMIN)
    assert 'data-testid="create"' not in body(principal.get(url("school_list")))
    assert principal.get(url("school_create")).status_code == 403
    admin = client_for(Role.DEPT_ADMIN)
    assert 'data-testid="create"' in body(admin.get(url("school_list")))
    response = admin.post(
        url("school_create"),
        {"name": "Trường Tiểu học Hòa Bình", "moet_code": "79000999", "parent": city.wards[0].pk,
         "level": "TH", "ownership": "cong_lap"},
    )  # fmt: skip
    assert response.status_code == 302
    html = body(admin.get(response["Location"]))
    assert "Trường Tiểu học Hòa Bình" in html and "79000999" in html and "Phường An Khánh" in html
    # The same MOET code again: refused next to the field.
    again = admin.post(
        url("school_create"),
        {"name": "Trường khác", "moet_code": "79000999", "parent": city.wards[0].pk,
         "level": "TH", "ownership": "cong_lap"},
    )  # fmt: skip
    assert again.status_code == 200
    assert "moet_code" in again.context["form"].errors


def test_a_department_wide_scope_gets_no_huge_school_dropdown(city, client_for, monkeypatch):
    from edudx.registry.views import common

    monkeypatch.setattr(common, "SCHOOL_SELECT_MAX", 2)  # the test city has 4 schools
    c = client_for(Role.DEPT_OFFICER)
    html = body(c.get(url("student_list")))
    assert 'id="id_school"' not in html
    # Coming from a school's page, the chosen school shows as a removable filter.
    school = city.schools[3]
    response = c.get(url("student_list"), {"school": school.pk})
    assert 'data-testid="chosen-school"' in body(response)
    assert {s.school_id for s in response.context["page"].items} == {school.pk}
    # The ward officer's two schools still come as a drop-down.
    assert 'id="id_school"' in body(client_for(Role.WARD_OFFICER).get(url("student_list")))


def test_the_student_page_shows_the_population_registry_check(client_for, city):
    from django.utils import timezone

    from edudx.identity.models import Status, Verification

    student = city.students[0]
    Verification.objects.create(
        kind="student",
        person_id=student.pk,
        status=Status.MISMATCH,
        differing_fields=["date_of_birth"],
        source="test",
        checked_at=timezone.now(),
    )
    body = client_for("school_admin").get(f"/registry/students/{student.pk}/").content.decode()
    badge = body.split('data-testid="verification"')[1].split("</dd>")[0]
    assert "ngày sinh" in badge.lower()
    other = client_for("school_admin").get(f"/registry/students/{city.students[1].pk}/").content.decode()
    assert "ngày sinh" not in other.split('data-testid="verification"')[1].split("</dd>")[0].lower()
