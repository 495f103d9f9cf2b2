"""The HTML side of the error vocabulary: a service's DomainError shown on a Django form.

Every create/edit view calls a service and, when it refuses, puts the refusal back on the
form the user filled. One function does it for every app, so every form says the same thing
the same way: a field's error beside that field, anything else on top of the form.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import models

from edudx.core.errors import DomainError


def apply_domain_error(
    form: forms.BaseForm, exc: DomainError, *, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's field errors next to the fields; the rest on top of the form.

    `aliases` maps a service's field name to the form's where they differ (e.g. a service's
    `code` shown on the form's `moet_code`). A detail naming a field the form does not show,
    or shows disabled, goes on top; with no details at all, the error's own message does.
    """
    for detail in exc.details:
        name = (aliases or {}).get(detail.field, detail.field)
        visible = bool(name) and name in form.fields and not form.fields[name].disabled
        form.add_error(name if visible else None, str(detail.message))
    if not exc.details:
        form.add_error(None, str(exc.message))


F = TypeVar("F", bound=forms.Field)
# A choice field whose queryset a form's __init__ gives (declared with queryset=None).
ModelChoice = forms.ModelChoiceField[models.Model]


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """`form.fields[name]` as the field class it was declared with (django-stubs types every
    entry as Field), so an __init__ can set a queryset or choices with their types checked."""
    field: Any = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class UnitChoiceField(ModelChoice):
    """A choice of organisational unit, indented by its depth in the tree: "— — Phường A (PA)"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * obj.depth}{obj.name} ({obj.code})"
