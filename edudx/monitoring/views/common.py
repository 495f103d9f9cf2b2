from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied


def actor(request) -> Actor:
    return Actor.from_request(request)


def error_text(exc: DomainError) -> str:
    parts = [str(exc.message)] + [str(d.message) for d in exc.details]
    return " ".join(dict.fromkeys(p for p in parts if p))


def flash_error(request, exc: DomainError) -> None:
    """Show a refused write as a message; refusals of access stay errors (403/404 pages)."""
    if isinstance(exc, PermissionDenied | NotFound):
        raise exc
    messages.error(request, error_text(exc))


def back(request, fallback: str):
    return redirect(request.POST.get("next") or fallback)


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
