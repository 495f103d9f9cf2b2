"""`edudx demo`: build the deterministic demo city, then every other app's demo step."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from edudx.core.demo import DemoContext
from edudx.orgs import selectors as org_selectors
from edudx.registry.demo import city, load, logins, steps
from edudx.registry.models import School


class Command(BaseCommand):
    # A data command: it must not depend on every module's URLs importing cleanly.
    requires_system_checks: list[str] = []
    help = (
        "Load the demo city: ~30 schools and ~15,000 students by default, or Ho Chi Minh City "
        "scale (3,500 schools, 2.5 million students) with --scale city; then each module's demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(city.SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds schools or a unit tree (edudx setup).",
        )
        parser.add_argument(
            "--registry-only", action="store_true", help="Skip the other modules' demo steps."
        )
        parser.add_argument("--strict", action="store_true", help="Stop at the first failing module step.")

    def handle(self, *args, scale, seed, if_empty, registry_only, strict, **options):
        # A unit tree without schools is a department on its first day (`edudx setup`): the demo
        # city would land beside it, its codes colliding with the department's own.
        existing = School.objects.count()
        units = org_selectors.root_units().count()
        if existing or units:
            what = f"{existing:,} schools" if existing else "a unit tree (edudx setup)"
            if if_empty:
                self.stdout.write(f"The database already holds {what}: demo not loaded.")
                return
            raise CommandError(
                f"The database already holds {what}. The demo loads into an empty "
                "database: point EDUDX_VAR_DIR (SQLite) or DATABASE_URL at a fresh one."
            )
        ctx = DemoContext(scale="city" if scale == "city" else "small", seed=seed)
        ctx.out = self.stdout
        started = time.monotonic()
        ctx.log(f"demo city, size {scale}, seed {seed}, database {connection.vendor}")
        data = load.load_city(ctx, scale)
        with transaction.atomic():
            ctx.data["users"] = logins.create_logins(ctx.actor, _tree_objects(data))
        registry_seconds = time.monotonic() - started
        counts = data["counts"]
        ctx.log(
            f"registry done in {registry_seconds:.1f}s: {len(data['schools']):,} schools, "
            f"{counts['classes']:,} classes, {counts['students']:,} students, {counts['staff']:,} staff, "
            f"{counts['enrolments']:,} enrolments, {counts['assignments']:,} teaching assignments"
        )
        results = [] if registry_only else steps.run_all(ctx, strict=strict)
        total = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        record = {
            "size": scale,
            "seed": seed,
            "vendor": connection.vendor,
            "registry_seconds": round(registry_seconds, 1),
            "total_seconds": round(total, 1),
            "counts": counts,
            "peak_rss_mb": round(usage.ru_maxrss / 1024),
            # The machine may be shared: CPU time and load average say how much of the wall
            # time was this load.
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "steps": [{"app": a, "result": r, "seconds": round(s, 1)} for a, r, s in results],
        }
        with contextlib.suppress(OSError):
            (settings.VAR_DIR / "demo-load.json").write_text(json.dumps(record, indent=1))
        failed = [a for a, r, _s in results if r != "ok"]
        ctx.log(
            f"CPU {record['cpu_seconds']}s, peak RSS {record['peak_rss_mb']} MB, load average {record['load_average']}"
        )
        ctx.log(f"demo loaded in {total:.1f}s" + (f"; failed steps: {', '.join(failed)}" if failed else ""))


def _tree_objects(data):
    """The objects create_logins needs, read back by id (the loader keeps ids only in data)."""
    from edudx.core.scope import Scope
    from edudx.orgs import selectors as org_selectors

    system = Scope.system()
    schools = list(School.objects.filter(pk__in=data["schools"][:1]).select_related("unit"))
    return {
        "department": org_selectors.unit_get(scope=system, pk=data["department"]),
        "areas": [org_selectors.unit_get(scope=system, pk=data["areas"][0])],
        "clusters": [org_selectors.grouping_get(scope=system, pk=data["clusters"][0])],
        "schools": schools,
    }
