"""Requests in flight on the live test server, so a browser test's teardown can wait for the
last one to finish before the database is flushed (SQLite's shared in-memory database refuses
to empty a table another thread is still reading: "database table is locked")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_active = 0
_changed = threading.Condition()


class InflightMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _active
        with _changed:
            _active += 1
        try:
            return self.get_response(request)
        finally:
            with _changed:
                _active -= 1
                _changed.notify_all()


def wait_idle(timeout: float = 15.0) -> bool:
    """True once no request is being served (False if `timeout` passed first)."""
    deadline = time.monotonic() + timeout
    with _changed:
        while _active:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _changed.wait(left)
    return True
