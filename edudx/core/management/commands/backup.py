"""edudx backup [--output FILE] — the whole platform in one archive (core.backup)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from edudx.core import backup


class Command(BaseCommand):
    help = (
        "Back up the platform into one tar archive: the database (every record, personal data of "
        "pupils and staff included, and the LRS), uploaded media, the analytics warehouse and the "
        "secret key, with a manifest of versions and SHA-256 checksums. Safe while the platform "
        "runs. The archive is as sensitive as the database itself: it is written with mode 0600; "
        "keep it encrypted and access-controlled. A name ending in .tar.gz or .tgz is compressed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help=(
                "archive to write (default: VAR_DIR/backups/edudx-backup-YYYYMMDD-HHMMSS.tar, a directory "
                "only its owner can enter); never overwritten"
            ),
        )

    def handle(self, *args, output, **options):
        if output is None:
            # Not the current directory: run from a checkout, the archive would sit in the work tree.
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(mode=0o700, exist_ok=True)
            output = folder / f"edudx-backup-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.tar"  # noqa: DTZ005 - a local file name
        try:
            result = backup.backup(
                output, log=lambda s: self.stdout.write(s) if options["verbosity"] > 1 else None
            )
        except backup.BackupError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"{result.path}: {result.members} members, {result.size:,} bytes")
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stderr.write(
            _(
                "Warning: this archive holds the secret key and the whole database, personal data "
                "included. Keep it encrypted and access-controlled (file mode 0600)."
            )
        )
