"""Login: Argon2-hashed passwords (tests use a fast hasher) and django-axes throttling."""

from __future__ import annotations

import pytest
from django.test import Client

from edudx.core.roles import Role
from edudx.core.testing.city import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _try(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def test_a_correct_password_logs_in(city):
    c = Client()
    response = _try(c, city.users[Role.TEACHER].username, PASSWORD)
    assert response.status_code == 302
    assert c.get("/accounts/tokens/").status_code == 200


def test_five_failures_lock_the_account_even_for_the_right_password(city, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    username = city.users[Role.TEACHER].username
    c = Client()
    for _ in range(4):
        assert _try(c, username, "wrong-password").status_code == 200  # the form again, with an error
    locked = _try(c, username, "wrong-password")
    assert locked.status_code == 429
    after = _try(c, username, PASSWORD)
    assert after.status_code == 429
    assert "_auth_user_id" not in c.session


def test_the_lock_is_per_username_so_others_still_log_in(city):
    c = Client()
    for _ in range(5):
        _try(c, city.users[Role.TEACHER].username, "wrong-password")
    assert _try(Client(), city.users[Role.VIEWER].username, PASSWORD).status_code == 302
