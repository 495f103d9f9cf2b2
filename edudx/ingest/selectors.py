"""Reads of import runs, through the caller's Scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from .models import ImportRun
from .permissions import RUN


def run_list(*, scope: Scope) -> QuerySet[ImportRun]:
    q = scope.filter_q(RUN, "unit_path")
    if scope.user_id is not None:
        q |= Q(user_id=scope.user_id)
    return ImportRun.objects.filter(q).order_by("-created_at", "-id")


def run_get(*, scope: Scope, run_id: int) -> ImportRun:
    run = run_list(scope=scope).filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run
