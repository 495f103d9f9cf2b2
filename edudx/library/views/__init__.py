"""HTML pages of the library, one module per subject: thin — parse, call a selector or
service, render. urls.py names every page through this package."""

from __future__ import annotations

from .collections import (
    collection_cartridge,
    collection_create,
    collection_detail,
    collection_edit,
    collection_items,
    collection_list,
)
from .files import resource_go, version_download, version_preview, version_thumbnail
from .resources import (
    resource_action,
    resource_comment,
    resource_create,
    resource_detail,
    resource_edit,
    resource_rate,
    version_add,
)
from .review import my_resources, review_queue
from .search import most_used, resource_list, suggest

__all__ = [
    "collection_cartridge",
    "collection_create",
    "collection_detail",
    "collection_edit",
    "collection_items",
    "collection_list",
    "most_used",
    "my_resources",
    "resource_action",
    "resource_comment",
    "resource_create",
    "resource_detail",
    "resource_edit",
    "resource_go",
    "resource_list",
    "resource_rate",
    "review_queue",
    "suggest",
    "version_add",
    "version_download",
    "version_preview",
    "version_thumbnail",
]
