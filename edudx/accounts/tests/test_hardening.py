"""Accounts hardening: the client address behind our proxy, a login lockout one person cannot
turn against everyone, password change and reset by e-mail, the Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client, RequestFactory

from edudx.accounts.network import client_ip
from edudx.core.roles import Role
from edudx.core.testing.city import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# ----- client address
def test_x_forwarded_for_is_ignored_unless_a_trusted_proxy_sent_it(settings):
    settings.EDUDX_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    settings.EDUDX_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"  # not our proxy


def test_behind_our_proxies_the_client_is_the_right_most_address_not_ours(settings):
    settings.EDUDX_TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.1"]
    assert client_ip(_request(PROXY, "198.51.100.1")) == "198.51.100.1"
    # Two proxies of ours in a row.
    assert client_ip(_request(PROXY, "198.51.100.1, 192.168.1.1")) == "198.51.100.1"
    # A client that writes its own X-Forwarded-For cannot choose its address: our proxy
    # appended the real one on the right.
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    # Garbage, or nothing, leaves the last address we can vouch for.
    assert client_ip(_request(PROXY, "not-an-ip")) == PROXY
    assert client_ip(_request(PROXY)) == PROXY
    assert client_ip(_request(PROXY, "[2001:db8::1]:5000")) == "2001:db8::1"


def test_axes_uses_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address

    settings.EDUDX_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert get_client_ip_address(_request(PROXY, "198.51.100.1")) == "198.51.100.1"


# ----- lockout
def _login(username: str, password: str, client_address: str):
    return Client().post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_one_person_behind_the_proxy_cannot_lock_everyone_out(city, settings):
    settings.EDUDX_TRUSTED_PROXIES = ["10.0.0.0/8"]
    victim = city.users[Role.TEACHER].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(victim, "wrong-password", "198.51.100.66")
    # The attacker's address is held for this account, even with the right password...
    assert _login(victim, PASSWORD, "198.51.100.66").status_code == 429
    # ...the owner, behind the same proxy at another address, still logs in...
    assert _login(victim, PASSWORD, "198.51.100.10").status_code == 302
    # ...and the lock is not on the address either: other accounts from it still work.
    assert _login(city.users[Role.VIEWER].username, PASSWORD, "198.51.100.66").status_code == 302


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_lock(city, settings):
    settings.EDUDX_TRUSTED_PROXIES = []
    victim = city.users[Role.TEACHER].username
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(victim, "wrong-password", f"198.51.100.{i}")
    assert _login(victim, PASSWORD, "198.51.100.200").status_code == 429


# ----- passwords
def test_a_logged_in_user_changes_their_password(city, client_for):
    c = client_for(Role.TEACHER)
    page = c.get("/accounts/password/")
    assert page.status_code == 200
    assert "Đổi mật khẩu" in page.content.decode()
    wrong = c.post(
        "/accounts/password/", {"old_password": "nope", "new_password1": "x", "new_password2": "x"}
    )
    assert wrong.status_code == 200 and 'class="invalid-feedback"' in wrong.content.decode()
    new = "Một-mật-khẩu-mới-2026"
    done = c.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/done/"
    assert "Đã đổi mật khẩu" in c.get(done["Location"]).content.decode()
    user = city.users[Role.TEACHER]
    user.refresh_from_db()
    assert user.check_password(new)
    assert Client().get("/accounts/password/").status_code == 302  # to the login page


def test_password_reset_by_e_mail_in_vietnamese(city):
    user = city.users[Role.TEACHER]
    user.email = "giaovien@example.edu.vn"
    user.save(update_fields=["email"])
    c = Client()
    assert "Quên mật khẩu?" in c.get(LOGIN).content.decode()
    sent = c.post("/accounts/password/reset/", {"email": user.email})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "edudx: đặt mật khẩu mới"
    assert "Xin chào" in message.body and user.username in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form = c.get(link, follow=True)
    assert form.status_code == 200 and 'data-testid="password-reset-confirm-form"' in form.content.decode()
    new = "Mật-khẩu-đặt-lại-2026"
    done = c.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password(new)
    # The link works once.
    spent = c.get(link, follow=True)
    assert spent.status_code == 404 and 'data-testid="password-reset-invalid"' in spent.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(city):
    sent = Client().post("/accounts/password/reset/", {"email": "nobody@example.edu.vn"})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_requests_are_limited_per_client_address(city, settings):
    caches["shared"].clear()
    settings.EDUDX_PASSWORD_RESET_RATES = ["2/h"]
    c = Client(REMOTE_ADDR="198.51.100.3")
    for _ in range(2):
        assert c.post("/accounts/password/reset/", {"email": "a@example.edu.vn"}).status_code == 302
    limited = c.post("/accounts/password/reset/", {"email": "a@example.edu.vn"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert "quá nhiều yêu cầu đặt lại mật khẩu" in limited.content.decode()
    assert (
        Client(REMOTE_ADDR="198.51.100.4").post("/accounts/password/reset/", {"email": "a@x.vn"}).status_code
        == 302
    )
    caches["shared"].clear()


def test_guesses_of_the_current_password_are_limited_per_user(city, client_for, settings):
    caches["shared"].clear()
    settings.EDUDX_PASSWORD_CHANGE_RATES = ["3/h"]
    c = client_for(Role.TEACHER)
    guess = {
        "old_password": "guess",
        "new_password1": "Một-mật-khẩu-mới-2026",
        "new_password2": "Một-mật-khẩu-mới-2026",
    }
    for _ in range(3):
        assert c.post("/accounts/password/", guess).status_code == 200  # the form, with its error
    limited = c.post("/accounts/password/", {**guess, "old_password": PASSWORD})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert "Đã thử đổi mật khẩu quá nhiều lần" in limited.content.decode()
    user = city.users[Role.TEACHER]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # the right guess came too late
    assert client_for(Role.VIEWER).get("/accounts/password/").status_code == 200
    caches["shared"].clear()
