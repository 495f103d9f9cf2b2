"""Reads of background exports: a job is its owner's alone (anyone else gets NotFound)."""

from __future__ import annotations

from django.db.models import QuerySet

from edudx.core.errors import NotFound
from edudx.core.ids import DB_INT_MAX
from edudx.core.scope import Scope

from .models import ExportJob

LIST_SIZE = 50


def job_get(*, scope: Scope, pk: int) -> ExportJob:
    # A path's <int:…> takes a number of any length: a bigger one is nobody's job.
    if scope.user_id is None or not 0 < pk <= DB_INT_MAX:
        raise NotFound()
    try:
        return ExportJob.objects.get(pk=pk, owner_id=scope.user_id)
    except (ExportJob.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound() from exc


def job_list(*, scope: Scope) -> QuerySet[ExportJob]:
    """The caller's own exports, newest first."""
    return ExportJob.objects.filter(owner_id=scope.user_id).order_by("-created_at", "-id")[:LIST_SIZE]
