"""Personal data is shown in full only where the reader may see it, row by row: a reader who
holds registry.view_pii at one school and only sees another (here a principal of A1 who also
serves as a ward officer of ward B) gets A1's IDs in full and B's masked, on every page and in the
API. Staff phones and e-mails follow the same rule."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from edudx.accounts import services as accounts
from edudx.core.actor import Actor
from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.core.rules.personal_id import mask, mask_email
from edudx.registry.models import Staff
from edudx.registry.views.common import phone_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hats(city) -> Client:
    user = city.users[Role.SCHOOL_ADMIN]
    accounts.membership_grant(
        actor=Actor.system(source="test"), user=user, role=Role.WARD_OFFICER, unit=city.wards[1]
    )
    c = Client()
    c.force_login(user)
    return c


def _own_and_foreign(city):
    own = [s for s in city.students if s.school_id == city.schools[0].pk]
    foreign = [s for s in city.students if s.school_id in (city.schools[2].pk, city.schools[3].pk)]
    return own, foreign


def test_student_list_unmasks_only_the_rows_of_schools_where_the_reader_may(city, two_hats):
    html = two_hats.get(reverse("registry:student_list")).content.decode()
    own, foreign = _own_and_foreign(city)
    assert own and foreign
    for s in own:
        assert s.personal_id in html
    for s in foreign:
        assert s.full_name in html  # listed …
        assert s.personal_id not in html  # … but masked
        assert mask(s.personal_id) in html


def test_staff_list_and_detail_and_api_mask_foreign_rows_and_contacts(city, two_hats):
    ids = {}
    for n, p in enumerate(city.staff):
        ids[p.pk] = personal_id.make("079", "female", 1985, 900 + n)
        Staff.objects.filter(pk=p.pk).update(
            phone="0912345678", email="le.giao@truong.edu.vn", personal_id=ids[p.pk]
        )
    own, foreign = city.staff[0], city.staff[2]
    html = two_hats.get(reverse("registry:staff_list")).content.decode()
    assert ids[own.pk] in html
    assert ids[foreign.pk] not in html and mask(ids[foreign.pk]) in html
    detail = two_hats.get(reverse("registry:staff_detail", kwargs={"staff_id": foreign.pk})).content.decode()
    assert "0912345678" not in detail and "le.giao@truong.edu.vn" not in detail
    # the page masks a phone as every page does (views.common.phone_for), the e-mail to a hint
    assert phone_for("0912345678", full=False) in detail and mask_email("le.giao@truong.edu.vn") in detail
    mine = two_hats.get(reverse("registry:staff_detail", kwargs={"staff_id": own.pk})).content.decode()
    assert "0912345678" in mine and "le.giao@truong.edu.vn" in mine
    items = {r["id"]: r for r in two_hats.get("/api/v1/registry/staff").json()["items"]}
    assert items[own.pk]["phone"] == "0912345678"
    assert items[foreign.pk]["phone"] == mask("0912345678")
    assert items[foreign.pk]["email"] == "l***@truong.edu.vn"


def test_mask_email_keeps_only_a_hint():
    assert mask_email("nguyen.an@hcm.edu.vn") == "n***@hcm.edu.vn"
    assert mask_email("") == ""
    assert mask_email("@x") == "***"


def test_staff_export_masks_contacts_of_rows_outside_the_readers_pii_scope(city, two_hats):
    Staff.objects.filter(pk__in=[p.pk for p in city.staff]).update(
        phone="0912345678", email="le.giao@truong.edu.vn"
    )
    body = b"".join(
        two_hats.get(reverse("registry:staff_export"), {"format": "csv"}).streaming_content
    ).decode()
    own_line = next(line for line in body.splitlines() if city.staff[0].full_name in line)
    foreign_line = next(line for line in body.splitlines() if city.staff[2].full_name in line)
    assert "0912345678" in own_line and "le.giao@truong.edu.vn" in own_line
    assert "0912345678" not in foreign_line and "le.giao@truong.edu.vn" not in foreign_line
    assert "l***@truong.edu.vn" in foreign_line
