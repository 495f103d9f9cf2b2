"""OAuth 2.0 clients of approved apps (django-oauth-toolkit, client credentials). A secret is
returned once by the service that makes it and stored hashed (DOT's hash_client_secret);
rotating replaces it and ends the tokens issued with the old one; revoking deletes the DOT
application, so its tokens die with it."""

from __future__ import annotations

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


@transaction.atomic
def client_create(
    *, actor: Actor, app: PartnerApp, name: str, scopes: list[str]
) -> tuple[PartnerClient, str]:
    """A new client of an approved app; returns the client and its secret (shown once)."""
    actor.scope.require_any(perms.MANAGE)
    if app.state != AppState.APPROVED:
        raise Conflict(_("Only an approved app gets clients."), code="app_not_approved")
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
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        hash_client_secret=True,
        skip_authorization=True,
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
