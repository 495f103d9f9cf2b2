"""`edudx scheduler [--once] [--list]`: queue the daily background jobs when their time comes
(edudx/core/schedule.py). `./run` starts it beside the worker; a deployment runs it as one
more service, or calls `--once` from cron every few minutes."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from edudx.core import schedule


class Command(BaseCommand):
    help = "Queue the daily background jobs (expiry alerts, quality snapshots…) once a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="queue what is due now, then stop")
        parser.add_argument("--list", action="store_true", help="list the daily jobs and their last run")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks (default 60)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in schedule.discover():
                last = schedule.last_run(job)
                self.stdout.write(f"{job.name}  at {job.at:%H:%M}  last {last or '-'}")
            return
        while True:
            for name in schedule.enqueue_due():
                self.stdout.write(f"queued {name}")
            if options["once"]:
                return
            close_old_connections()
            time.sleep(max(1, options["interval"]))
