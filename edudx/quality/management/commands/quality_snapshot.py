"""edudx quality_snapshot — keep today's data-quality scores (the scorecards' trend); run daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from edudx.quality.services import rules


class Command(BaseCommand):
    help = "Keep today's data-quality scores of every school, ward, cluster and the city (the trend)."

    def handle(self, *args: Any, **options: Any) -> None:
        n = rules.snapshot_take()
        self.stdout.write(f"{n} scorecards kept for today")
