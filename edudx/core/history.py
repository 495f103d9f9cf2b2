"""Writing and reading change history. Services call `record` (`record_bulk` for many rows at
once, `record_many` for many rows of mixed records, through record_bulk); pages call
`entries_for`."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .actor import Actor
from .db.bulk import db_now, insert_frame, insert_rows
from .models import HistoryEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, in JSON-friendly form (FKs as ids)."""
    out = {}
    for name in fields:
        f = obj._meta.get_field(name)
        attname = getattr(f, "attname", name)
        out[name] = _plain(getattr(obj, attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: Actor,
    obj: models.Model,
    action: str,
    changes: dict[str, Any] | None = None,
    operation: str = "",
    note: str = "",
) -> HistoryEntry:
    return HistoryEntry.objects.create(**_entry_kwargs(actor, obj, action, changes, operation, note))


def _entry_kwargs(
    actor: Actor, obj: models.Model, action: str, changes: dict[str, Any] | None, operation: str, note: str
) -> dict[str, Any]:
    return {
        "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "action": action,
        "operation": operation,
        "actor": actor.user,
        "actor_label": actor.label,
        "via": actor.via,
        "source": actor.source[:128],
        "changes": changes or {},
        "note": note,
    }


def record_many(entries: list[dict[str, Any]], *, actor: Actor) -> None:
    """Entries about records of any model, each a dict of obj, action, changes, operation and
    note, written by `record_bulk`: one call per run of consecutive entries that share the
    model, operation and note, so the rows keep the entries' order."""

    def run_key(e: dict[str, Any]) -> tuple[type[models.Model], str, str]:
        model = e["obj"]._meta.concrete_model
        return model, e.get("operation", ""), e.get("note", "")

    for (model, operation, note), run in itertools.groupby(entries, key=run_key):
        record_bulk(
            actor=actor,
            model=model,
            entries=[(e["obj"].pk, str(e["obj"]), e["action"], e.get("changes") or {}) for e in run],
            operation=operation,
            note=note,
        )


_BULK_COLUMNS = (
    "content_type_id", "object_id", "object_repr", "action", "operation", "actor_id", "actor_label",
    "via", "source", "changes", "note", "at",
)  # fmt: skip


def record_bulk(
    *,
    actor: Actor,
    model: type[models.Model],
    entries: Iterable[tuple[Any, str, str, dict[str, Any]]] | pl.DataFrame,
    operation: str,
    action: str = "create",
    note: str = "",
) -> None:
    """The one writer of history rows in bulk (imports: thousands per call), the same rows
    `record` writes, all at one time. `entries` is either (object id, repr, action, changes)
    tuples, or a polars frame of three columns (object id, repr, changes as JSON text) whose
    rows all get `action`, with no Python work per row. The transport is core.db.bulk: COPY
    on PostgreSQL, executemany on SQLite. `note` is every entry's."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
    now = db_now()
    user_id = actor.user.pk if actor.user is not None else None
    label, via, source = actor.label, actor.via, actor.source[:128]
    if isinstance(entries, pl.DataFrame):
        id_col, repr_col, ch_col = entries.columns
        insert_frame(
            HistoryEntry,
            entries.select(
                pl.col(id_col).cast(pl.String).alias("object_id"),
                pl.col(repr_col).str.slice(0, 255).alias("object_repr"),
                pl.col(ch_col).alias("changes"),
            ),
            {
                "content_type_id": ct, "action": action, "operation": operation, "actor_id": user_id,
                "actor_label": label, "via": via, "source": source, "note": note, "at": now,
            },
        )  # fmt: skip
        return
    insert_rows(
        HistoryEntry,
        _BULK_COLUMNS,
        (
            (ct, str(pk), text[:255], act, operation, user_id, label, via, source,
             json.dumps(ch, ensure_ascii=False), note, now)
            for pk, text, act, ch in entries
        ),
    )  # fmt: skip


def entries_for(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(
        HistoryEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")[:limit]
    )
