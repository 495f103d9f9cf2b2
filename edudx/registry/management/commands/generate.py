"""`edudx generate`: the demo city as the sector's spreadsheets (import benchmarks)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from edudx.registry.demo import city, export


class Command(BaseCommand):
    # Writes files only: it must not depend on every module's URLs importing cleanly.
    requires_system_checks: list[str] = []
    help = (
        "Write the synthetic city (the same one `edudx demo` loads) as CSV files in the sector's "
        "style — schools, classes, students (C1-HocSinh), staff — plus per-school XLSX for small sizes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(city.SIZES), default="small")
        parser.add_argument("--out", required=True, type=Path, help="Directory to write into.")
        parser.add_argument("--seed", type=int, default=2025)
        xlsx = parser.add_mutually_exclusive_group()
        xlsx.add_argument(
            "--xlsx", dest="xlsx", action="store_true", default=None, help="Per-school XLSX too."
        )
        xlsx.add_argument("--no-xlsx", dest="xlsx", action="store_false", help="CSV files only.")

    def handle(self, *args, scale, out, seed, xlsx, **options):
        started = time.monotonic()

        def log(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")

        log(f"writing the {scale} city (seed {seed}) to {out}")
        counts = export.generate(scale, out, seed=seed, xlsx=xlsx, log=log)
        for name, n in counts.items():
            self.stdout.write(f"  {name:<14} {n:>10,} {'workbooks' if name == 'xlsx' else 'rows'}")
