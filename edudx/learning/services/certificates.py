"""Certificates of open courses passed: a row with a public number, an Open Badges 3.0
OpenBadgeCredential (a W3C Verifiable Credential) signed as a VC-JWT with the platform's
Ed25519 key, a PDF with a QR code to the public verification page, and revocation.

The key lives under the var dir (`learning/ob-signing-key.pem`, made on first use); its public
half is published as a JWK set at /learning/verify/jwks.json, which the verification page and
any outside verifier use."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, NotFound
from edudx.core.locks import file_lock

from .. import statements
from ..models import Certificate, Course, CourseKind, Lesson, LessonState, Progress
from .courses import require_author

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def _key_path() -> Path:
    return Path(settings.VAR_DIR) / "learning" / "ob-signing-key.pem"


def signing_key() -> Ed25519PrivateKey:
    """The platform's badge-signing key, made once (under a file lock) and kept in the var dir."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(str(path) + ".lock"):
            if not path.exists():
                pem = Ed25519PrivateKey.generate().private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(pem)
                tmp.chmod(0o600)
                tmp.replace(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk() -> dict[str, str]:
    raw = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64(raw),
        "kid": _b64(raw)[:16],
        "alg": "EdDSA",
        "use": "sig",
    }


def base_url() -> str:
    return str(settings.LRS_AUTHORITY_HOMEPAGE).rstrip("/")


def verify_url(number: str) -> str:
    return f"{base_url()}/learning/verify/{number}/"


def credential_json(cert: Certificate) -> dict[str, Any]:
    """The OpenBadgeCredential (OB 3.0, VC data model 2.0) of a certificate."""
    course = cert.course
    issued = cert.issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verify_url(cert.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": f"{base_url()}/learning/verify/issuer.json",
            "type": ["Profile"],
            "name": cert.issuer_name,
            "url": base_url(),
        },
        "validFrom": issued,
        "name": course.title,
        "credentialSubject": {
            "id": f"urn:uuid:{_subject_uuid(cert)}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{base_url()}/learning/open/{course.pk}/",
                "type": ["Achievement"],
                "name": course.title,
                "description": (course.description or course.title)[:2000],
                "criteria": {
                    "narrative": str(_("Complete every lesson of the course with at least %(mark)s%%."))
                    % {"mark": course.pass_mark}
                },
                "achievementType": "Certificate",
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def _subject_uuid(cert: Certificate) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url()}/learning/certificates/{cert.number}/subject"))


def sign(credential: dict[str, Any]) -> str:
    """VC-JWT: the credential is the JWT's claims, with iss, jti, sub and nbf alongside."""
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(dt.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp()),
    }
    return jwt.encode(
        claims, signing_key(), algorithm="EdDSA", headers={"kid": public_jwk()["kid"], "typ": "JWT"}
    )


def verify(token: str) -> dict[str, Any] | None:
    """The credential when the signature is the platform's and the token is well formed."""
    jwk = public_jwk()
    try:
        key = jwt.PyJWK(jwk).key
        assert isinstance(key, Ed25519PublicKey)
        claims: dict[str, Any] = jwt.decode(token, key, algorithms=["EdDSA"], options={"verify_aud": False})
    except (jwt.PyJWTError, ValueError):
        return None
    return claims


def course_passed(*, course: Course, user_id: int) -> tuple[bool, Any]:
    """Every published lesson completed and passed; returns (passed, average score)."""
    lessons = list(
        Lesson.objects.filter(course=course, state=LessonState.PUBLISHED).values_list("pk", flat=True)
    )
    if not lessons:
        return False, None
    done = list(Progress.objects.filter(lesson_id__in=lessons, user_id=user_id, completed_at__isnull=False))
    if len(done) < len(lessons) or any(p.passed is False for p in done):
        return False, None
    scores = [p.score for p in done if p.score is not None]
    return True, (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None


def certificate_issue_if_passed(*, actor: Actor, course: Course) -> Certificate | None:
    """Called when a learner completes a lesson of an open course: the certificate once the
    whole course is passed (once per learner and course)."""
    if course.kind != CourseKind.OPEN or actor.user is None:
        return None
    existing = Certificate.objects.filter(course=course, user=actor.user).first()
    if existing is not None:
        return existing
    passed, score = course_passed(course=course, user_id=actor.user.pk)
    if not passed:
        return None
    from edudx.core.scope import Scope
    from edudx.orgs import selectors as orgs

    # The issuing unit: the school, or the unit whose subtree the course belongs to.
    unit = orgs.unit_list(scope=Scope.system()).filter(path=course.unit_path).first()
    issuer = unit.name if unit is not None else "edudx"
    cert = Certificate.objects.create(
        number=secrets.token_hex(8).upper(),
        course=course,
        user=actor.user,
        unit_path=course.unit_path,
        issuer_name=issuer,
        learner_name=getattr(actor.user, "full_name", "") or actor.user.get_username(),
        score=score,
        issued_at=timezone.now(),
    )
    cert.credential = sign(credential_json(cert))
    cert.save(update_fields=["credential"])
    statements.write(
        actor=actor,
        course=course,
        statement=statements.build(
            user_id=actor.user.pk,
            verb="earned",
            obj=statements.activity("course", course.pk, course.title),
            course=course,
            result={"extensions": {statements.CERT_EXT: verify_url(cert.number)}},
        ),
    )
    return cert


def certificate_of(*, course: Course, user_id: int | None) -> Certificate | None:
    if not user_id:
        return None
    return Certificate.objects.filter(course=course, user_id=user_id).first()


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """The issuing unit withdraws a certificate; the verification page says so from now on."""
    require_author(actor, certificate.course)
    cert = Certificate.objects.select_for_update().filter(pk=certificate.pk).first()
    if cert is None:
        raise NotFound()
    if cert.revoked_at is not None:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    cert.revoked_at = timezone.now()
    cert.revoke_reason = reason.strip()[:300]
    cert.save(update_fields=["revoked_at", "revoke_reason"])
    history.record(
        actor=actor,
        obj=cert,
        action="revoke",
        changes={"revoked_at": [None, cert.revoked_at.isoformat()]},
        operation="learning.certificate_revoke",
    )
    return cert


def certificate_pdf(cert: Certificate) -> bytes:
    """An A4 landscape certificate with the issuing unit, the learner, the course, the date and
    a QR code (segno) to the public verification page. Vietnamese text in DejaVu (system font)."""
    import segno
    from django.template.loader import render_to_string
    from weasyprint import HTML

    qr = segno.make(verify_url(cert.number), error="m").svg_data_uri(scale=4)
    html = render_to_string(
        "learning/certificate_pdf.html", {"cert": cert, "qr": qr, "url": verify_url(cert.number)}
    )
    out: bytes = HTML(string=html).write_pdf()
    return out


def issuer_profile() -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"{base_url()}/learning/verify/issuer.json",
        "type": ["Profile"],
        "name": "edudx",
        "url": base_url(),
        "publicKey": public_jwk(),
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
