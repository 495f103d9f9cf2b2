"""edudx school_year create|close|list|set-current — the school years, from the console.

    edudx school_year create 2026-2027 --start 2026-09-05 --end 2027-05-31 [--current]
    edudx school_year set-current 2026-2027
    edudx school_year close 2025-2026
    edudx school_year list

Each step goes through registry.services (history, one current year, no closed year made
current). A refusal prints its code and Vietnamese message and exits 1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from edudx.core.actor import Actor, Via
from edudx.core.errors import DomainError

from ... import selectors, services


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise CommandError(f"not a date (YYYY-MM-DD or dd/mm/yyyy): {text!r}")


class Command(BaseCommand):
    help = "School years: create, set-current, close, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a school year, e.g. 2026-2027.")
        create.add_argument("code")
        create.add_argument("--start", required=True, help="First day, YYYY-MM-DD (or dd/mm/yyyy).")
        create.add_argument("--end", required=True, help="Last day, YYYY-MM-DD (or dd/mm/yyyy).")
        create.add_argument("--current", action="store_true", help="Make it the current year.")
        for name, text in (
            ("set-current", "Make a year the current one."),
            ("close", "Close a finished year."),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("code")
        sub.add_parser("list", help="List the school years.")
        parser.add_argument("--lang", default="vi", choices=("vi", "en"))

    def handle(self, *args: Any, **opts: Any) -> None:
        translation.activate(opts["lang"])
        actor = Actor.system(via=Via.CLI, source="cli:school_year")
        action = opts["action"]
        try:
            if action == "create":
                year = services.school_year_create(
                    actor=actor, code=opts["code"], start_date=_date(opts["start"]), end_date=_date(opts["end"]),
                    is_current=opts["current"],
                )  # fmt: skip
                self.stdout.write(f"created {year.code}" + (" (current)" if year.is_current else ""))
            elif action == "set-current":
                year = services.school_year_set_current(actor=actor, year=self._year(opts["code"]))
                self.stdout.write(f"current: {year.code}")
            elif action == "close":
                year = services.school_year_close(actor=actor, year=self._year(opts["code"]))
                self.stdout.write(f"closed {year.code}")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if action == "list":
            self._list()

    def _year(self, code: str) -> Any:
        year = selectors.year_list().filter(code=code.strip()).first()
        if year is None:
            raise CommandError(
                f"school_year_not_found: {translation.gettext('This school year is not set up in edudx.')}"
            )
        return year

    def _list(self) -> None:
        years = list(selectors.year_list().order_by("code"))
        if not years:
            self.stdout.write(
                "no school year yet: edudx school_year create 2026-2027 --start 2026-09-05 --end 2027-05-31 --current"
            )
        for y in years:
            state = "current" if y.is_current else ("closed" if y.closed_at else "")
            self.stdout.write(f"{y.code}  {y.start_date:%d/%m/%Y} – {y.end_date:%d/%m/%Y}  {state}".rstrip())
