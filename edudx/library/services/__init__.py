"""Every write to the library, one module per subject: resources and versions, the review
workflow, readers' use/ratings/comments, collections, LTI platforms. Callers import
`edudx.library.services` and find every service here."""

from __future__ import annotations

from .collections import (
    collection_add,
    collection_create,
    collection_move,
    collection_note,
    collection_remove,
    collection_reorder,
    collection_update,
)
from .engagement import comment_add, rating_set, use_record
from .lti import platform_register
from .resources import resource_create, resource_update, version_add
from .workflow import (
    resource_publish,
    resource_return,
    resource_review,
    resource_submit,
    resource_takedown,
)

__all__ = [
    "collection_add",
    "collection_create",
    "collection_move",
    "collection_note",
    "collection_remove",
    "collection_reorder",
    "collection_update",
    "comment_add",
    "platform_register",
    "rating_set",
    "resource_create",
    "resource_publish",
    "resource_return",
    "resource_review",
    "resource_submit",
    "resource_takedown",
    "resource_update",
    "use_record",
    "version_add",
]
