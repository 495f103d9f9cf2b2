"""`edudx skills_daily [--now]`: the skills app's daily job — expire certificates that ran out
and write the expiry alerts. Queued for the worker, or run at once with --now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edudx.core.actor import Actor
from edudx.skills import tasks
from edudx.skills.services import alerts


class Command(BaseCommand):
    help = "Expire certificates that ran out and alert their holders and schools (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="run here instead of queueing it")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            got = alerts.alerts_send(actor=Actor.system(source="skills.daily"))
            self.stdout.write(f"expired {got['expired']}, expiring {got['expiring']}")
        else:
            result = tasks.expiry_alerts.enqueue()
            self.stdout.write(f"queued {result.id}")
