"""The platform's RSA signing keys and the JOSE helpers of the LTI platform side.

Private keys are kept in the database (`LtiPlatformKey.private_key`) encrypted with Fernet under a
key derived from SECRET_KEY; `key_rotate` makes a new current key and keeps the old one in the
JWKS for `RETIRED_KEEP` so the tokens it signed still verify. A tool's keys are its JWKS (pasted,
or fetched from its JWKS URL: 5 s, 64 kB, cached 10 minutes) or one PEM public key."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import time
import urllib.request
import uuid
from typing import Any

import jwt
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from ..models import LtiPlatformKey, LtiTool, LtiUsed
from .errors import BadToken, LtiError, Replayed

RETIRED_KEEP = dt.timedelta(days=7)
MAX_JWT = 8192  # an id_token, a deep-linking response or a client assertion is a few kB
JWKS_MAX = 65536


def _fernet() -> Fernet:
    seed = hashlib.sha256(b"edudx.learning.lti.platform-key:" + str(settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(seed))


def _new_key() -> LtiPlatformKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    kid = uuid.uuid4().hex
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return LtiPlatformKey.objects.create(kid=kid, private_key=_fernet().encrypt(pem).decode(), public_jwk=jwk)


def current_key() -> LtiPlatformKey:
    key = LtiPlatformKey.objects.filter(retired_at__isnull=True).first()
    return key if key is not None else _new_key()


@transaction.atomic
def key_rotate() -> LtiPlatformKey:
    """A new current key; the old ones stay published until RETIRED_KEEP has passed."""
    now = timezone.now()
    LtiPlatformKey.objects.filter(retired_at__isnull=True).update(
        retired_at=now, expires_at=now + RETIRED_KEEP
    )
    return _new_key()


def jwks() -> dict[str, Any]:
    current_key()
    now = timezone.now()
    live = LtiPlatformKey.objects.exclude(expires_at__lt=now)
    return {"keys": [k.public_jwk for k in live]}


def sign(claims: dict[str, Any]) -> str:
    key = current_key()
    private = _fernet().decrypt(key.private_key.encode())
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": key.kid, "typ": "JWT"})


def _fetch_jwks(url: str) -> dict[str, Any]:
    cached = cache.get(f"learning.lti.jwks:{url}")
    if cached is not None:
        return dict(cached)
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (https/http URL field)
            body = json.loads(response.read(JWKS_MAX + 1)[:JWKS_MAX])
    except (OSError, ValueError) as exc:
        raise BadToken() from exc
    if not isinstance(body, dict):
        raise BadToken()
    cache.set(f"learning.lti.jwks:{url}", body, 600)
    return body


def _tool_keys(tool: LtiTool, kid: str | None) -> list[Any]:
    keys: list[Any] = []
    if tool.public_key.strip():
        with contextlib.suppress(ValueError):
            keys.append(serialization.load_pem_public_key(tool.public_key.encode()))
    jwk_set = tool.jwks if tool.jwks else (_fetch_jwks(tool.jwks_url) if tool.jwks_url else {})
    for jwk in jwk_set.get("keys", []) if isinstance(jwk_set, dict) else []:
        if (
            not isinstance(jwk, dict)
            or jwk.get("kty") != "RSA"
            or (kid and jwk.get("kid") not in (None, kid))
        ):
            continue
        try:
            keys.append(RSAAlgorithm.from_jwk(jwk))
        except (ValueError, KeyError, jwt.InvalidKeyError):
            continue
    return keys


def verify_tool_jwt(tool: LtiTool, token: str, *, audience: str | list[str]) -> dict[str, Any]:
    """The claims of a JWT the tool signed (RS256 only), its audience, expiry and issue time checked."""
    if not token or len(token) > MAX_JWT or token.count(".") != 2:
        raise BadToken()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise BadToken() from exc
    if header.get("alg") != "RS256":
        raise BadToken()
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    for key in _tool_keys(tool, kid):
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=audience,
                options={"require": ["exp", "iat", "iss", "aud"]},
                leeway=30,
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise BadToken() from exc
        return claims
    raise BadToken()


def unverified_claims(token: str) -> dict[str, Any]:
    """Only to find which tool signed it (iss/sub); the signature is checked next."""
    if not token or len(token) > MAX_JWT or token.count(".") != 2:
        raise BadToken()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise BadToken() from exc
    if not isinstance(claims, dict):
        raise BadToken()
    return claims


def once(key: str, *, ttl_s: int = 3600) -> None:
    """Remember a nonce or jti; a second use of it is refused (`lti_replayed`)."""
    if not key or len(key) > 255:
        raise LtiError()
    LtiUsed.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            LtiUsed.objects.create(key=key, expires_at=timezone.now() + dt.timedelta(seconds=ttl_s))
    except IntegrityError as exc:
        raise Replayed() from exc


def now_s() -> int:
    return int(time.time())
