"""Writing and reading change history. Services call `record`; pages call `entries_for`."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .actor import Actor
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


def _entry_kwargs(actor, obj, action, changes, operation, note) -> dict[str, Any]:
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
    """Bulk variant for imports: each dict has obj, action, changes, operation."""
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                **_entry_kwargs(
                    actor, e["obj"], e["action"], e.get("changes"), e.get("operation", ""), e.get("note", "")
                )
            )
            for e in entries
        ],
        batch_size=2000,
    )


def entries_for(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(
        HistoryEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")[:limit]
    )
