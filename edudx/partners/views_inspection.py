"""The access log exported for an inspection (#17 item 6): who received which school's data,
when, through which door, how many records, which fields, on what legal basis."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from edudx.core.exports import csv_response, dated
from edudx.core.scope import Scope

from . import selectors


def _day(value: str) -> dt.date | None:
    try:
        return parse_date(value[:10])
    except ValueError:  # well formed but impossible: 2026-13-45
        return None


@login_required
def usage_export(request: HttpRequest) -> StreamingHttpResponse:
    """The access log as CSV for an inspection (?from=YYYY-MM-DD&to=YYYY-MM-DD, default the last
    90 days), over the caller's schools."""
    scope: Scope = request.scope  # type: ignore[attr-defined]
    today = timezone.localdate()
    start = _day(request.GET.get("from", "")) or today - dt.timedelta(days=90)
    end = _day(request.GET.get("to", "")) or today
    rows = selectors.access_log_rows(scope=scope, start=start, end=end)
    headers = [
        _("Time"), _("Company"), _("App"), _("Client"), _("School code"), _("School"), _("Legal basis"),
        _("Door"), _("Status"), _("Records"), _("Fields"), _("People's data"),
    ]  # fmt: skip
    return csv_response(name=dated("partner-access-log", "csv"), headers=headers, rows=rows)
