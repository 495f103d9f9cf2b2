"""What an outsider types into the inventory forms: never a server error, nothing written,
another school's records out of reach."""

import pytest
from django.urls import reverse

from edudx.core.roles import Role
from edudx.infrastructure.models import Connection, Room


@pytest.mark.parametrize(
    "body",
    [
        {"code": "X\x00", "name": "nul", "kind": "classroom", "seats": "1"},
        {"code": "X1", "name": "big", "kind": "classroom", "seats": "99999999999999999999999"},
        {"code": "X2", "name": "neg", "kind": "classroom", "seats": "-5"},
        {"code": "X3", "name": "kind", "kind": "ballroom", "seats": "1"},
        {"code": "X4" * 40, "name": "long", "kind": "classroom", "seats": "1"},
        {"code": "", "name": "", "kind": "", "seats": ""},
        {},
    ],
)
def test_a_bad_room_form_is_answered_on_the_form(client_for, equipped, body):
    c = client_for(Role.SCHOOL_ADMIN)
    r = c.post(reverse("infrastructure:room_create", kwargs={"school_id": equipped["a1"].pk}), body)
    assert r.status_code == 200 and r.context["form"].errors
    names = ["nul", "big", "neg", "kind", "long"]
    assert not Room.objects.filter(school=equipped["a1"], name__in=names).exists()


def test_huge_and_foreign_ids_are_not_found_and_write_nothing(client_for, equipped):
    c = client_for(Role.SCHOOL_ADMIN)
    body = {"provider": "x", "kind": "fibre", "download_mbps": "1", "upload_mbps": "1", "wifi": "none"}
    for url in (
        "/infrastructure/schools/99999999999999999999/rooms/new/",
        "/infrastructure/rooms/9223372036854775808/edit/",
        reverse("infrastructure:connection_create", kwargs={"school_id": equipped["b1"].pk}),
    ):
        assert c.post(url, body).status_code == 404, url
    assert not Connection.objects.filter(provider="x").exists()
    too_fast = {**body, "provider": "y", "download_mbps": "4294967296"}
    url = reverse("infrastructure:connection_create", kwargs={"school_id": equipped["a1"].pk})
    r = c.post(url, too_fast)
    assert r.status_code == 200 and "download_mbps" in r.context["form"].errors
