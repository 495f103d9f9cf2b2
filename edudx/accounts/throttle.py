"""Searches and lookups are throttled per user (django-ratelimit over a cache every server
process shares, `edudx.core.cache`).

A search is any request carrying a value in one of settings.EDUDX_SEARCH_PARAMS (`q` on
every list of the HTML UI and the API). Every search counts against
EDUDX_SEARCH_RATES; one that looks like a personal ID (a run of 9 or more digits) also
counts against the tighter EDUDX_ID_SEARCH_RATES. The defaults (60 a minute; IDs 100 an
hour and 300 a day) sit far above what a person types — a live search sends a request per
pause in typing — while a 1,000-lookup enumeration of a masked ID's hidden digits would
take more than three days of one account's budget. Callers who see IDs masked cannot
match them at all (registry.selectors); the throttle is the second wall, for every door
at once, this one included for doors not yet written.

The caller is the logged-in user, else the user of a valid API token, else the client's
address (accounts.network: X-Forwarded-For believed from our own proxies only).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from edudx.core.errors import DomainError

from .network import client_ip

log = logging.getLogger("edudx.throttle")

ID_LIKE = re.compile(r"\d{9,}")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many searches in a short time. Please wait a few minutes and try again.")

    def __init__(self, retry_after: int, template=None):
        minutes = max(1, math.ceil(retry_after / 60))
        template = template or _(
            "Too many searches in a short time. Please wait %(minutes)s minute(s) and try again."
        )
        super().__init__(template % {"minutes": minutes})
        self.retry_after = retry_after


def search_text(request) -> str:
    """The searched values of this request ("" when it searches nothing)."""
    if request.method not in ("GET", "HEAD"):
        return ""
    params = request.GET
    return " ".join(v for name in settings.EDUDX_SEARCH_PARAMS for v in params.getlist(name) if v.strip())


def caller_key(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        from .services import token_user_id

        user_id = token_user_id(header[7:].strip())
        if user_id is not None:
            return f"user:{user_id}"
    return "ip:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]


def check(request, text: str) -> None:
    """Count one search by this request's caller; raise RateLimited past a limit."""
    key = caller_key(request)
    buckets = [("search", r) for r in settings.EDUDX_SEARCH_RATES]
    if ID_LIKE.search(text):
        buckets += [("id-search", r) for r in settings.EDUDX_ID_SEARCH_RATES]
    retry_after = 0
    for group, rate in buckets:
        usage = get_usage(request, group=group, key=lambda _g, _r: key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            retry_after = max(retry_after, usage["time_left"], 1)
    if retry_after:
        log.warning("search throttled: %s on %s, retry after %ss", key, request.path, retry_after)
        raise RateLimited(retry_after)
