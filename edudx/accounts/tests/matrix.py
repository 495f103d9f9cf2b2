"""Objects private to school B1 for the route × role matrix test (tests/test_route_matrix.py):
a user who holds a role only at B1, that membership, and that user's API token."""

from __future__ import annotations

from edudx.accounts import services
from edudx.core.actor import Actor

USER_MARKER = "mx_teacher_only_at_b1"
TOKEN_MARKER = "mx-token-of-b1-teacher"


def providers(city) -> dict[str, tuple[int, str]]:
    system = Actor.system(source="test")
    user = services.user_create(actor=system, username=USER_MARKER, full_name="MX Teacher B1", password=None)
    membership = services.membership_grant(actor=system, user=user, role="teacher", unit=city.schools[2].unit)
    token, _key = services.token_create(actor=system, user=user, name=TOKEN_MARKER)
    return {
        "user_id": (user.pk, USER_MARKER),
        "membership_id": (membership.pk, USER_MARKER),
        "token_id": (token.pk, TOKEN_MARKER),
    }
