"""Recompute maintained aggregates now (`./run` does it before serving, so no first visitor
waits for the city-wide count; edudx/core/aggregates.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edudx.core import aggregates


class Command(BaseCommand):
    help = "Recompute the maintained aggregates (all, or the names given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help=f"of: {', '.join(aggregates.names()) or '—'}")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in options["names"] or aggregates.names():
            n = aggregates.refresh(name)
            if options["verbosity"]:
                self.stdout.write(f"{name}: {n} figures")
