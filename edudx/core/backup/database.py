# ruff: noqa: S608 - SQL built from table names the database itself reported, quoted by the backend
"""The database part: facts (vendor, applied migrations, does it hold data), the snapshot
(SQLite's online backup API, `pg_dump -Fc`) and the load (the backup API into the live
database, `pg_restore --single-transaction`), each of which is all-or-nothing."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext_lazy as _

from .base import DB_MEMBERS, BackupError

# Tables `migrate` fills by itself: rows there do not make a database "hold data". Django's own,
# plus what each app ships as a data migration, declared beside it on its AppConfig:
#     seeded_by_migrate = ("monitoring.framework", …)
SEEDED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


def seeded_by_migrate() -> set[str]:
    from django.apps import apps

    out = set(SEEDED_BY_MIGRATE)
    for config in apps.get_app_configs():
        out.update(getattr(config, "seeded_by_migrate", ()))
    return out


def vendor(alias: str = DEFAULT_DB_ALIAS) -> str:
    v = connections[alias].vendor
    if v not in DB_MEMBERS:
        raise BackupError(
            _("Unsupported database: %(vendor)s.") % {"vendor": v}, code="backup_unsupported_database"
        )
    return v


def applied_schema(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations applied to the database, per app."""
    schema: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        schema.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(schema.items())}


def tables_holding_data(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Tables of installed models that hold at least one row, besides those `migrate` fills."""
    from django.apps import apps

    conn = connections[alias]
    existing = set(conn.introspection.table_names())
    seeded = seeded_by_migrate()
    found = []
    with conn.cursor() as cur:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            owner = model._meta.auto_created  # a many-to-many table: the model it belongs to
            if (
                model._meta.label_lower in seeded
                or getattr(model, "derived", False)  # maintained figures (core.Aggregate…): recounted
                or (isinstance(owner, type) and owner._meta.label_lower in seeded)
                or table not in existing
                or not model._meta.managed
            ):
                continue
            cur.execute(f"SELECT 1 FROM {conn.ops.quote_name(table)} LIMIT 1")
            if cur.fetchone():
                found.append(table)
    return sorted(set(found))


# ----- PostgreSQL client programs
def pg_program(name: str) -> str:
    """pg_dump / pg_restore: Debian's newest versioned binary (a dump needs a client at least as
    new as the server), else whatever PATH holds."""

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.parent.name)
        except ValueError:
            return 0.0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    path = candidates[0] if candidates else shutil.which(name)
    if not path:
        raise BackupError(
            _("%(program)s was not found; install the PostgreSQL client (postgresql-client).")
            % {"program": name},
            code="backup_tool_missing",
        )
    return path


def _pg_env(alias: str) -> dict[str, str]:
    s = connections[alias].settings_dict  # NAME is the test database's under pytest-django
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    options = s.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    env["PGDATABASE"] = s["NAME"]
    env["PGCONNECT_TIMEOUT"] = env.get("PGCONNECT_TIMEOUT", "10")
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed programs
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": Path(args[0]).name, "error": " | ".join(tail)},
            code="backup_tool_failed",
        )


# ----- the database
def snapshot(alias: str, dest: Path) -> None:
    conn = connections[alias]
    if conn.vendor == "sqlite":
        if conn.in_atomic_block:
            # Our own open write transaction would hold the lock the copy waits for, forever.
            raise BackupError(_("A backup cannot run inside a transaction."), code="backup_in_transaction")
        conn.ensure_connection()
        target = sqlite3.connect(dest)
        try:
            # A consistent snapshot while the platform runs: in WAL mode the copy's read
            # transaction blocks no writer.
            conn.connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    else:
        _run([pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dest}"],
             _pg_env(alias))  # fmt: skip


def load(alias: str, source: Path) -> None:
    conn = connections[alias]
    if conn.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."), code="backup_in_transaction")
    if conn.vendor == "sqlite":
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            check = src.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(
                    _("The database in the archive is damaged: %(error)s") % {"error": check},
                    code="backup_database_damaged",
                )
            conn.ensure_connection()
            # The backup API writes the whole destination in one transaction: a failure rolls
            # it back and leaves the old database as it was.
            src.backup(conn.connection)
        finally:
            src.close()
    else:
        conn.close()  # hold no lock of our own while pg_restore drops and recreates tables
        _run([pg_program("pg_restore"), "--single-transaction", "--clean", "--if-exists", "--exit-on-error",
              "--no-owner", "--no-privileges", f"--dbname={_pg_env(alias)['PGDATABASE']}", str(source)],
             _pg_env(alias))  # fmt: skip
