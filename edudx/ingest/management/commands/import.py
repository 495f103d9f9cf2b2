"""edudx import KIND FILE [--check-only] [--report OUT.csv|.json|.xlsx] [--partial] [--as USERNAME]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from edudx.core.actor import Actor, Via
from edudx.core.errors import DomainError

from ... import services
from ...engine import report as report_mod


class Command(BaseCommand):
    help = "Import a spreadsheet (CSV, XLSX, XLS, ODS) of a kind: students, staff, schools, classes."

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("file")
        parser.add_argument("--check-only", action="store_true", help="Check and report; write nothing.")
        parser.add_argument("--report", help="Write the problems to OUT.csv, OUT.json or OUT.xlsx.")
        parser.add_argument(
            "--partial", action="store_true", help="Commit valid rows even if others have errors."
        )
        parser.add_argument("--as", dest="username", help="Act as this user (their scope applies).")
        parser.add_argument("--lang", default="vi", choices=("vi", "en"))

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        actor = self._actor(opts["username"])
        translation.activate(opts["lang"])
        bar = _Bar(sys.stderr)
        try:
            with path.open("rb") as fh:
                run = services.run_receive(
                    actor=actor, kind=opts["kind"], fileobj=fh, file_name=path.name,
                    mode="partial" if opts["partial"] else "strict", language=opts["lang"],
                )  # fmt: skip
            bar.label = "check"
            run = services.run_check(actor=actor, run=run, on_progress=bar.update)
            bar.done()
            if not opts["check_only"] and run.state == "checked":
                bar.label = "commit"
                run = services.run_commit(actor=actor, run=run, on_progress=bar.update)
                bar.done()
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self._summary(run)
        if opts["report"]:
            self._write_report(run, Path(opts["report"]), path)
        if run.state == "failed" or (opts["check_only"] and run.errors):
            sys.exit(1)

    def _actor(self, username):
        if not username:
            return Actor.system(via=Via.CLI)
        from edudx.accounts import selectors as account_selectors
        from edudx.accounts.services import scope_for_user
        from edudx.core.scope import Scope

        user = account_selectors.user_list(scope=Scope.system()).filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        return Actor(user=user, scope=scope_for_user(user), via=Via.CLI)

    def _summary(self, run):
        w = self.stdout.write
        w(f"import #{run.pk} {run.kind} {run.file_name}: {run.state}")
        w(
            f"rows {run.rows_total}: new {run.rows_new}, changed {run.rows_changed}, "
            f"unchanged {run.rows_unchanged}, rejected {run.rows_rejected}; "
            f"errors {run.errors}, warnings {run.warnings}; {run.duration_seconds:.2f}s"
        )
        for p in run.report.get("problems", [])[:20]:
            w(f"  row {p['row']} [{p['column']}] {p['severity']} {p['code']}: {p['message']}")

    def _write_report(self, run, out: Path, source: Path):
        problems = run.report.get("problems", [])
        suffix = out.suffix.lower()
        if suffix == ".csv":
            data = report_mod.as_csv(problems)
        elif suffix == ".json":
            data = report_mod.as_json(problems)
        elif suffix == ".xlsx":
            data = report_mod.as_xlsx(
                problems, source=source, fmt=run.file_format, headers=run.report.get("headers", [])
            )
        else:
            raise CommandError("the report must end in .csv, .json or .xlsx")
        out.write_bytes(data)
        self.stdout.write(f"report: {out}")


class _Bar:
    def __init__(self, stream):
        self.stream = stream
        self.label = ""
        self.tty = stream.isatty()

    def update(self, done: int, total: int) -> None:
        if total:
            frac = min(done / total, 1)
            filled = int(frac * 30)
            text = f"\r{self.label:7} [{'#' * filled}{'.' * (30 - filled)}] {done:>10,}/{total:,} rows"
        else:
            text = f"\r{self.label:7} {done:>10,} rows"
        self.stream.write(text if self.tty else text.strip() + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")
