"""Home's figures come from the maintained per-school counts (edudx/web/aggregates.py): the
same numbers the registry counts live, a change shown within the minute, and "as of"."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from edudx.core.roles import Role
from edudx.registry import selectors as registry
from edudx.web.views import _figures


def test_home_sums_the_same_figures_the_registry_counts_live(city):
    for role in (Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN):
        scope = city.scope_of(role)
        data = _figures(scope)
        assert data["figures"] == registry.headline_figures(scope=scope), role
        assert data["by_level"] == registry.schools_by_level(scope=scope), role
        assert data["by_grade"] == registry.students_by_grade(scope=scope), role
        assert data["by_status"] == registry.students_by(scope=scope, field="status"), role
        assert data["as_of"] is not None


def test_a_new_pupil_shows_on_home_within_the_minute(city, client_for):
    from edudx.registry.models import Student

    scope = city.scope_of(Role.DEPT_OFFICER)
    first = _figures(scope)
    before = first["figures"]["students"]
    left = {r["status"]: r["n"] for r in first["by_status"]}.get("thoi_hoc", 0)
    pupil = Student.objects.filter(school=city.schools[0]).first()
    assert pupil is not None
    Student.objects.filter(pk=pupil.pk).update(status="thoi_hoc")  # another app's write: no touch
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        _figures(scope)  # stale: the refresh is queued (and runs, with the test's task backend)
        after = _figures(scope)
    assert after["figures"]["students"] == before
    statuses = {r["status"]: r["n"] for r in after["by_status"]}
    assert statuses.get("thoi_hoc", 0) == left + 1
    body = client_for(Role.DEPT_OFFICER).get(reverse("web:home")).content.decode()
    assert 'data-testid="figures-as-of"' in body
