"""edudx dedupe [--kind students|staff] [--export pairs.csv] | --file F — duplicate persons."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edudx.core.actor import Actor, Via
from edudx.core.errors import DomainError
from edudx.quality import services


class Command(BaseCommand):
    help = (
        "Find duplicate persons across the city with Splink (DuckDB): over the registry (a new model "
        "version is trained on the data by EM and stored, the candidate pairs are stored for review), "
        "or over a spreadsheet before it is imported (--file: pairs inside the file and between the file "
        "and the registry, rows with validation errors included). --export writes the pairs as CSV: "
        "school_code_a,student_code_a,school_code_b,student_code_b,probability (staff: staff_code_*); "
        "no personal ID is ever written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=["students", "staff"], default="students")
        parser.add_argument(
            "--file", type=Path, help="a spreadsheet (CSV, XLSX, XLS, ODS) to check before import"
        )
        parser.add_argument("--export", type=Path, help="write the pairs to this CSV file")
        parser.add_argument("--threshold", type=float, default=services.DEFAULT_THRESHOLD)
        parser.add_argument(
            "--threads", type=int, default=None, help="DuckDB threads (default: the cores, ≤ 4)"
        )

    def handle(self, *args, kind, file, export, threshold, threads, **options):
        if not 0 < threshold < 1:
            raise CommandError("--threshold is a probability between 0 and 1")
        actor = Actor.system(via=Via.CLI, source="dedupe")
        started = time.perf_counter()
        try:
            if file is not None:
                if not file.is_file():
                    raise CommandError(f"{file}: no such file")
                pairs = services.dedupe_file(
                    actor=actor, kind=kind, path=file, threshold=threshold, export=export
                )
                self.stdout.write(
                    f"{pairs.height} pairs involving the file ({time.perf_counter() - started:.0f} s)"
                )
            else:
                result, model = services.dedupe_registry(
                    actor=actor, kind=kind, threshold=threshold, export=export, threads=threads,
                    progress=(lambda step, pct: self.stderr.write(f"{pct:3d}% {step}")) if options["verbosity"] > 1 else None,
                )  # fmt: skip
                self.stdout.write(
                    f"{result.records:,} {kind}: {result.pairs.height:,} candidate pairs, model v{model.version} "
                    f"({time.perf_counter() - started:.0f} s)"
                )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if export is not None:
            self.stdout.write(f"pairs written to {export}")
