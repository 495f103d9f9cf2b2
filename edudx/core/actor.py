"""Who is doing a write, through which door, on whose authority."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .scope import Scope

if TYPE_CHECKING:
    from django.http import HttpRequest


class Via:
    UI = "ui"
    API = "api"
    IMPORT = "import"
    CLI = "cli"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    user: Any  # accounts.User or None for the system
    scope: Scope
    via: str = Via.UI
    # What action or batch caused the write: e.g. "import:42" or "demo".
    source: str = ""

    @classmethod
    def system(cls, *, via: str = Via.SYSTEM, source: str = "") -> Actor:
        return cls(user=None, scope=Scope.system(), via=via, source=source)

    @classmethod
    def from_request(cls, request: HttpRequest, *, via: str = Via.UI) -> Actor:
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, scope=request.scope, via=via)  # type: ignore[attr-defined]

    def with_source(self, source: str, *, via: str | None = None) -> Actor:
        return Actor(user=self.user, scope=self.scope, via=via or self.via, source=source)

    @property
    def label(self) -> str:
        if self.user is None:
            return "system"
        return str(self.user.get_username())
