"""Registering an LMS as an LTI 1.3 platform (the launches themselves are read-only: lti.py)."""

from __future__ import annotations

from django.db import transaction

from edudx.core.actor import Actor
from edudx.core.services import create_with_history

from .. import permissions as perms
from ..models import LtiPlatform
from ..schemas import PlatformIn


@transaction.atomic
def platform_register(*, actor: Actor, data: PlatformIn) -> LtiPlatform:
    actor.scope.require_any(perms.LTI_ADMIN)
    platform = LtiPlatform(**data.model_dump())
    create_with_history(
        actor=actor,
        obj=platform,
        fields=["name", "issuer", "client_id", "deployment_ids", "auth_login_url"],
        operation="library.lti_platform_register",
    )
    return platform
