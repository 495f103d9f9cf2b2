"""OAuth 2.0 clients of approved apps (django-oauth-toolkit, client credentials). A secret is
returned once by the service that makes it and stored hashed (DOT's hash_client_secret);
rotating replaces it and ends the tokens issued with the old one; revoking deletes the DOT
application, so its tokens die with it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import AccessToken, Application

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, ValidationFailed
from edudx.core.services import create_with_history

from .. import permissions as perms
from ..models import AppState, PartnerApp, PartnerClient


def known_scopes() -> tuple[str, ...]:
    return tuple(settings.OAUTH2_PROVIDER["SCOPES"])


GRANTS = ("client_credentials", "authorization_code")
OIDC_SCOPES = frozenset({"openid", "profile"})


def _redirect_uris(value: str) -> str:
    """Space-separated absolute redirect URIs: https, or http to this machine only."""
    uris = value.split()
    ok = bool(uris) and len(uris) <= 5
    for uri in uris:
        parts = urlsplit(uri)
        local = parts.hostname in ("localhost", "127.0.0.1")
        if (
            not parts.netloc
            or parts.fragment
            or not (parts.scheme == "https" or (parts.scheme == "http" and local))
        ):
            ok = False
    if not ok or len(value) > 1000:
        raise ValidationFailed(
            _("Give one to five redirect URIs: https, or http to localhost only."),
            details=[FieldError("redirect_uris", "invalid", str(_("Give absolute https URIs.")))],
        )
    return " ".join(uris)


@transaction.atomic
def client_create(
    *,
    actor: Actor,
    app: PartnerApp,
    name: str,
    scopes: list[str],
    grant: str = "client_credentials",
    redirect_uris: str = "",
) -> tuple[PartnerClient, str]:
    """A new client of an approved app; returns the client and its secret (shown once).
    `authorization_code`: an app acting for a signed-in user (PKCE required, OpenID Connect ID
    tokens signed RS256); it then sees only what both the user and the app's schools allow."""
    if grant not in GRANTS:
        raise ValidationFailed(_("Choose how the client signs in."), code="bad_grant")
    actor.scope.require_any(perms.MANAGE)
    if app.state != AppState.APPROVED:
        raise Conflict(_("Only an approved app gets clients."), code="app_not_approved")
    if grant == "client_credentials" and set(scopes) & OIDC_SCOPES:
        scopes = [s for s in scopes if s not in OIDC_SCOPES]  # no user, no identity to tell
    uris = _redirect_uris(redirect_uris) if grant == "authorization_code" else ""
    if not scopes or not set(scopes) <= set(known_scopes()):
        raise ValidationFailed(
            _("Choose the scopes of the client."),
            details=[FieldError("scopes", "invalid_choice", str(_("Choose scopes from the list.")))],
        )
    secret: str = generate_client_secret()
    client_id = generate_client_id()
    application = Application.objects.create(
        name=f"{app.name} — {name}"[:255],
        client_id=client_id,
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=(
            Application.GRANT_CLIENT_CREDENTIALS
            if grant == "client_credentials"
            else Application.GRANT_AUTHORIZATION_CODE
        ),
        redirect_uris=uris,
        algorithm=Application.RS256_ALGORITHM if grant == "authorization_code" else Application.NO_ALGORITHM,
        hash_client_secret=True,
        # The user is asked once per app (the authorize page); client credentials ask nobody.
        skip_authorization=grant == "client_credentials",
    )
    client = PartnerClient(
        app=app, application_id=application.pk, name=name[:100], client_id=client_id, scopes=scopes
    )
    create_with_history(
        actor=actor, obj=client, fields=("name", "client_id", "scopes"), operation="partners.client_create"
    )
    return client, secret


def _live(client: PartnerClient) -> Application:
    client = PartnerClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at or client.application_id is None:
        raise Conflict(_("This client is revoked."), code="client_revoked")
    application = Application.objects.get(pk=client.application_id)
    return application


@transaction.atomic
def client_rotate(*, actor: Actor, client: PartnerClient) -> str:
    """A new secret (returned once); tokens issued under the old one stop working."""
    actor.scope.require_any(perms.MANAGE)
    application = _live(client)
    secret: str = generate_client_secret()
    application.client_secret = secret
    application.save(update_fields=["client_secret", "updated"])
    AccessToken.objects.filter(application=application).delete()
    history.record(actor=actor, obj=client, action="rotate", operation="partners.client_rotate")
    return secret


@transaction.atomic
def client_revoke(*, actor: Actor, client: PartnerClient) -> PartnerClient:
    actor.scope.require_any(perms.MANAGE)
    application = _live(client)
    AccessToken.objects.filter(application=application).delete()
    application.delete()
    client.refresh_from_db()
    client.revoked_at = timezone.now()
    client.application_id = None
    client.save(update_fields=["revoked_at", "application_id", "updated_at"])
    history.record(actor=actor, obj=client, action="revoke", operation="partners.client_revoke")
    return client
