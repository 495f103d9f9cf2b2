"""Background jobs of core: keeping maintained aggregates current (edudx/core/aggregates.py)."""

from __future__ import annotations

from django.core.cache import caches
from django_tasks import task

from . import aggregates


@task()
def refresh_aggregate(name: str) -> int:
    """Recompute every figure of one aggregate (queued by a read that found them stale)."""
    try:
        return aggregates.refresh(name)
    finally:
        caches["shared"].delete(f"aggregate-refresh:{name}")
