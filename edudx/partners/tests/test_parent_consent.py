"""A parent gives and withdraws consent on their own phone through the school's link; the
withdrawal stops the flow at the app's next request and is a deletion in the feed."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from edudx.core.actor import Actor
from edudx.partners import services
from edudx.partners.models import Consent
from edudx.partners.oneroster.feed import latest_version

pytestmark = pytest.mark.django_db


def link_for(city, client_for, pupil) -> str:
    admin = client_for("school_admin")  # A1's administrator
    r = admin.post(f"/partners/pupils/{pupil.pk}/parent-link/")
    assert r.status_code == 200, r.status_code
    url = r.context["url"]
    return url[url.index("/partners/consent/") :]


def test_parent_link_opens_with_the_phone_digits_and_withdrawal_is_a_deletion(city, client_for):
    from .conftest import make_partner

    partner = make_partner(city, schools=((0, "consent"),))
    pupil = city.students[0]  # A1, born 2014: 12, answers too
    services.consent_set(
        actor=Actor.system(source="t"), app=partner.app, student=pupil, party="pupil", given=True
    )
    path = link_for(city, client_for, pupil)
    phone = Client()  # the parent's phone: no account
    page = phone.get(path)
    assert page.status_code == 200 and pupil.full_name not in page.content.decode()
    assert phone.post(path, {"digits": "0000"}).status_code == 422  # wrong: the form again
    assert pupil.full_name not in phone.get(path).content.decode()
    r = phone.post(path, {"digits": "4567"})  # the city's parent phone ends in 4567
    assert r.status_code == 302
    page = phone.get(path).content.decode()
    assert pupil.full_name in page and partner.app.name in page
    phone.post(path + "answer/", {"app": partner.app.pk, "given": "1"})
    consent = Consent.objects.get(app=partner.app, student=pupil, party="parent")
    assert consent.given and consent.channel == "link"
    assert partner.get(f"users/s{pupil.pk}").json()["user"]["status"] == "active"
    start = latest_version()
    phone.post(path + "answer/", {"app": partner.app.pk, "given": "0"})
    assert partner.get(f"users/s{pupil.pk}").json()["user"]["status"] == "tobedeleted"  # next request
    body = partner.http.get(
        "/partners/feed/v1/users", {"after": start}, HTTP_AUTHORIZATION=f"Bearer {partner.token}"
    ).json()
    assert [(c["sourcedId"], c["status"]) for c in body["changes"]] == [(f"s{pupil.pk}", "tobedeleted")]


def test_parent_link_refuses_forgery_other_apps_and_brute_force(city, client_for):
    from .conftest import make_partner

    partner = make_partner(city, schools=((0, "consent"),))
    other = make_partner(city, schools=((2, "consent"),), name="Ứng dụng B1")  # not the pupil's school
    pupil = city.students[0]
    path = link_for(city, client_for, pupil)
    token = path.split("/")[3]
    phone = Client()
    for bad in ("x", token[:-2] + "zz", signing.dumps({"s": city.students[6].pk}, salt="other"), "%00"):
        assert phone.get(f"/partners/consent/{bad}/").status_code == 404
    # an answer before the digits changes nothing
    assert phone.post(path + "answer/", {"app": partner.app.pk, "given": "1"}).status_code == 403
    assert not Consent.objects.filter(student=pupil).exists()
    for _ in range(5):
        phone.post(path, {"digits": "0000"})
    r = phone.post(path, {"digits": "4567"})  # right, but too many tries this hour
    assert r.status_code == 422 and pupil.full_name not in r.content.decode()
    assert pupil.full_name not in phone.get(path).content.decode()
    fresh = Client()
    fresh.post(link_for(city, client_for, city.students[1]), {"digits": "4567"})
    # an app of another school is not the parent's to answer
    fresh.post(link_for(city, client_for, city.students[1]) + "answer/", {"app": other.app.pk, "given": "1"})
    assert not Consent.objects.filter(app=other.app).exists()


def test_a_teacher_cannot_make_a_parent_link(city, client_for):
    r = client_for("teacher").post(f"/partners/pupils/{city.students[0].pk}/parent-link/")
    assert r.status_code in (302, 403, 404)
    assert not r.context or "url" not in r.context
