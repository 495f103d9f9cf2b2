"""Services record statuses and history, and respect the caller's scope."""

from __future__ import annotations

import pytest

from edudx.core.errors import NotFound, PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.identity import selectors, services
from edudx.identity.connectors import ERROR, Connector, VerifyResult
from edudx.identity.models import Status, Verification, VerificationRun


def statuses(city) -> list[str]:
    rows = {v.person_id: v.status for v in Verification.objects.filter(kind="student")}
    return [rows.get(s.pk, Status.UNVERIFIED) for s in city.students[:4]]


def test_verify_records_each_status_and_the_fields_that_differ(city, city_registry):
    actor = city.actor_of(Role.DEPT_ADMIN)
    summary = services.people_verify(actor=actor, kind="student", ids=[s.pk for s in city.students[:4]])
    assert summary.checked == 4
    assert statuses(city) == [Status.VERIFIED, Status.MISMATCH, Status.MISMATCH, Status.NOT_FOUND]
    rows = {v.person_id: v for v in Verification.objects.all()}
    assert rows[city.students[1].pk].differing_fields == ["full_name"]
    assert rows[city.students[2].pk].differing_fields == ["date_of_birth"]
    assert rows[city.students[0].pk].checked_at is not None
    assert rows[city.students[0].pk].source == "http"


def test_a_status_change_is_written_to_the_persons_history_without_the_id(city, city_registry):
    actor = city.actor_of(Role.DEPT_ADMIN)
    student = city.students[1]
    services.people_verify(actor=actor, kind="student", ids=[student.pk])
    [entry] = [e for e in entries_for(student) if e.operation == "people_verify"]
    assert entry.changes["verification"] == ["unverified", "mismatch"]
    assert entry.changes["differing_fields"] == [[], ["full_name"]]
    assert entry.actor == city.users[Role.DEPT_ADMIN]
    assert student.personal_id not in str(entry.changes) + entry.note


def test_verifying_again_without_change_adds_no_history(city, city_registry):
    actor = city.actor_of(Role.DEPT_ADMIN)
    student = city.students[0]
    services.people_verify(actor=actor, kind="student", ids=[student.pk])
    services.people_verify(actor=actor, kind="student", ids=[student.pk])
    assert len([e for e in entries_for(student) if e.operation == "people_verify"]) == 1


def test_school_admin_cannot_verify_another_schools_pupils(city, city_registry):
    actor = city.actor_of(Role.SCHOOL_ADMIN)  # school A1
    other = city.students[6]  # school B1
    with pytest.raises(NotFound):
        services.people_verify(actor=actor, kind="student", ids=[city.students[0].pk, other.pk])
    assert not Verification.objects.exists()
    assert city_registry.stats()["verify_requests"] == 0


def test_school_admin_verifies_own_pupils(city, city_registry):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    services.people_verify(actor=actor, kind="student", ids=[s.pk for s in city.students[:3]])
    assert Verification.objects.count() == 3


@pytest.mark.parametrize("role", [Role.TEACHER, Role.WARD_OFFICER, Role.VIEWER, Role.STUDENT])
def test_roles_without_verify_are_refused(city, city_registry, role):
    with pytest.raises(PermissionDenied):
        services.people_verify(actor=city.actor_of(role), kind="student", ids=[city.students[0].pk])


def test_staff_can_be_verified_too(city, city_registry):
    actor = city.actor_of(Role.DEPT_ADMIN)
    services.people_verify(actor=actor, kind="staff", ids=[city.staff[0].pk])
    # The mini city's staff carry no personal ID: nothing to ask, nothing recorded.
    assert not Verification.objects.filter(kind="staff").exists()


def test_unknown_kind_is_a_validation_error(city, city_registry):
    with pytest.raises(ValidationFailed):
        services.people_verify(actor=city.actor_of(Role.DEPT_ADMIN), kind="parent", ids=[1])


class Failing(Connector):
    source = "failing"

    def verify_batch(self, people):
        return [VerifyResult(p.ref, ERROR, (), "timeout") for p in people]


def test_a_failed_check_keeps_an_earlier_answer(city, city_registry):
    actor = city.actor_of(Role.DEPT_ADMIN)
    student = city.students[1]
    services.people_verify(actor=actor, kind="student", ids=[student.pk])
    services.people_verify(actor=actor, kind="student", ids=[student.pk], connector=Failing())
    v = Verification.objects.get(person_id=student.pk)
    assert (v.status, v.differing_fields, v.error) == (Status.MISMATCH, ["full_name"], "timeout")


def test_a_failed_first_check_is_recorded_as_error(city, city_registry):
    actor = city.actor_of(Role.DEPT_ADMIN)
    services.people_verify(actor=actor, kind="student", ids=[city.students[0].pk], connector=Failing())
    assert Verification.objects.get().status == Status.ERROR


def test_counts_cover_only_the_callers_scope(city, city_registry):
    services.people_verify(
        actor=city.actor_of(Role.DEPT_ADMIN), kind="student", ids=[s.pk for s in city.students]
    )
    city_wide = selectors.status_counts(scope=city.scope_of(Role.DEPT_ADMIN))
    assert city_wide[Status.VERIFIED] == 9
    assert city_wide[Status.MISMATCH] == 2
    assert city_wide[Status.NOT_FOUND] == 1
    assert city_wide[Status.UNVERIFIED] == 0
    school = selectors.status_counts(scope=city.scope_of(Role.SCHOOL_ADMIN))
    assert sum(school.values()) == 3
    assert school[Status.VERIFIED] == 1 and school[Status.MISMATCH] == 2
    teacher = selectors.status_counts(scope=city.scope_of(Role.TEACHER))
    assert teacher == school


def test_people_never_checked_count_as_unverified(city):
    counts = selectors.status_counts(scope=city.scope_of(Role.DEPT_ADMIN))
    assert counts[Status.UNVERIFIED] == len(city.students)


def test_problem_page_lists_mismatches_in_scope_with_their_rows(city, city_registry):
    services.people_verify(
        actor=city.actor_of(Role.DEPT_ADMIN), kind="student", ids=[s.pk for s in city.students]
    )
    page, rows = selectors.problem_page(scope=city.scope_of(Role.DEPT_ADMIN), status="mismatch")
    assert {p.pk for p in page.items} == {city.students[1].pk, city.students[2].pk}
    assert rows[city.students[1].pk].differing_fields == ["full_name"]
    page, _ = selectors.problem_page(scope=city.scope_of(Role.SCHOOL_ADMIN))
    assert {p.pk for p in page.items} == {city.students[1].pk, city.students[2].pk}


def test_verifications_of_leaves_out_people_outside_the_scope(city, city_registry):
    services.people_verify(
        actor=city.actor_of(Role.DEPT_ADMIN), kind="student", ids=[s.pk for s in city.students]
    )
    ids = [s.pk for s in city.students]
    city_wide = selectors.verifications_of(scope=city.scope_of(Role.DEPT_ADMIN), kind="student", ids=ids)
    assert set(city_wide) == set(ids)
    school = selectors.verifications_of(scope=city.scope_of(Role.SCHOOL_ADMIN), kind="student", ids=ids)
    assert set(school) == {s.pk for s in city.students[:3]}
    assert school[city.students[1].pk].differing_fields == ["full_name"]


def test_a_run_for_a_school_checks_its_pupils_and_reports_progress(
    city, city_registry, django_capture_on_commit_callbacks
):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(actor=actor, kind="student", school_id=city.schools[0].pk)
    run.refresh_from_db()
    assert run.state == VerificationRun.State.DONE
    assert (run.total, run.done) == (3, 3)
    assert run.counts == {"verified": 1, "mismatch": 2}
    assert run.task_id
    assert statuses(city)[:3] == [Status.VERIFIED, Status.MISMATCH, Status.MISMATCH]
    assert not Verification.objects.filter(person_id=city.students[6].pk).exists()


def test_a_run_for_everyone_in_scope(city, city_registry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(actor=city.actor_of(Role.DEPT_ADMIN), kind="student")
    run.refresh_from_db()
    assert run.done == 12 and run.state == VerificationRun.State.DONE
    assert Verification.objects.count() == 12


def test_a_run_for_another_school_is_refused(city, city_registry):
    with pytest.raises(NotFound):
        services.run_start(actor=city.actor_of(Role.SCHOOL_ADMIN), school_id=city.schools[2].pk)
    with pytest.raises(PermissionDenied):
        services.run_start(actor=city.actor_of(Role.WARD_OFFICER), school_id=city.schools[0].pk)
    assert not VerificationRun.objects.exists()


def test_runs_are_visible_in_scope_only(city):
    b1 = city.schools[2]
    run = VerificationRun.objects.create(school_id=b1.pk, school_name=b1.name, unit_path=b1.unit.path)
    assert selectors.run_get(scope=city.scope_of(Role.DEPT_ADMIN), pk=run.pk) == run
    with pytest.raises(NotFound):
        selectors.run_get(scope=city.scope_of(Role.SCHOOL_ADMIN), pk=run.pk)
