"""The verification page, the run pages and the status badge."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from edudx.core.roles import Role
from edudx.identity import services
from edudx.identity.models import VerificationRun

from .matrix import providers


def verify_all(city):
    services.people_verify(
        actor=city.actor_of(Role.DEPT_ADMIN), kind="student", ids=[s.pk for s in city.students]
    )


def test_page_shows_counts_chart_and_mismatches_of_the_users_school(city, city_registry, client_for):
    verify_all(city)
    r = client_for(Role.SCHOOL_ADMIN).get(reverse("identity:dashboard"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="count-verified">1<' in html
    assert 'data-testid="count-mismatch">2<' in html
    assert 'id="chart-status"' in html and "edudxBarChart" in html
    assert city.students[1].full_name in html  # a mismatch of school A1
    assert city.students[3].full_name not in html  # school A2 (not found) is out of scope
    assert city.students[1].personal_id not in html  # IDs are masked
    assert 'data-testid="verify-button"' in html


def test_filtering_by_problem_status(city, city_registry, client_for):
    verify_all(city)
    r = client_for(Role.DEPT_ADMIN).get(reverse("identity:dashboard"), {"status": "not_found"})
    html = r.content.decode()
    assert city.students[3].full_name in html
    assert city.students[1].full_name not in html


def test_teacher_sees_the_page_without_the_verify_button(city, client_for):
    r = client_for(Role.TEACHER).get(reverse("identity:dashboard"))
    assert r.status_code == 200
    assert 'data-testid="verify-button"' not in r.content.decode()


def test_student_is_refused(city, client_for):
    assert client_for(Role.STUDENT).get(reverse("identity:dashboard")).status_code == 403


def test_the_button_starts_a_run_and_shows_its_progress(
    city, city_registry, client_for, django_capture_on_commit_callbacks
):
    c = client_for(Role.SCHOOL_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("identity:run_start"), {"kind": "student", "school": city.schools[0].pk})
    run = VerificationRun.objects.get()
    assert r.status_code == 302 and r.url == reverse(
        "identity:run_detail", kwargs={"verification_run_id": run.pk}
    )
    page = c.get(r.url).content.decode()
    assert 'data-state="done"' in page and "100%" in page
    progress = c.get(
        reverse("identity:run_progress", kwargs={"verification_run_id": run.pk})
    ).content.decode()
    assert "3 / 3" in progress


def test_a_running_run_polls_for_progress(city, client_for):
    run = VerificationRun.objects.create(
        school_id=city.schools[0].pk, unit_path=city.schools[0].unit.path, total=10, done=4,
        state=VerificationRun.State.RUNNING,
    )  # fmt: skip
    html = client_for(Role.SCHOOL_ADMIN).get(
        reverse("identity:run_progress", kwargs={"verification_run_id": run.pk})
    )
    html = html.content.decode()
    assert 'hx-trigger="every 1s"' in html and "40%" in html


def test_starting_a_run_for_another_school_is_refused(city, city_registry, client_for):
    r = client_for(Role.SCHOOL_ADMIN).post(reverse("identity:run_start"), {"school": city.schools[2].pk})
    assert r.status_code == 404
    assert not VerificationRun.objects.exists()


def test_another_schools_run_is_not_shown(city, client_for):
    ids = providers(city)
    run_id, marker = ids["verification_run_id"]
    for name in ("identity:run_detail", "identity:run_progress"):
        r = client_for(Role.SCHOOL_ADMIN).get(reverse(name, kwargs={"verification_run_id": run_id}))
        assert r.status_code == 404 and marker not in r.content.decode()
    r = client_for(Role.DEPT_ADMIN).get(
        reverse("identity:run_detail", kwargs={"verification_run_id": run_id})
    )
    assert r.status_code == 200 and marker in r.content.decode()


def render_badge(city, role, person) -> str:
    request = RequestFactory().get("/")
    request.scope = city.scope_of(role)
    tpl = Template("{% load identity %}{% verification_badge person %}")
    return tpl.render(Context({"request": request, "person": person}))


def test_badge_shows_the_status_and_the_fields_that_differ(city, city_registry):
    verify_all(city)
    html = render_badge(city, Role.SCHOOL_ADMIN, city.students[1])
    assert 'data-status="mismatch"' in html
    assert "full name" in html or "họ và tên" in html
    assert 'data-status="verified"' in render_badge(city, Role.SCHOOL_ADMIN, city.students[0])


def test_badge_shows_unverified_before_any_check_and_nothing_without_permission(city):
    assert 'data-status="unverified"' in render_badge(city, Role.TEACHER, city.students[0])
    assert render_badge(city, Role.STUDENT, city.students[0]).strip() == ""


def test_export_lists_the_problems_in_scope_with_masked_ids(city, city_registry, client_for):
    verify_all(city)
    r = client_for(Role.SCHOOL_ADMIN).get(reverse("identity:problems_export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # header + the two mismatches of school A1
    assert city.students[1].full_name in text and city.students[2].full_name in text
    assert city.students[1].personal_id not in text
    assert city.students[3].full_name not in text  # school A2


def test_export_never_starts_a_cell_with_a_formula(city, city_registry, client_for):
    from edudx.orgs.models import OrgUnit

    # The export writes through core.exports' one guard: a school named like a formula stays text.
    verify_all(city)
    OrgUnit.objects.filter(pk=city.schools[0].unit_id).update(name="=HYPERLINK(1)")
    text = b"".join(
        client_for(Role.SCHOOL_ADMIN).get(reverse("identity:problems_export")).streaming_content
    ).decode("utf-8-sig")
    rows = text.strip().splitlines()[1:]
    assert rows and all(r.startswith("'=HYPERLINK(1)") for r in rows)


def test_dashboard_card_counts_the_users_scope(city, city_registry):
    verify_all(city)
    request = RequestFactory().get("/")
    request.scope = city.scope_of(Role.SCHOOL_ADMIN)
    html = Template("{% load identity %}{% verification_summary %}").render(Context({"request": request}))
    assert 'data-testid="summary-verified">1 ' in html
    assert 'data-testid="summary-mismatch">2 ' in html
    request.scope = city.scope_of(Role.STUDENT)
    assert (
        Template("{% load identity %}{% verification_summary %}")
        .render(Context({"request": request}))
        .strip()
        == ""
    )


def test_badge_says_when_the_record_changed_after_the_check(city, city_registry):
    from edudx.registry import services as registry
    from edudx.registry.schemas import StudentPatch

    verify_all(city)
    student = city.students[0]
    assert "verification-stale" not in render_badge(city, Role.SCHOOL_ADMIN, student)
    registry.student_update(
        actor=city.actor_of(Role.DEPT_ADMIN), student=student, data=StudentPatch(full_name="Nguyễn Văn Ân")
    )
    assert 'data-testid="verification-stale"' in render_badge(city, Role.SCHOOL_ADMIN, student)
