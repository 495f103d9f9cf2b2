"""Objects private to school B1 for the route × role matrix test."""

from __future__ import annotations

from edudx.core.actor import Actor


def providers(city) -> dict[str, tuple[int, str]]:
    from edudx.lrs import services

    cred, _secret = services.credential_issue(
        actor=Actor.system(source="matrix"), unit=city.schools[2].unit, name="Khoá xAPI riêng B1"
    )
    return {"credential_id": (cred.pk, cred.key)}


PUBLIC_ROUTES = {
    "lrs:xapi_about": "the xAPI About resource is public by the specification (versions, extensions)",
    "lrs:oauth_token": "the OAuth2 token endpoint authenticates the client itself (401 without valid client credentials)",
}
