"""Navigation entries, declared by each app in its own `navigation.py`.

The layout shows an entry when the user's scope holds its permission anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavItem:
    section: Any  # translatable section heading, e.g. _("Registry")
    label: Any
    url_name: str
    permission: str | None
    icon: str = "circle"  # a Bootstrap Icons name
    order: int = 100


_ITEMS: list[NavItem] = []


def nav_item(**kwargs: Any) -> None:
    item = NavItem(**kwargs)
    if all(i.url_name != item.url_name for i in _ITEMS):
        _ITEMS.append(item)


def items() -> list[NavItem]:
    return sorted(_ITEMS, key=lambda i: (i.order, str(i.label)))
