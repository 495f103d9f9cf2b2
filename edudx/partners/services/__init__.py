"""Every write of partners: the catalogue and its review, a school's use of an app, OAuth
clients, consent, and the access log."""

from .catalogue import (
    MOVES,
    app_create,
    app_move,
    app_review,
    app_update,
    company_create,
    contact_add,
    contract_add,
    review_complete,
    use_decide,
    use_request,
    use_revoke,
)
from .clients import client_create, client_revoke, client_rotate, known_scopes
from .consent import CHANNELS, consent_set, is_self, parent_link_check, parent_link_make, parent_link_student
from .metering import request_log

__all__ = [
    "CHANNELS",
    "MOVES",
    "app_create",
    "app_move",
    "app_review",
    "app_update",
    "client_create",
    "client_revoke",
    "client_rotate",
    "company_create",
    "consent_set",
    "contact_add",
    "contract_add",
    "is_self",
    "known_scopes",
    "parent_link_check",
    "parent_link_make",
    "parent_link_student",
    "request_log",
    "review_complete",
    "use_decide",
    "use_request",
    "use_revoke",
]
