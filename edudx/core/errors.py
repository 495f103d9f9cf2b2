"""One error vocabulary for every module.

Services raise these; one handler maps them to HTTP/JSON (api) and one to form errors
and pages (web). `code` is stable and machine-readable; `message` is translatable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class DomainError(Exception):
    status = 400
    code = "error"
    default_message = _("The request could not be completed.")

    def __init__(
        self, message: Any = None, *, code: str | None = None, details: list[FieldError] | None = None
    ):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details: list[FieldError] = list(details or [])
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": str(self.message),
                "details": [d.as_dict() for d in self.details],
            }
        }


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found, or outside your scope.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    default_message = _("Some fields are not valid.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The record was changed by someone else or already exists.")


@dataclass
class ErrorCollector:
    """Collects field errors so a service can report all of them at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, code: str, message: Any) -> None:
        self.errors.append(FieldError(field_name, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(details=self.errors)
