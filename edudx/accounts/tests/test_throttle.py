"""Searches are throttled per user on every door (HTML, htmx, API by session or token); a
clear 429 with Retry-After past the limit; the counters are shared by processes."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client

from edudx.core.actor import Actor
from edudx.core.roles import Role

pytestmark = pytest.mark.django_db

STUDENTS = "/registry/students/"
API_STUDENTS = "/api/v1/registry/students"


@pytest.fixture(autouse=True)
def _fresh_counters():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def one_window():
    """The clock stands still: django-ratelimit counts in fixed windows, and a test whose
    requests straddled a window's end (1 in 60 for a per-minute rate, more on a busy machine)
    would see its count start again and no 429."""
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        yield


def test_defaults_leave_a_person_room_and_make_an_enumeration_take_days():
    from django_ratelimit.core import _split_rate

    from config.settings import base as settings  # the defaults (tests run without throttling)

    per_minute = [_split_rate(r) for r in settings.EDUDX_SEARCH_RATES]
    assert per_minute
    assert all(n / seconds * 60 >= 30 for n, seconds in per_minute)  # ≥ one search per 2 s
    id_rates = [_split_rate(r) for r in settings.EDUDX_ID_SEARCH_RATES]
    # The fastest way through 1,000 ID lookups under every limit at once.
    slowest = max((1000 // n) * seconds for n, seconds in id_rates)
    assert slowest >= 3 * 24 * 3600


def test_searches_past_the_limit_get_a_vietnamese_429_with_retry_after(
    city, client_for, settings, one_window
):
    settings.EDUDX_SEARCH_RATES = ["3/m"]
    c = client_for(Role.TEACHER)
    for _ in range(3):
        assert c.get(STUDENTS, {"q": "nguyen"}).status_code == 200
    limited = c.get(STUDENTS, {"q": "tran"})
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60 + 2
    html = limited.content.decode()
    assert "Bạn đã tìm kiếm quá nhiều lần" in html
    assert "rate_limited" in html
    # The htmx live search is the same door; it gets the message alone, to show in place of
    # the results.
    live = c.get(STUDENTS, {"q": "an"}, HTTP_HX_REQUEST="true")
    assert live.status_code == 429 and live["Retry-After"]
    assert 'data-testid="rate-limited"' in live.content.decode() and "<html" not in live.content.decode()
    # Lists without a search are not counted, and another user has their own budget.
    assert c.get(STUDENTS).status_code == 200
    assert client_for(Role.WARD_OFFICER).get(STUDENTS, {"q": "nguyen"}).status_code == 200


def test_the_api_answers_its_own_error_body(city, client_for, settings, one_window):
    settings.EDUDX_SEARCH_RATES = ["2/m"]
    c = client_for(Role.WARD_OFFICER)
    assert c.get(API_STUDENTS, {"q": "an"}).status_code == 200
    assert c.get(API_STUDENTS, {"q": "binh"}).status_code == 200
    limited = c.get(API_STUDENTS, {"q": "chau"})
    assert limited.status_code == 429
    assert limited["Content-Type"].startswith("application/json")
    assert int(limited["Retry-After"]) >= 1
    body = limited.json()
    assert body["error"]["code"] == "rate_limited"
    assert body["error"]["message"]
    assert body["error"]["details"] == []


def test_id_shaped_searches_have_a_tighter_budget_shared_by_session_and_token(
    city, client_for, settings, one_window
):
    from edudx.accounts import services

    settings.EDUDX_SEARCH_RATES = ["100/m"]
    settings.EDUDX_ID_SEARCH_RATES = ["3/h"]
    user = city.users[Role.TEACHER]
    _token, key = services.token_create(actor=Actor(user=user, scope=city.scope_of(Role.TEACHER)), user=user,
                                        name="t")  # fmt: skip
    session = client_for(Role.TEACHER)
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert session.get(STUDENTS, {"q": "079214000001"}).status_code == 200
    assert bearer.get(API_STUDENTS, {"q": "079214000002"}).status_code == 200
    assert session.get(API_STUDENTS, {"q": "079214000003"}).status_code == 200
    # The fourth ID lookup by this person, whichever the door, is refused for an hour or so.
    limited = bearer.get(API_STUDENTS, {"q": "079214000004"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    # Until the end of the hourly window (django-ratelimit places each key's window
    # boundary by a hash of the key, so it may be near); the minute budget is not spent.
    assert 1 <= int(limited["Retry-After"]) <= 3600 + 2
    assert session.get(STUDENTS, {"q": "079214000005"}).status_code == 429
    # Names are still searchable: only the ID budget is spent.
    assert session.get(STUDENTS, {"q": "nguyen"}).status_code == 200


def test_anonymous_searches_are_counted_by_client_address(city, settings, one_window):
    settings.EDUDX_SEARCH_RATES = ["2/m"]
    a, b = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert a.get(API_STUDENTS, {"q": "x"}).status_code == 401
    assert a.get(API_STUDENTS, {"q": "x"}).status_code == 401
    assert a.get(API_STUDENTS, {"q": "x"}).status_code == 429
    assert b.get(API_STUDENTS, {"q": "x"}).status_code == 401


def test_an_invalid_token_does_not_borrow_a_users_budget(city, settings, one_window):
    settings.EDUDX_SEARCH_RATES = ["1/m"]
    c = Client(HTTP_AUTHORIZATION="Bearer edx_not-a-token", REMOTE_ADDR="192.0.2.9")
    assert c.get(API_STUDENTS, {"q": "x"}).status_code == 401
    assert c.get(API_STUDENTS, {"q": "x"}).status_code == 429


# ----- the shared counter store
def _count(directory: str, n: int) -> None:
    from edudx.core.cache import LockedFileBasedCache

    cache = LockedFileBasedCache(directory, {})
    for _ in range(n):
        if not cache.add("k", 1, 60):
            cache.incr("k")


def test_the_file_cache_counts_every_increment_across_threads_and_processes(tmp_path):
    from edudx.core.cache import LockedFileBasedCache

    directory = str(tmp_path / "cache")
    threads = [threading.Thread(target=_count, args=(directory, 40)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_count, [directory] * 2, [40] * 2))
    assert LockedFileBasedCache(directory, {}).get("k") == 6 * 40


def test_the_settings_give_the_throttle_a_cache_shared_across_processes():
    from django.conf import settings

    from config.settings import base

    assert settings.RATELIMIT_USE_CACHE == "shared"
    assert base.CACHES["shared"]["BACKEND"] == "edudx.core.cache.LockedFileBasedCache"
    assert str(base.VAR_DIR) in base.CACHES["shared"]["LOCATION"]
