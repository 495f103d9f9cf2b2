"""Fixtures for browser tests: the test city in a database a live server can see."""

import pytest


@pytest.fixture
def browser_context_args(browser_context_args):
    # A browser set up in Vietnam: Vietnamese first (LocaleMiddleware follows Accept-Language
    # until the user picks a language with the switch).
    return {**browser_context_args, "locale": "vi-VN"}


@pytest.fixture(autouse=True)
def _server_quiet_before_flush(transactional_db, page):
    """Torn down before the database flush (it is set up after transactional_db): close the
    page so the browser sends nothing more, then let the live server finish what it serves.
    Under load a late request (a preview, a suggestion) could otherwise still be reading when
    the flush empties the tables, and SQLite refuses: "database table is locked"."""
    yield
    from edudx.core.testing import inflight

    page.close()
    assert inflight.wait_idle(timeout=30), "the live server is still serving a request after 30 s"


@pytest.fixture
def live_city(transactional_db):
    """The shared test city, committed so the live server's thread sees it."""
    from edudx.core.testing.city import build_city

    return build_city()


@pytest.fixture
def login(live_server, page):
    """login(username) logs in through the login form and lands on the overview."""
    from edudx.core.testing.city import PASSWORD

    def do(username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do
