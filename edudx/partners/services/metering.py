"""The partner access log: one row per request, written by the OneRoster doors."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from ..models import AccessLog, PartnerClient


def request_log(
    *,
    client: PartnerClient,
    endpoint: str,
    query: str,
    status: int,
    per_school: dict[int, int],
    fields: Iterable[str],
    people: bool,
) -> None:
    """Written by the system for every partner request (no history entry: this is the log):
    one row per school the answer drew records from, or one row without a school."""
    at = timezone.now()
    names = sorted(set(fields))
    common = {
        "at": at,
        "client": client,
        "app_id": client.app_id,
        # The caller's path and query as sent, less NULs (PostgreSQL cannot store one).
        "endpoint": endpoint.replace("\x00", "")[:200],
        "query": query.replace("\x00", "")[:500],
        "status": status,
        "fields": names,
        "people": people,
    }
    rows = [AccessLog(school_id=s, records=n, **common) for s, n in sorted(per_school.items())]
    AccessLog.objects.bulk_create(rows or [AccessLog(school_id=None, records=0, **common)])
