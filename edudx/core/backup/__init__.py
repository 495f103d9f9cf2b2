"""Backup and restore of a whole platform: one tar archive (`edudx backup`, `edudx restore`).

What the platform keeps, and what goes into the archive:

| kept at | what | in the archive |
|---|---|---|
| the configured database (SQLite `VAR_DIR/edudx.sqlite3`, or PostgreSQL) | everything, the LRS included (it has no database of its own) | `database/edudx.sqlite3` (online backup API) or `database/edudx.pgdump` (`pg_dump -Fc`) |
| `MEDIA_ROOT` (`VAR_DIR/media`) | uploads: import files, library versions, evidence, xAPI attachments/documents | `media/…` |
| `WAREHOUSE_DIR` (`VAR_DIR/warehouse`) | the analytics warehouse's Parquet parts and manifests | `warehouse/…` |
| `VAR_DIR/secret_key` or `EDUDX_SECRET_KEY` | the secret key (signed tokens, sessions, the LRS `more` links) | `secret_key` |
| `VAR_DIR/static` | collected static files | no: `collectstatic` makes them again |
| `VAR_DIR/backups` | archives `edudx backup` writes when given no `--output` | no |
| `VAR_DIR/ingest` | per-run flag files (progress, cancel, liveness locks) | no: transient |
| `VAR_DIR/cache` | the file cache shared by server processes (request counters) | no: transient |
| `VAR_DIR/identity` | the local population-registry simulator's data and key | no: a stand-in for an outside system |
| `VAR_DIR/lrs-write.lock`, `restore.lock`, `demo-load.json` | lock files; the demo's timing record | no |

The archive is streamed (members are copied in chunks, never held in memory) and ends with
`manifest.json`: platform version, schema version (applied migrations per app), database
vendor, creation time and a SHA-256 per member. A restore reads the archive into staging
directories beside the targets, checks every checksum and the versions, and only then
replaces the database (in one transaction: SQLite's backup API into the live database,
`pg_restore --single-transaction`), then swaps the media and warehouse directories by
renaming. Whatever fails before the database step leaves the old data untouched.

Order when backing up: the warehouse first, then the database, then media. The warehouse then
never holds a row the database snapshot lacks (a restored warehouse behind its database just
catches up on the next refresh; one ahead of it would hide new rows that reuse the ids), and
a file uploaded after the database snapshot is at worst an unreferenced file.
"""

from __future__ import annotations

from .base import (
    DB_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SECRET_MEMBER,
    BackupError,
    code_schema,
    platform_version,
)
from .database import applied_schema, pg_program, tables_holding_data
from .read import RestoreResult, restore
from .write import BackupResult, backup

__all__ = [
    "DB_MEMBERS", "FORMAT", "FORMAT_VERSION", "MANIFEST", "SECRET_MEMBER", "BackupError", "BackupResult",
    "RestoreResult", "applied_schema", "backup", "code_schema", "pg_program", "platform_version", "restore",
    "tables_holding_data",
]  # fmt: skip
