"""edudx setup — a department's first day, from an empty database.

Walks the four things nothing else can be imported without, in order, and says what to import
next:

1. the department (the top-level unit),
2. its first administrator (role dept_admin on the department),
3. the unit tree file (wards, communes, special zones: `edudx import units FILE`),
4. the school year (made current when no year is current yet).

Interactive on a terminal (it asks for what the flags did not give; the password is read
without echo), fully scriptable with flags otherwise:

    edudx setup --department-code SGDDT79 --department-name "Sở GD-ĐT TP. Hồ Chí Minh" \\
        --admin-username admin --admin-email admin@example.vn --admin-password-file pw.txt \\
        --units units.csv --school-year 2026-2027 --start 2026-09-05 --end 2027-05-31

Idempotent: run again, each step says what is already there and changes nothing. The password
is never printed, and is only read for a user who does not exist yet.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from edudx.accounts import selectors as account_selectors
from edudx.accounts import services as accounts
from edudx.core.actor import Actor, Via
from edudx.core.errors import DomainError
from edudx.core.roles import Role
from edudx.core.scope import Scope
from edudx.ingest import services as ingest
from edudx.orgs import selectors, services
from edudx.orgs.models import UnitKind
from edudx.registry import selectors as registry_selectors
from edudx.registry import services as registry

# What to import after the tree, in this order (each needs the ones before it).
NEXT_IMPORTS = (
    ("schools", "schools with their level and managing unit (Mã đơn vị quản lý = a code of the unit file)"),
    ("classes", "classes of the school year (optional: the pupil import creates a missing class)"),
    ("staff", "teachers and staff of each school"),
    ("students", "pupils with this year's class (C1-HocSinh export)"),
    ("rooms", "rooms of each school (infrastructure)"),
    ("devices", "ICT equipment (infrastructure)"),
    ("connections", "Internet connections (infrastructure)"),
)


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise CommandError(f"not a date (YYYY-MM-DD or dd/mm/yyyy): {text!r}")


class Command(BaseCommand):
    help = "A department's first day: department unit, first administrator, unit tree file, school year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department-code", help="Code of the department unit, e.g. SGDDT79.")
        parser.add_argument("--department-name", help="Name of the department.")
        parser.add_argument("--admin-username", help="Username of the first administrator.")
        parser.add_argument("--admin-name", help="Full name of the first administrator.")
        parser.add_argument("--admin-email", default=None, help="E-mail of the first administrator.")
        parser.add_argument(
            "--admin-password-file", type=Path, help="A file whose first line is the password (else asked)."
        )
        parser.add_argument(
            "--units", type=Path, help="The unit tree file (CSV/XLSX: Mã đơn vị, Tên đơn vị, …)."
        )
        parser.add_argument("--school-year", help="e.g. 2026-2027")
        parser.add_argument("--start", help="First day of the school year, YYYY-MM-DD.")
        parser.add_argument("--end", help="Last day of the school year, YYYY-MM-DD.")
        parser.add_argument("--no-input", action="store_true", help="Never ask; fail on what is missing.")
        parser.add_argument("--lang", default="vi", choices=("vi", "en"))

    # ----- asking
    def _interactive(self, opts: dict[str, Any]) -> bool:
        return not opts["no_input"] and sys.stdin.isatty()

    def _ask(self, opts: dict[str, Any], key: str, prompt: str, default: str | None = None) -> str:
        value = opts.get(key)
        if value:
            return str(value)
        if not self._interactive(opts):
            if default is not None:
                return default
            raise CommandError(f"--{key.replace('_', '-')} is required (no terminal to ask on)")
        while True:
            shown = f" [{default}]" if default else ""
            answer = input(f"{prompt}{shown}: ").strip() or (default or "")
            if answer:
                return answer

    def _password(self, opts: dict[str, Any]) -> str:
        path: Path | None = opts["admin_password_file"]
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"cannot read the password file {path}: {exc.strerror}") from exc
            if not lines or not lines[0]:
                raise CommandError(f"the password file {path} is empty")
            return lines[0]
        if not self._interactive(opts):
            raise CommandError("--admin-password-file is required (no terminal to ask the password on)")
        while True:
            first = getpass.getpass("Password of the administrator: ")
            if first and first == getpass.getpass("Again: "):
                return first
            self.stderr.write("The two passwords differ or are empty; again.")

    # ----- the walk
    def handle(self, *args: Any, **opts: Any) -> None:
        translation.activate(opts["lang"])
        actor = Actor.system(via=Via.CLI, source="cli:setup")
        try:
            dept = self._department(actor, opts)
            self._administrator(actor, opts, dept)
            self._units(actor, opts)
            self._school_year(actor, opts)
        except DomainError as exc:
            details = "; ".join(f"{d.field}: {d.message}" for d in exc.details)
            raise CommandError(f"{exc.code}: {exc.message}" + (f" ({details})" if details else "")) from exc
        self._next_steps()

    def _say(self, step: str, text: str) -> None:
        self.stdout.write(f"[{step}] {text}")

    def _department(self, actor: Actor, opts: dict[str, Any]) -> Any:
        roots = list(selectors.root_units())
        code = self._ask(opts, "department_code", "Department code", roots[0].code if roots else None)
        known = selectors.unit_list(scope=Scope.system()).filter(code=code).first()
        if known is not None:
            self._say("1/4 department", f"already there: {known.code} {known.name}")
            return known
        name = self._ask(opts, "department_name", "Department name")
        dept = services.unit_create(actor=actor, code=code, name=name, kind=UnitKind.DEPARTMENT, parent=None)
        self._say("1/4 department", f"created {dept.code} {dept.name}")
        return dept

    def _administrator(self, actor: Actor, opts: dict[str, Any], dept: Any) -> None:
        username = self._ask(opts, "admin_username", "Administrator's username", "admin")
        user = account_selectors.user_list(scope=Scope.system()).filter(username__iexact=username).first()
        if user is None:
            full_name = self._ask(opts, "admin_name", "Administrator's full name", "Quản trị viên Sở")
            email = opts["admin_email"] if opts["admin_email"] is not None else (
                self._ask(opts, "admin_email", "Administrator's e-mail", "")
            )  # fmt: skip
            user = accounts.user_create(
                actor=actor,
                username=username,
                full_name=full_name,
                password=self._password(opts),
                email=email,
            )
            self._say("2/4 administrator", f"created user {user.username}")
        else:
            self._say("2/4 administrator", f"user {user.username} already there (password unchanged)")
        if accounts.scope_for_user(user).can("orgs.manage", dept.path):
            self._say("2/4 administrator", f"{user.username} already administers {dept.code}")
        else:
            accounts.membership_grant(actor=actor, user=user, role=Role.DEPT_ADMIN, unit=dept)
            self._say("2/4 administrator", f"{user.username} is now administrator of {dept.code}")

    def _units(self, actor: Actor, opts: dict[str, Any]) -> None:
        path: Path | None = opts["units"]
        if path is None and self._interactive(opts):
            answer = input("Unit tree file (CSV/XLSX; empty to skip): ").strip()
            path = Path(answer) if answer else None
        if path is None:
            count = selectors.unit_list(scope=Scope.system()).exclude(kind=UnitKind.SCHOOL).count()
            self._say("3/4 units", f"no file given; {count} units in the tree (edudx import units FILE)")
            return
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with path.open("rb") as fh:
            run = ingest.run_receive(actor=actor, kind="units", fileobj=fh, file_name=path.name)
        run = ingest.run_check(actor=actor, run=run)
        if run.state == "checked":
            run = ingest.run_commit(actor=actor, run=run)
        self._say(
            "3/4 units",
            f"{path.name}: {run.state} — new {run.rows_new}, changed {run.rows_changed}, "
            f"unchanged {run.rows_unchanged}, rejected {run.rows_rejected}",
        )
        if run.state != "committed":
            for p in run.report.get("problems", [])[:20]:
                self.stderr.write(f"  row {p['row']} [{p['column']}] {p['code']}: {p['message']}")
            raise CommandError(
                f"the unit tree file was not imported (import #{run.pk}); nothing of it was written"
            )

    def _school_year(self, actor: Actor, opts: dict[str, Any]) -> None:
        current = registry_selectors.current_year()
        code = opts["school_year"] or (
            None if not self._interactive(opts) else input("School year, e.g. 2026-2027 (empty to skip): ").strip()
        )  # fmt: skip
        if not code:
            state = f"current year {current.code}" if current else "no current year"
            self._say("4/4 school year", f"none given; {state} (edudx school_year create …)")
            return
        known = registry_selectors.year_list().filter(code=code).first()
        if known is not None:
            self._say("4/4 school year", f"{code} already there" + (" (current)" if known.is_current else ""))
            return
        first = int(code[:4]) if code[:4].isdigit() else timezone.localdate().year
        start = _date(self._ask(opts, "start", "First day (YYYY-MM-DD)", f"{first}-09-05"))
        end = _date(self._ask(opts, "end", "Last day (YYYY-MM-DD)", f"{first + 1}-05-31"))
        year = registry.school_year_create(
            actor=actor, code=code, start_date=start, end_date=end, is_current=current is None
        )
        if year.is_current:
            self._say("4/4 school year", f"created {year.code}, the current year")
        else:
            self._say(
                "4/4 school year",
                f"created {year.code}; {current.code if current else '?'} stays current "
                f"(edudx school_year set-current {year.code} when it starts)",
            )

    def _next_steps(self) -> None:
        w = self.stdout.write
        w("")
        w("Next, import in this order (a template for each: edudx template KIND --out KIND.xlsx):")
        for n, (kind, what) in enumerate(NEXT_IMPORTS, start=1):
            w(f"  {n}. {kind:<12} {what}")
            w(f"     edudx template {kind} --out {kind}.xlsx && edudx import {kind} {kind}.xlsx")
        w("Or upload the same files at /ingest/upload/ after logging in as the administrator.")
