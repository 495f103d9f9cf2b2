"""School years: created, made current and closed with history; exactly one current year,
chosen explicitly; from the console (`edudx school_year`) and the department's page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.registry import services
from edudx.registry.models import SchoolYear

pytestmark = pytest.mark.django_db
D = dt.date


def _years() -> dict[str, tuple[bool, bool]]:
    return {y.code: (y.is_current, y.closed_at is not None) for y in SchoolYear.objects.all()}


def test_creating_a_year_leaves_the_current_one_alone_unless_told(city):
    admin = city.actor_of(Role.DEPT_ADMIN)
    year = services.school_year_create(
        actor=admin, code="2026-2027", start_date=D(2026, 9, 5), end_date=D(2027, 5, 31)
    )
    assert _years() == {"2025-2026": (True, False), "2026-2027": (False, False)}
    assert entries_for(year)[0].changes["code"] == [None, "2026-2027"]
    services.school_year_set_current(actor=admin, year=year)
    assert _years() == {"2025-2026": (False, False), "2026-2027": (True, False)}
    assert entries_for(year)[0].changes == {"is_current": [False, True]}
    assert entries_for(city.year)[0].changes == {"is_current": [True, False]}


def test_a_closed_year_is_never_current_again_and_the_current_year_cannot_be_closed(city):
    admin = city.actor_of(Role.DEPT_ADMIN)
    with pytest.raises(Conflict) as exc:
        services.school_year_close(actor=admin, year=city.year)
    assert exc.value.code == "school_year_is_current"
    services.school_year_create(
        actor=admin, code="2026-2027", start_date=D(2026, 9, 5), end_date=D(2027, 5, 31), is_current=True
    )
    services.school_year_close(actor=admin, year=city.year)
    services.school_year_close(actor=admin, year=city.year)  # again: nothing changes
    assert _years() == {"2025-2026": (False, True), "2026-2027": (True, False)}
    assert [e.operation for e in entries_for(city.year)].count("school_year_close") == 1
    with pytest.raises(Conflict) as exc:
        services.school_year_set_current(actor=admin, year=city.year)
    assert exc.value.code == "school_year_closed"


@pytest.mark.parametrize(
    ("code", "start", "end", "error"),
    [
        ("2026-2028", D(2026, 9, 5), D(2027, 5, 31), "school_year_code_invalid"),
        ("26-27", D(2026, 9, 5), D(2027, 5, 31), "school_year_code_invalid"),
        ("2026-2027", D(2027, 5, 31), D(2026, 9, 5), "school_year_dates_invalid"),
        ("2026-2027", D(2025, 9, 5), D(2027, 5, 31), "school_year_dates_invalid"),
        ("2025-2026", D(2025, 9, 5), D(2026, 5, 31), "school_year_exists"),
    ],
)
def test_a_wrong_year_is_refused_with_its_code(city, code, start, end, error):
    with pytest.raises((ValidationFailed, Conflict)) as exc:
        services.school_year_create(actor=Actor.system(), code=code, start_date=start, end_date=end)
    assert exc.value.code == error
    assert set(_years()) == {"2025-2026"}


@pytest.mark.parametrize("role", [Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN])
def test_only_the_department_administrators_manage_years(city, role):
    with pytest.raises(PermissionDenied):
        services.school_year_create(
            actor=city.actor_of(role), code="2026-2027", start_date=D(2026, 9, 5), end_date=D(2027, 5, 31)
        )
    with pytest.raises(PermissionDenied):
        services.school_year_close(actor=city.actor_of(role), year=city.year)


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("school_year", *args, stdout=out)
    return out.getvalue()


def test_the_console_creates_lists_switches_and_closes_years(db):
    assert "no school year yet" in _cli("list")
    assert _cli("create", "2026-2027", "--start", "2026-09-05", "--end", "2027-05-31", "--current") == (
        "created 2026-2027 (current)\n"
    )
    _cli("create", "2027-2028", "--start", "05/09/2027", "--end", "31/05/2028")
    assert _years() == {"2026-2027": (True, False), "2027-2028": (False, False)}
    _cli("set-current", "2027-2028")
    _cli("close", "2026-2027")
    listing = _cli("list")
    assert "2026-2027  05/09/2026 – 31/05/2027  closed" in listing
    assert "2027-2028  05/09/2027 – 31/05/2028  current" in listing
    with pytest.raises(CommandError, match="school_year_closed"):
        _cli("set-current", "2026-2027")
    with pytest.raises(CommandError, match="school_year_not_found"):
        _cli("close", "2030-2031")
    with pytest.raises(CommandError, match="school_year_exists"):
        _cli("create", "2027-2028", "--start", "2027-09-05", "--end", "2028-05-31")


def test_the_page_is_the_department_administrators(city, client_for):
    admin = client_for(Role.DEPT_ADMIN)
    page = admin.get("/registry/years/")
    assert page.status_code == 200 and "2025-2026" in page.content.decode()
    r = admin.post(
        "/registry/years/new/",
        {"code": "2026-2027", "start_date": "05/09/2026", "end_date": "31/05/2027"},
    )
    assert r.status_code == 302
    new = SchoolYear.objects.get(code="2026-2027")
    bad = admin.post(
        "/registry/years/new/", {"code": "2026-2027", "start_date": "05/09/2026", "end_date": "31/05/2027"}
    )
    assert bad.status_code == 422 and "đã có" in bad.content.decode()
    assert admin.post(f"/registry/years/{city.year.pk}/close/").status_code == 409
    assert admin.post(f"/registry/years/{new.pk}/current/").status_code == 302
    assert admin.post(f"/registry/years/{city.year.pk}/close/").status_code == 302
    assert _years() == {"2025-2026": (False, True), "2026-2027": (True, False)}
    for role in (Role.DEPT_OFFICER, Role.SCHOOL_ADMIN, Role.WARD_OFFICER):
        other = client_for(role)
        assert other.get("/registry/years/").status_code == 403
        assert other.post(f"/registry/years/{new.pk}/close/").status_code == 403
    assert _years() == {"2025-2026": (False, True), "2026-2027": (True, False)}
