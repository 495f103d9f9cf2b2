# ruff: noqa: S608 - trigger SQL built from the fixed WATCHED table names, no input
"""The change log's triggers: every insert, update and delete of a registry record a partner can
receive (schools, classes, pupils, staff, enrolments, teaching assignments) and of a consent
appends one `partners_change` row per school the record was or is in. Triggers rather than
service calls, so imports, merges and bulk updates are seen too.

SQLite: one row trigger per table and event. PostgreSQL: one statement-level trigger per table
and event over its transition tables (a COPY of 100,000 pupils is one INSERT … SELECT).
Installed after every migrate (a SQLite table remade by a migration loses its triggers).
"""

from __future__ import annotations

from typing import Any

PREFIX = "edudx_partners_change"
EVENTS = ("insert", "update", "delete")
# table → (sourcedId prefix, object id expression, school id expression); {r} is the row alias.
WATCHED: dict[str, tuple[str, str, str]] = {
    "registry_school": ("org", "{r}.id", "{r}.id"),
    "registry_schoolclass": ("cl", "{r}.id", "{r}.school_id"),
    "registry_student": ("s", "{r}.id", "{r}.school_id"),
    "registry_staff": ("st", "{r}.id", "{r}.school_id"),
    "registry_enrolment": ("e", "{r}.id", "{r}.school_id"),
    "registry_teachingassignment": (
        "ta",
        "{r}.id",
        "(SELECT c.school_id FROM registry_schoolclass c WHERE c.id = {r}.school_class_id)",
    ),
    "partners_consent": (
        "s",
        "{r}.student_id",
        "(SELECT p.school_id FROM registry_student p WHERE p.id = {r}.student_id)",
    ),
    # A school's use of an app changing (approved, revoked) is a change of the org.
    "partners_schoolapp": ("org", "{r}.school_id", "{r}.school_id"),
}


def _sqlite(table: str, event: str) -> str:
    prefix, obj, school = WATCHED[table]
    rows = {"insert": ("NEW",), "update": ("NEW", "OLD"), "delete": ("OLD",)}[event]
    keys = " UNION ".join(f"SELECT {obj.format(r=r)} AS o, {school.format(r=r)} AS k" for r in rows)
    return (
        f"CREATE TRIGGER {PREFIX}_{table}_{event} AFTER {event.upper()} ON {table} BEGIN "
        f"INSERT INTO partners_change(prefix, object_id, school_id, at) "
        f"SELECT '{prefix}', o, k, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM ({keys}) WHERE k IS NOT NULL; "
        f"END"
    )


def _postgres(table: str, event: str) -> list[str]:
    prefix, obj, school = WATCHED[table]
    tables = {"insert": ("new_rows",), "update": ("new_rows", "old_rows"), "delete": ("old_rows",)}[event]
    keys = " UNION ".join(
        f"SELECT {obj.format(r='r')} AS o, {school.format(r='r')} AS k FROM {t} r" for t in tables
    )
    fn = f"{PREFIX}_{table}_{event}"
    referencing = " ".join(
        {"new_rows": "NEW TABLE AS new_rows", "old_rows": "OLD TABLE AS old_rows"}[t] for t in tables
    )
    return [
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO partners_change(prefix, object_id, school_id, at) "
        f"SELECT '{prefix}', o, k, clock_timestamp() FROM ({keys}) x WHERE k IS NOT NULL ORDER BY o; "
        f"RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {fn} ON {table}",
        f"CREATE TRIGGER {fn} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
    ]


def install_triggers(using: str = "default") -> int:
    """(Re)create the triggers on every watched table that exists; returns how many tables."""
    from django.db import connections

    conn = connections[using]
    existing = set(conn.introspection.table_names())
    if "partners_change" not in existing:
        return 0
    done = 0
    with conn.cursor() as cur:
        for table in WATCHED:
            if table not in existing:
                continue
            for event in EVENTS:
                if conn.vendor == "sqlite":
                    cur.execute(f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_{event}")
                    cur.execute(_sqlite(table, event))
                elif conn.vendor == "postgresql":
                    for sql in _postgres(table, event):
                        cur.execute(sql)
            done += 1
    return done


def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if getattr(sender, "label", None) == "partners":
        install_triggers(using)


def connect_signals() -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_after_migrate, dispatch_uid="edudx.partners.changes.install_triggers")
