"""Objects private to school B1 for the route × role matrix test (tests/test_route_matrix.py):
a user who holds a role only at B1, that membership, and that user's API token."""

from __future__ import annotations

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from edudx.accounts import services
from edudx.core.actor import Actor

USER_MARKER = "mx_teacher_only_at_b1"
# Password reset by e-mail is for people who cannot log in: open by design. The link's
# kwargs are not ids: the matrix gets the B1 user's uidb64 with a token that is not valid.
PUBLIC_ROUTES = {
    "accounts:password_reset": "the forgotten-password form: for people who cannot log in",
    "accounts:password_reset_done": "the page after the form: says nothing about any account",
    "accounts:password_reset_confirm": "the link from the e-mail: the token is the credential",
    "accounts:password_reset_complete": "the page after a reset: says nothing about any account",
}
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
        "uidb64": (urlsafe_base64_encode(force_bytes(user.pk)), ""),
        "token": ("not-a-valid-token", ""),
    }
