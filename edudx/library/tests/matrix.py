"""Objects private to school B1 for the route × role matrix test (docs/developing.md)."""

from __future__ import annotations

PUBLIC_ROUTES = {
    "library:oai": "OAI-PMH harvesters call without a session; it shows metadata of published resources only",
    "library:lti_login": "LTI 1.3 OIDC login initiation, called by the LMS",
    "library:lti_launch": "LTI 1.3 launch: authenticated by the platform's signed id_token",
    "library:lti_pick": "LTI deep-linking answer: authenticated by the cached, validated launch",
    "library:lti_jwks": "the tool's public keys, fetched by LMSs",
    "library:lti_file": "download for LMS users: authenticated by a signed, expiring token",
}

MARKER_RESOURCE = "MATRIX-B1-DRAFT Tài liệu riêng của B1"
MARKER_COLLECTION = "MATRIX-B1-PRIVATE Bộ sưu tập riêng của B1"


def providers(city) -> dict[str, tuple[int, str]]:
    from edudx.accounts import services as accounts
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.library import services
    from edudx.library.schemas import CollectionIn, ResourceIn

    from .helpers import docx_bytes

    system = Actor.system(source="matrix")
    b1 = city.schools[2]
    user = accounts.user_create(
        actor=system, username="t_b1_teacher", full_name="Giáo viên B1", password=None
    )
    accounts.membership_grant(actor=system, user=user, role=Role.TEACHER, unit=b1.unit)
    teacher_b1 = Actor(user=user, scope=accounts.scope_for_user(user))
    resource = services.resource_create(
        actor=teacher_b1,
        school=b1,
        data=ResourceIn(
            title=MARKER_RESOURCE, resource_type="document", subject="toan", licence="CC-BY-4.0", grades=[6]
        ),
        upload=("b1.docx", docx_bytes(MARKER_RESOURCE)),
    )
    collection = services.collection_create(
        actor=teacher_b1, school=b1, data=CollectionIn(title=MARKER_COLLECTION, visibility="private")
    )
    return {
        "action": ("submit", ""),
        "step": ("submit", ""),
        "resource_id": (resource.pk, MARKER_RESOURCE),
        "version_id": (resource.current_version_id, MARKER_RESOURCE),
        "collection_id": (collection.pk, MARKER_COLLECTION),
    }
