"""What every part of backup and restore shares: the archive's fixed names, the error, and
the facts of this installation an archive is checked against."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext_lazy as _

from edudx.core.errors import DomainError

FORMAT = "edudx-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_MEMBER = "secret_key"  # noqa: S105 - a member name, not a secret
DB_MEMBERS = {"sqlite": "database/edudx.sqlite3", "postgresql": "database/edudx.pgdump"}
CHUNK = 1024 * 1024


class BackupError(DomainError):
    code = "backup_failed"
    default_message = _("The backup or restore could not be completed.")


# ----- facts about this installation
def platform_version() -> str:
    try:
        return importlib.metadata.version("edudx")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "0+unknown"


def code_schema() -> dict[str, list[str]]:
    """The migrations this code ships, per app: what `migrate` brings a database to."""
    schema: dict[str, list[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        schema.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(schema.items())}


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def warehouse_root() -> Path:
    from edudx.core import warehouse

    return warehouse.root()


def secret_key_path() -> Path:
    return Path(settings.VAR_DIR) / "secret_key"
