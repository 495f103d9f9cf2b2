"""edudx restore FILE [--force] — put back an archive made by `edudx backup` (core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edudx.core import backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `edudx backup` into the configured database, MEDIA_ROOT, the "
        "warehouse and the secret key. Every checksum is verified first; an archive from another "
        "platform version, another set of migrations or another database vendor is refused, and "
        "so is a database that already holds data unless --force. Nothing is changed when a check "
        "fails; the database is replaced in one transaction. The archive holds the whole database, "
        "personal data included: handle it as such. Stop the platform (web and worker) first and "
        "start it again afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive (.tar, .tar.gz)")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data (it is lost)"
        )

    def handle(self, *args, archive, force, **options):
        try:
            result = backup.restore(
                archive, force=force, log=lambda s: self.stdout.write(s) if options["verbosity"] > 1 else None
            )
        except backup.BackupError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        m = result.manifest
        self.stdout.write(
            f"restored {archive} (edudx {m['platform_version']}, {m['database_vendor']}, made {m['created_at']})"
        )
        for warning in result.warnings:
            self.stderr.write(warning)
