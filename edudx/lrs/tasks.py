"""Background jobs of the LRS."""

from __future__ import annotations

from django_tasks import task

from edudx.core import warehouse

from . import warehouse as lrs_warehouse


@task()
def warehouse_refresh() -> int:
    """Append the statements stored since the last export to the analytics warehouse."""
    return warehouse.refresh(lrs_warehouse.NAME)
