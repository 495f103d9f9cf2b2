"""`edudx infra_snapshot [--month YYYY-MM-01] [--enqueue]`: record device counts by condition
per school for a month (for the "condition over time" charts). Schedule it monthly (cron)."""

import datetime as dt

from django.core.management.base import BaseCommand

from edudx.core.actor import Actor, Via
from edudx.infrastructure import services, tasks


class Command(BaseCommand):
    help = "Record this month's device counts by condition for every school."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="first day of the month, YYYY-MM-01 (default: this month)")
        parser.add_argument("--enqueue", action="store_true", help="run it in the background worker")

    def handle(self, *args, month=None, enqueue=False, **opts):
        if enqueue:
            result = tasks.snapshot_conditions.enqueue(month)
            self.stdout.write(f"enqueued {result.id}")
            return
        when = dt.date.fromisoformat(month) if month else None
        n = services.snapshot_conditions(actor=Actor.system(via=Via.CLI, source="infra_snapshot"), month=when)
        self.stdout.write(f"{n} schools recorded")
