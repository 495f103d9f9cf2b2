"""Helpers that every app's services use to write with history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models

from . import history
from .actor import Actor
from .errors import Conflict, FieldError, ValidationFailed

M = TypeVar("M", bound=models.Model)


def full_clean_or_raise(obj: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=list(exclude or []), validate_unique=True)
    except DjangoValidationError as exc:
        details = (
            [
                FieldError(
                    field if field != "__all__" else "",
                    getattr(err, "code", None) or "invalid",
                    err.messages[0],
                )
                for field, errs in exc.error_dict.items()
                for err in errs
            ]
            if hasattr(exc, "error_dict")
            else [FieldError("", "invalid", m) for m in exc.messages]
        )
        raise ValidationFailed(details=details) from exc


def create_with_history(*, actor: Actor, obj: M, fields: Iterable[str], operation: str) -> M:
    full_clean_or_raise(obj)
    try:
        obj.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict() from exc
    after = history.snapshot(obj, fields)
    history.record(
        actor=actor,
        obj=obj,
        action="create",
        changes={k: [None, v] for k, v in after.items() if v not in (None, "")},
        operation=operation,
    )
    return obj


def update_with_history(
    *,
    actor: Actor,
    obj: models.Model,
    data: Mapping[str, Any],
    fields: Iterable[str],
    operation: str,
    action: str = "update",
    note: str = "",
) -> dict[str, list[Any]]:
    """Set `data` on `obj` (only keys listed in `fields`), save, and record what changed.

    Returns the changes; nothing is written when nothing changed (imports stay idempotent).
    """
    fields = list(fields)
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")
    before = history.snapshot(obj, fields)
    for key, value in data.items():
        field = obj._meta.get_field(key)
        if isinstance(field, models.Field) and field.is_relation and not isinstance(value, models.Model):
            setattr(obj, field.attname, value)
        else:
            setattr(obj, key, value)
    after = history.snapshot(obj, fields)
    changes = history.diff(before, after)
    if not changes:
        return {}
    full_clean_or_raise(obj)
    try:
        obj.save(
            update_fields=[obj._meta.get_field(k).name for k in changes]
            + (["updated_at"] if any(f.name == "updated_at" for f in obj._meta.fields) else [])
        )
    except IntegrityError as exc:
        raise Conflict() from exc
    history.record(actor=actor, obj=obj, action=action, changes=changes, operation=operation, note=note)
    return changes
