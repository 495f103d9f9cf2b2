"""Registry writes: rules refuse bad data, every change is in the history, transfers keep
both ends, the scope decides who may write where."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.registry import selectors, services
from edudx.registry.models import Enrolment, Student
from edudx.registry.schemas import StaffFields, StaffPatch, StudentFields, StudentPatch

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 11, 3)


def _student_data(**over):
    data = {
        "full_name": "  nguyễn   thị  hoa ",
        "gender": "female",
        "date_of_birth": dt.date(2014, 5, 6),
        "personal_id": personal_id.make("079", "female", 2014, 4242),
        "moet_code": "7999000001",
        "parent_phone": "0901 234 567",
    }
    data.update(over)
    return StudentFields(**data)


def test_student_create_normalises_and_records_history(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    s = services.student_create(actor=actor, school=city.schools[0], data=_student_data())
    assert s.full_name == "Nguyễn Thị Hoa"
    assert s.name_key == "nguyen thi hoa"
    (entry,) = entries_for(s)
    assert entry.action == "create"
    assert entry.operation == "student_create"
    assert entry.actor == city.users[Role.SCHOOL_ADMIN]
    assert entry.changes["full_name"] == [None, "Nguyễn Thị Hoa"]


def test_student_create_reports_every_rule_error_at_once(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    bad = _student_data(
        full_name="Nguyen 2",
        date_of_birth=dt.date(2100, 1, 1),
        personal_id=personal_id.make("079", "male", 2014, 1),  # says male, born 2014
        ethnicity="99",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.student_create(actor=actor, school=city.schools[0], data=bad)
    fields = {d.field for d in exc.value.details}
    assert {"full_name", "date_of_birth", "personal_id", "ethnicity"} <= fields
    assert not Student.objects.filter(moet_code="7999000001").exists()


def test_student_create_refuses_a_duplicate_personal_id(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    taken = city.students[1]
    data = _student_data(
        personal_id=taken.personal_id, gender=taken.gender, date_of_birth=taken.date_of_birth
    )
    with pytest.raises((ValidationFailed, Conflict)) as refused:
        services.student_create(actor=actor, school=city.schools[0], data=data)
    # The refusal is the platform's own, in Vietnamese with a stable code — not Django's
    # "Constraint “registry_student_pid_unique” is violated." naming a database object.
    with translation.override("vi"):
        shown = [(d.code, str(d.message)) for d in refused.value.details]
    assert ("personal_id_taken", "Số định danh cá nhân này đã thuộc về một người khác.") in shown
    assert not any("registry_" in message for _code, message in shown)


def test_student_update_records_before_and_after(city):
    s = city.students[0]
    services.student_update(
        actor=city.actor_of(Role.SCHOOL_ADMIN), student=s, data=StudentPatch(address="12 Lê Lợi")
    )
    entry = entries_for(s)[0]
    assert entry.action == "update"
    assert entry.changes == {"address": ["", "12 Lê Lợi"]}


def test_student_update_with_a_rule_error_changes_nothing(city):
    s = city.students[0]
    with pytest.raises(ValidationFailed):
        services.student_update(
            actor=city.actor_of(Role.SCHOOL_ADMIN),
            student=s,
            data=StudentPatch(date_of_birth=dt.date(2100, 1, 1)),
        )
    s.refresh_from_db()
    assert s.date_of_birth == dt.date(2014, 3, 1)
    assert len(entries_for(s)) == 2  # create + enrol only


def test_a_teacher_and_another_schools_admin_cannot_change_a_student(city):
    s = city.students[0]
    with pytest.raises(PermissionDenied):
        services.student_update(actor=city.actor_of(Role.TEACHER), student=s, data=StudentPatch(address="x"))
    other = city.students[6]  # school B1
    with pytest.raises(PermissionDenied):
        services.student_update(
            actor=city.actor_of(Role.SCHOOL_ADMIN), student=other, data=StudentPatch(address="x")
        )


def test_status_change_sets_the_date_and_is_recorded(city):
    s = city.students[0]
    services.student_set_status(
        actor=city.actor_of(Role.SCHOOL_ADMIN), student=s, status="thoi_hoc", on=ON, note="gia đình chuyển"
    )
    s.refresh_from_db()
    assert (s.status, s.status_date) == ("thoi_hoc", ON)
    entry = entries_for(s)[0]
    assert entry.action == "status" and entry.note == "gia đình chuyển"
    assert entry.changes["status"] == ["dang_hoc", "thoi_hoc"]


def test_an_unknown_status_is_refused(city):
    with pytest.raises(ValidationFailed):
        services.student_set_status(
            actor=city.actor_of(Role.SCHOOL_ADMIN), student=city.students[0], status="x"
        )


def _second_class(city, school, name="6A2"):
    return services.class_create(actor=Actor.system(), school=school, year=city.year, grade=6, name=name)


def test_transfer_within_a_school_keeps_both_ends(city):
    s = city.students[0]
    old = Enrolment.objects.get(student=s, state="active")
    new_class = _second_class(city, city.schools[0])
    new = services.enrolment_transfer(
        actor=city.actor_of(Role.SCHOOL_ADMIN), student=s, to_class=new_class, on=ON
    )
    old.refresh_from_db()
    assert (old.state, old.end_date) == ("transferred", ON)
    assert new.previous == old and new.school_class == new_class and new.state == "active"
    s.refresh_from_db()
    assert s.school == city.schools[0] and s.status == "dang_hoc"
    assert entries_for(s)[0].changes == {"class": ["6A1", "6A2"]}


def test_transfer_between_schools_keeps_both_ends_and_moves_the_student(city):
    s = city.students[0]
    to_class = city.classes[2]  # school B1
    new = services.enrolment_transfer(
        actor=city.actor_of(Role.DEPT_OFFICER), student=s, to_class=to_class, on=ON
    )
    s.refresh_from_db()
    assert s.school == city.schools[2]
    assert s.status == "chuyen_den"
    assert new.previous.school == city.schools[0] and new.previous.state == "transferred"
    entry = entries_for(s)[0]
    assert entry.action == "transfer"
    assert entry.changes["school"] == [city.schools[0].pk, city.schools[2].pk]
    # Both ends stay visible on the student's record.
    rows = selectors.student_enrolments(scope=city.scope_of(Role.DEPT_OFFICER), student=s)
    assert [e.school_id for e in rows] == [city.schools[2].pk, city.schools[0].pk]


def test_a_school_admin_cannot_transfer_across_schools(city):
    s = city.students[0]
    with pytest.raises(PermissionDenied):
        services.enrolment_transfer(
            actor=city.actor_of(Role.SCHOOL_ADMIN), student=s, to_class=city.classes[2], on=ON
        )
    assert Enrolment.objects.get(student=s, state="active").school_class == city.classes[0]
    s.refresh_from_db()
    assert s.school == city.schools[0]


def test_transfer_into_the_same_class_is_refused(city):
    with pytest.raises(ValidationFailed) as exc:
        services.enrolment_transfer(
            actor=city.actor_of(Role.SCHOOL_ADMIN), student=city.students[0], to_class=city.classes[0], on=ON
        )
    assert exc.value.code == "same_class"


def test_a_student_has_one_active_enrolment_per_year(city):
    s = city.students[0]
    with pytest.raises(Conflict) as exc:
        services.enrolment_enrol(
            actor=city.actor_of(Role.SCHOOL_ADMIN),
            student=s,
            school_class=_second_class(city, city.schools[0]),
            start_date=ON,
        )
    assert exc.value.code == "already_enrolled"
    assert Enrolment.objects.filter(student=s, state="active").count() == 1


def test_enrolment_in_another_schools_class_needs_a_transfer(city):
    s = services.student_create(
        actor=city.actor_of(Role.SCHOOL_ADMIN), school=city.schools[0], data=_student_data()
    )
    with pytest.raises(ValidationFailed):
        services.enrolment_enrol(actor=Actor.system(), student=s, school_class=city.classes[1], start_date=ON)


def test_class_rules_check_the_grade_against_the_school_level_and_the_name(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    with pytest.raises(ValidationFailed) as exc:
        services.class_create(actor=actor, school=city.schools[0], year=city.year, grade=2, name="7A3")
    assert {d.code for d in exc.value.details} >= {"grade_not_in_level", "class_name_grade_mismatch"}


def test_staff_create_and_update_keep_history(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    staff = services.staff_create(
        actor=actor,
        school=city.schools[0],
        data=StaffFields(full_name="Võ Văn Tâm", gender="male", position="giao_vien", phone="0912345678"),
    )
    services.staff_update(actor=actor, staff=staff, data=StaffPatch(qualification="thac_si"))
    actions = [e.action for e in entries_for(staff)]
    assert actions == ["update", "create"]
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=actor, staff=city.staff[2], data=StaffPatch(qualification="thac_si"))


def test_the_cluster_lead_sees_the_cluster_schools_of_both_wards(city):
    visible, _order = selectors.school_list(scope=city.scope_of(Role.CLUSTER_LEAD))
    assert set(visible) == {city.schools[0], city.schools[2]}


def test_student_school_and_enrolment_class_are_indexed_once_by_their_composites(db):
    """Migration 0005: the single-column foreign-key indexes on student.school_id and
    enrolment.school_class_id are gone; composites leading with those columns serve them."""
    from django.db import connection

    from edudx.registry.models import Enrolment, Student

    def leading(model, column):
        with connection.cursor() as cur:
            found = connection.introspection.get_constraints(cur, model._meta.db_table)
        return {n for n, c in found.items() if c["index"] and c["columns"] and c["columns"][0] == column}

    assert leading(Student, "school_id") == {"registry_student_school_sort", "registry_student_school_stat"}
    assert leading(Enrolment, "school_class_id") == {"registry_enrol_class_state"}
