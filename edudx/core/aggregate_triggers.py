# Trigger SQL is built from the registrations (aggregate names, table names and key SQL are
# constants of the registering apps, checked by `aggregates.register`), never from input.
# ruff: noqa: S608
"""The change triggers of maintained aggregates (edudx/core/aggregates.py): on every source table
of a registered aggregate, SQLite row triggers and PostgreSQL statement triggers note the key
(the school) of each written row in `core.AggregateChange`; installed after every migrate."""

from __future__ import annotations

from typing import Any

TRIGGER_PREFIX = "edudx_agg"
_EVENTS = ("insert", "update", "delete")


def _names_by_table() -> dict[str, list[tuple[str, str]]]:
    from .aggregates import _REGISTRY

    out: dict[str, list[tuple[str, str]]] = {}
    for name, entry in sorted(_REGISTRY.items()):
        for src in entry.sources:
            out.setdefault(src.table, []).append((name, src.key))
    return out


def _sqlite_trigger(table: str, event: str, marks: list[tuple[str, str]]) -> str:
    rows = {"insert": ("new",), "update": ("new", "old"), "delete": ("old",)}[event]
    body = []
    for name, key in marks:
        keys = " UNION ".join(f"SELECT {key.format(row=r)} AS k" for r in rows)
        # One note per (name, key), renewed (a new id) by every change: a sweep deletes the ids
        # it read, so a change noted after that read keeps its note.
        body.append(
            f"INSERT OR REPLACE INTO core_aggregatechange(name, key) "
            f"SELECT '{name}', k FROM ({keys}) WHERE k IS NOT NULL;"
        )
    return (
        f"CREATE TRIGGER {TRIGGER_PREFIX}_{table}_{event} AFTER {event.upper()} ON {table} "
        f"BEGIN {' '.join(body)} END"
    )


def _postgres_trigger(table: str, event: str, marks: list[tuple[str, str]]) -> list[str]:
    # One statement-level trigger per event, over its transition table: a COPY of 100,000 pupils
    # notes each school once, and concurrent writers never wait on each other's notes (appended,
    # not upserted).
    tables = {"insert": ("new_rows",), "update": ("new_rows", "old_rows"), "delete": ("old_rows",)}[event]
    fn = f"{TRIGGER_PREFIX}_{table}_{event}"
    body = []
    for name, key in marks:
        keys = " UNION ".join(f"SELECT {key.format(row='r')} AS k FROM {t} r" for t in tables)
        body.append(
            f"INSERT INTO core_aggregatechange(name, key) "
            f"SELECT '{name}', k FROM ({keys}) x WHERE k IS NOT NULL;"
        )
    referencing = " ".join(
        {"new_rows": "NEW TABLE AS new_rows", "old_rows": "OLD TABLE AS old_rows"}[t] for t in tables
    )
    return [
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {' '.join(body)} RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {fn} ON {table}",
        f"CREATE TRIGGER {fn} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
    ]


def install_triggers(using: str = "default") -> int:
    """(Re)create the change triggers of every registered source table that exists; returns how
    many tables have them. Run after every migrate (a SQLite table remade by a migration loses
    its triggers) and safe to run again."""
    from django.db import connections

    conn = connections[using]
    existing = set(conn.introspection.table_names())
    if "core_aggregatechange" not in existing:
        return 0
    done = 0
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute(
                "CREATE UNIQUE INDEX IF NOT EXISTS core_aggchange_one_note ON core_aggregatechange(name, key)"
            )
        for table, marks in _names_by_table().items():
            if table not in existing:
                continue
            for event in _EVENTS:
                if conn.vendor == "sqlite":
                    cur.execute(f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}_{table}_{event}")
                    cur.execute(_sqlite_trigger(table, event, marks))
                elif conn.vendor == "postgresql":
                    for sql in _postgres_trigger(table, event, marks):
                        cur.execute(sql)
            done += 1
    return done


def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if getattr(sender, "label", None) == "core":  # once per migrate: every table exists by then
        install_triggers(using)


def connect_signals() -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_after_migrate, dispatch_uid="edudx.core.aggregates.install_triggers")
