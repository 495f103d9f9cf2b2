"""django-oauth-toolkit's scopes backend (settings OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]):
a client may ask only the scopes the department gave it, and gets all of them by default."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import SettingsScopes


def _client_scopes(application: Any) -> list[str]:
    from .models import PartnerClient

    if application is None:
        return []
    client = PartnerClient.objects.filter(application_id=application.pk, revoked_at__isnull=True).first()
    return list(client.scopes) if client else []


class ClientScopes(SettingsScopes):
    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _client_scopes(application)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _client_scopes(application)
