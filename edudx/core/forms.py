"""The HTML side of the error vocabulary: a service's DomainError shown on a Django form.

Every create/edit view calls a service and, when it refuses, puts the refusal back on the
form the user filled. One function does it for every app, so every form says the same thing
the same way: a field's error beside that field, anything else on top of the form.
"""

from __future__ import annotations

from django import forms

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
