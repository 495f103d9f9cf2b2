"""`edudx demo_logins`: the demo accounts, one per role, as a table."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from edudx.registry.demo.logins import login_table


class Command(BaseCommand):
    # A data command: it must not depend on every module's URLs importing cleanly.
    requires_system_checks: list[str] = []
    help = "Print the demo logins (username, password, role, unit)."

    def handle(self, *args, **options):
        rows = login_table()
        if not rows:
            self.stdout.write("No demo logins in this database (run `edudx demo`).")
            return
        headers = ("username", "password", "role", "unit")
        widths = [max(len(h), *(len(r[h]) for r in rows)) for h in headers]
        line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
        self.stdout.write("Demo logins / Tài khoản dùng thử:")
        self.stdout.write(line)
        self.stdout.write("  ".join("-" * w for w in widths))
        for r in rows:
            self.stdout.write("  ".join(r[h].ljust(w) for h, w in zip(headers, widths, strict=True)))
