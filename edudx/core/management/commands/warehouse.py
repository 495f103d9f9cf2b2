"""edudx warehouse [refresh|rebuild|status] [DATASET …] — the analytics warehouse's Parquet
snapshots (core.warehouse): append what is new, export a dataset again, or show freshness."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from edudx.core import warehouse


class Command(BaseCommand):
    help = "Refresh, rebuild or show the analytics warehouse's Parquet snapshots."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("refresh", "rebuild", "status"))
        parser.add_argument("datasets", nargs="*", help="dataset names (default: all)")

    def handle(self, *args, action, datasets, **options):
        known = warehouse.names()
        for name in datasets:
            if name not in known:
                raise CommandError(f"unknown dataset {name!r}; known: {', '.join(known)}")
        for name in datasets or known:
            started = time.monotonic()
            if action == "refresh":
                n = warehouse.refresh(name)
                self.stdout.write(f"{name}: {n:,} rows appended in {time.monotonic() - started:.1f} s")
            elif action == "rebuild":
                n = warehouse.rebuild(name)
                self.stdout.write(f"{name}: {n:,} rows exported in {time.monotonic() - started:.1f} s")
            else:
                f = warehouse.freshness(name)
                state = "up to date" if f.up_to_date else f"behind (database at id {f.latest:,})"
                self.stdout.write(f"{name}: warehouse at id {f.high_water:,}, {state}")
