"""Objects of school B1 (or of the department only) for the route × role matrix test."""

from __future__ import annotations


def providers(city) -> dict[str, tuple[object, str]]:
    from edudx.core.actor import Actor
    from edudx.partners import services
    from edudx.partners.profiles import REVIEW_KEYS
    from edudx.partners.schemas import AppIn, CompanyIn, ReviewIn

    a = Actor.system(source="matrix")
    b1 = city.schools[2]
    company = services.company_create(actor=a, data=CompanyIn(name="Công ty Ma Trận Riêng"))
    draft = services.app_create(
        actor=a, company=company, data=AppIn(name="Ứng dụng nháp ma trận", kind="quiz")
    )
    # A company with only a draft app is the department's to see; an approved app's company is
    # in everyone's catalogue, so it carries no marker.
    public = services.company_create(actor=a, data=CompanyIn(name="Công ty Ứng dụng Duyệt"))
    live = services.app_create(
        actor=a, company=public, data=AppIn(name="Ứng dụng duyệt", kind="lms", categories=["roster"])
    )
    services.app_review(actor=a, app=live, data=ReviewIn(items=dict.fromkeys(REVIEW_KEYS, (True, ""))))
    services.app_move(actor=a, app=live, move="submit")
    live = services.app_move(actor=a, app=live, move="approve")
    use = services.use_request(
        actor=a, app=live, school=b1, legal_basis="public_task", purpose="Mục đích riêng B1 ma trận"
    )
    client, _secret = services.client_create(
        actor=a, app=live, name="khach-ma-tran", scopes=list(services.known_scopes())
    )
    student, staff, klass = city.students[6], city.staff[2], city.classes[2]
    return {
        "company_id": (company.pk, "Công ty Ma Trận Riêng"),
        "app_id": (draft.pk, "Ứng dụng nháp ma trận"),
        "use_id": (use.pk, "Mục đích riêng B1 ma trận"),
        "client_id": (client.pk, client.client_id),
        "move": ("submit", ""),
        # OneRoster sourcedIds of B1 (the doors answer people's sessions 403, partners 404).
        "org_sid": (f"org{b1.pk}", ""),
        "class_sid": (f"cl{klass.pk}", ""),
        "user_sid": (f"s{student.pk}", ""),
        "enrollment_sid": (f"ta{staff.pk}", ""),
        "course_sid": (f"c{b1.pk}-{city.year.pk}-6", ""),
        "session_sid": (f"y{city.year.pk}", ""),
        # The change feed's resource (people's sessions 403, B1's changes never in it).
        "resource": ("users", ""),
        # A parent's consent link for a B1 pupil: before the phone digits it shows nothing.
        "link_token": (services.parent_link_make(actor=a, student=student), student.full_name),
    }


PUBLIC_ROUTES = {
    "partners:oauth_token": "the OAuth 2.0 token endpoint authenticates the client itself (RFC 6749 §4.4)",
    "partners:oidc_discovery": "OpenID Connect discovery is public by the standard (OIDC Discovery §4)",
    "partners:oidc_jwks": "the public keys that verify ID tokens are published (RFC 7517)",
    "partners:oidc_userinfo": "the OIDC userinfo endpoint authenticates the bearer token itself (401)",
    "partners:parent_consent": "a parent has no account: the signed link and the phone's last digits open it",
    "partners:parent_answer": "a parent has no account: answers only after the link's phone digits",
}
