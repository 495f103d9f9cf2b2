"""No oracle on masked data: a caller who sees personal IDs masked (079******806, beside
the birth date and gender) cannot confirm a full ID by searching for it, on any door."""

from __future__ import annotations

import pytest

from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.registry import selectors
from edudx.registry.filters import StaffFilter, StudentFilter

pytestmark = pytest.mark.django_db

# Readers of school A1's people who see IDs masked (no registry.view_pii).
MASKED_READERS = (Role.TEACHER, Role.WARD_OFFICER)


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """These tests send more searches than a person would; the throttle has its own tests."""
    settings.EDUDX_SEARCH_RATES = []
    settings.EDUDX_ID_SEARCH_RATES = []


def _absent_id(pid: str) -> str:
    """The same masked shape, a different number nobody in the city has."""
    return pid[:-1] + str((int(pid[-1]) + 5) % 10)


def _normalised(response, q: str) -> bytes:
    """The body with what differs between any two responses anyway: the query's echo, the CSP
    nonce and the CSRF token."""
    import re

    body = b"".join(response.streaming_content) if response.streaming else response.content
    body = body.replace(q.encode(), b"<Q>")
    body = re.sub(rb'(nonce="|Nonce": ")[A-Za-z0-9+/=_-]+', rb"\1", body)
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1", body)


def _api_ids(client, path: str, q: str) -> list[int]:
    r = client.get(path, {"q": q})
    assert r.status_code == 200, r.content
    return [row["id"] for row in r.json()["items"]]


@pytest.mark.parametrize("role", MASKED_READERS)
def test_the_outsiders_enumeration_of_the_hidden_digits_confirms_nothing(city, role):
    """What the outsider did (764 requests): try every value of the three hidden digits."""
    target = city.students[0]
    scope = city.scope_of(role)
    shown = personal_id.mask(target.personal_id)
    head, tail = shown[:6], shown[-3:]
    hits = []
    for n in range(1000):
        candidate = f"{head}{n:03d}{tail}"
        qs, _order = selectors.student_list(scope=scope, filters=StudentFilter(q=candidate))
        if qs.exists():
            hits.append(candidate)
    assert hits == []


@pytest.mark.parametrize("role", MASKED_READERS)
def test_masked_readers_get_the_same_answer_for_a_real_id_as_for_one_nobody_has(city, client_for, role):
    target = city.students[0]  # school A1: in both readers' scope
    staff = city.staff[0]
    staff.personal_id = personal_id.make("079", "female", 1985, 4242)
    staff.save(update_fields=["personal_id"])
    c = client_for(role)
    real, absent = target.personal_id, _absent_id(target.personal_id)
    # The API lists.
    assert (
        _api_ids(c, "/api/v1/registry/students", real)
        == _api_ids(c, "/api/v1/registry/students", absent)
        == []
    )
    assert _api_ids(c, "/api/v1/registry/staff", staff.personal_id) == []
    # The HTML lists (full page and the htmx table), the exports and the identity dashboard.
    for path in ("/registry/students/", "/registry/students/export/", "/identity/"):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            found = c.get(path, {"q": real}, **headers)
            nothing = c.get(path, {"q": absent}, **headers)
            assert found.status_code == nothing.status_code == 200
            body = _normalised(found, real)
            assert target.full_name.encode() not in body, path
            assert body == _normalised(nothing, absent), path  # byte for byte the same answer
    staff_page = c.get("/registry/staff/", {"q": staff.personal_id})
    assert staff.full_name.encode() not in staff_page.content
    # The record is there all the same: searched by name, the reader finds it.
    assert target.pk in _api_ids(c, "/api/v1/registry/students", target.full_name)


@pytest.mark.parametrize("role", [Role.DEPT_OFFICER, Role.DEPT_ADMIN, Role.SCHOOL_ADMIN])
def test_readers_with_view_pii_still_find_a_pupil_by_personal_id(city, client_for, role):
    target = city.students[0]
    c = client_for(role)
    assert _api_ids(c, "/api/v1/registry/students", target.personal_id) == [target.pk]
    page = c.get("/registry/students/", {"q": target.personal_id})
    assert target.full_name in page.content.decode()


def test_a_reader_with_view_pii_in_one_school_matches_ids_in_that_school_only(city):
    """A school admin of A1 who teaches in B1 too: IDs match in A1, not in B1."""
    from edudx.accounts import services as accounts
    from edudx.core.actor import Actor

    user = city.users[Role.SCHOOL_ADMIN]
    accounts.membership_grant(actor=Actor.system(source="test"), user=user, role=Role.TEACHER,
                              unit=city.schools[2].unit)  # fmt: skip
    scope = city.scope_of(Role.SCHOOL_ADMIN)
    in_a1, in_b1 = city.students[0], city.students[6]
    assert in_b1.school_id == city.schools[2].pk
    for pupil, expected in ((in_a1, [in_a1.pk]), (in_b1, [])):
        qs, _order = selectors.student_list(scope=scope, filters=StudentFilter(q=pupil.personal_id))
        assert list(qs.values_list("pk", flat=True)) == expected
    # Both pupils are still found by their MOET code, which nobody sees masked.
    for pupil in (in_a1, in_b1):
        qs, _order = selectors.student_list(scope=scope, filters=StudentFilter(q=pupil.moet_code))
        assert list(qs.values_list("pk", flat=True)) == [pupil.pk]


def test_staff_ids_are_not_matched_for_masked_readers(city):
    staff = city.staff[0]
    staff.personal_id = personal_id.make("079", "female", 1985, 4243)
    staff.save(update_fields=["personal_id"])
    for role, expected in ((Role.TEACHER, []), (Role.DEPT_OFFICER, [staff.pk])):
        qs, _order = selectors.staff_list(scope=city.scope_of(role), filters=StaffFilter(q=staff.personal_id))
        assert list(qs.values_list("pk", flat=True)) == expected
