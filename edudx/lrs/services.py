"""Writes of the LRS: credentials (issue, rotate, revoke, authenticate), the Python API the
platform's own learning features use to record statements, and the analytics warehouse's
refresh (Parquet parts the dashboard's selectors read)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from edudx.core import history, warehouse
from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed

from . import permissions as perms
from . import warehouse as lrs_warehouse
from .models import AccessToken, Credential, LaunchToken
from .tasks import warehouse_refresh
from .xapi.documents import state_put
from .xapi.errors import XapiError
from .xapi.store import Prepared, SqliteWriterLock, prepare_statements, store_statements, write_prepared
from .xapi.validate import V2, validate_statement


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _authority(name: str, key: str) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": settings.LRS_AUTHORITY_HOMEPAGE, "name": key},
    }


@transaction.atomic
def credential_issue(
    *, actor: Actor, unit: Any, name: str, can_read: bool = True, can_write: bool = True
) -> tuple[Credential, str]:
    """A new key for a partner or tool; returns the credential and its secret (shown once)."""
    actor.scope.require(perms.MANAGE_CREDENTIALS, unit.path)
    if not name.strip():
        raise ValidationFailed()
    key = "lrs_" + secrets.token_hex(10)
    secret = secrets.token_urlsafe(32)
    cred = Credential.objects.create(
        name=name.strip(),
        unit=unit,
        unit_path=unit.path,
        key=key,
        secret_hash=_hash(secret),
        authority=_authority(name.strip(), key),
        can_read=can_read,
        can_write=can_write,
        created_by=actor.user,
    )
    history.record(
        actor=actor,
        obj=cred,
        action="create",
        operation="lrs_credential_issue",
        changes={"unit": unit.pk, "key": key},
    )
    return cred, secret


@transaction.atomic
def credential_rotate(*, actor: Actor, credential: Credential) -> str:
    """A new secret for the same key and authority; the old secret stops working now."""
    actor.scope.require(perms.MANAGE_CREDENTIALS, credential.unit_path)
    if not credential.is_active:
        raise ValidationFailed(code="revoked")
    secret = secrets.token_urlsafe(32)
    credential.secret_hash = _hash(secret)
    credential.rotated_at = timezone.now()
    credential.save(update_fields=["secret_hash", "rotated_at", "updated_at"])
    AccessToken.objects.filter(credential=credential).delete()
    history.record(actor=actor, obj=credential, action="update", operation="lrs_credential_rotate")
    _CACHE.clear()
    return secret


@transaction.atomic
def credential_revoke(*, actor: Actor, credential: Credential) -> None:
    actor.scope.require(perms.MANAGE_CREDENTIALS, credential.unit_path)
    credential.is_active = False
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["is_active", "revoked_at", "updated_at"])
    AccessToken.objects.filter(credential=credential).delete()
    history.record(actor=actor, obj=credential, action="status", operation="lrs_credential_revoke")
    _CACHE.clear()


# A short in-process cache keeps per-request authentication off the database; rotation
# and revocation clear it here, and other processes see the change within its lifetime.
_CACHE: dict[str, tuple[float, Credential]] = {}
_CACHE_SECONDS = 30.0


def credential_authenticate(key: str, secret: str) -> Credential | None:
    digest = _hash(secret)
    hit = _CACHE.get(key)
    now = time.monotonic()
    if hit and now - hit[0] < _CACHE_SECONDS:
        cred = hit[1]
    else:
        found = Credential.objects.filter(key=key, is_active=True).first()
        if found is None:
            _CACHE.pop(key, None)
            return None
        cred = found
        _CACHE[key] = (now, cred)
        Credential.objects.filter(pk=cred.pk).update(last_used_at=timezone.now())
    if not cred.is_active or not hmac.compare_digest(cred.secret_hash, digest):
        return None
    return cred


def token_issue(*, credential: Credential) -> tuple[str, int]:
    """OAuth2 client-credentials grant: a bearer token for the credential."""
    token = secrets.token_urlsafe(32)
    lifetime = settings.LRS_TOKEN_SECONDS
    AccessToken.objects.create(
        credential=credential,
        token_hash=_hash(token),
        expires_at=timezone.now() + dt.timedelta(seconds=lifetime),
    )
    return token, lifetime


def token_authenticate(token: str) -> Credential | None:
    row = (
        AccessToken.objects.filter(token_hash=_hash(token), expires_at__gt=timezone.now())
        .select_related("credential")
        .first()
    )
    if row is None or not row.credential.is_active:
        return None
    return row.credential


# --- cmi5 launches: the LMS (learning) issues a token for one learner, registration and AU,
# hands it to the AU once through its fetch URL, and hears of the statements the AU sent.
LAUNCH_KEY_PREFIX = "cmi5-"
LAUNCH_TOKEN_SECONDS = 12 * 3600
# Sent after statements written with a launch token are stored: launch (LaunchToken), statements.
launch_statements_stored = Signal()


def launch_token_issue(
    *, unit_path: str, actor: dict[str, Any], registration: str, activity_id: str, authority_name: str
) -> str:
    """A new launch token; returns what the AU sends as HTTP Basic credentials (base64 of
    key:secret — the cmi5 fetch URL's `auth-token`). Only the secret's hash is kept."""
    key = LAUNCH_KEY_PREFIX + secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    LaunchToken.objects.create(
        key=key,
        secret_hash=_hash(secret),
        unit_path=unit_path,
        authority=_authority(authority_name, key),
        actor=actor,
        registration=registration,
        activity_id=activity_id,
        expires_at=timezone.now() + dt.timedelta(seconds=LAUNCH_TOKEN_SECONDS),
    )
    return base64.b64encode(f"{key}:{secret}".encode()).decode()


def launch_authenticate(key: str, secret: str) -> Credential | None:
    """A launch token as a credential bound to its unit, carrying `launch` (what it may touch:
    lrs.xapi.launch). Not saved: statements it writes have no credential row."""
    row = LaunchToken.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    cred = Credential(name="cmi5", unit_path=row.unit_path, key=row.key, authority=row.authority)
    cred.launch = row  # type: ignore[attr-defined]
    return cred


def launch_state_put(
    *, unit_path: str, activity_id: str, agent: dict[str, Any], registration: str, state_id: str, content: Any
) -> None:
    """The LMS writes a State document (cmi5's LMS.LaunchData) in-process."""
    state_put(
        unit_path=unit_path,
        activity_id=activity_id,
        agent=agent,
        registration=registration,
        state_id=state_id,
        content=content,
    )


def statement_record(
    *,
    actor: Actor,
    statement: dict[str, Any],
    unit: Any,
    version: str = V2,
) -> str:
    """Record one statement written by the platform itself (courses, quizzes): validated as
    a 2.0 statement, stored in `unit`'s subtree with the platform as authority. Returns the
    statement id. Raises ValidationFailed with the xAPI message when the statement is invalid.

    The platform writes on its own authority: the calling feature has already decided that
    `actor` may do what the statement records, so no LRS permission is checked here."""
    del actor  # kept in the signature so every write names who caused it
    try:
        validate_statement(statement, version)
        ids = store_statements([statement], version=version, credential=None, unit_path=unit.path)
    except XapiError as exc:
        raise ValidationFailed(exc.message, code=f"xapi_{exc.status}") from exc
    return ids[0]


MAX_BATCH = 5_000  # statements in one platform batch; more is a caller's bug, not a workload


def statements_record(
    *,
    actor: Actor,
    statements: list[dict[str, Any]],
    unit: Any,
    version: str = V2,
) -> list[str]:
    """Record many statements written by the platform itself in one transaction: each is
    validated as `statement_record` validates one, then all are stored by one call of the
    LRS's write path (one id lookup, one insert, one pass over keys and definitions). All or
    nothing: an invalid statement refuses the batch with ValidationFailed naming its position
    (code `xapi_<status>`), and nothing is stored. Returns the ids in order."""
    if not statements:
        return []
    return statements_store(
        actor=actor, batches=[statements_prepare(statements=statements, unit=unit, version=version)]
    )


def statements_prepare(*, statements: list[dict[str, Any]], unit: Any, version: str = V2) -> Prepared:
    """The first half of `statements_record`, needing no database and no lock: the statements
    validated (refused as `statements_record` refuses them) and made ready to store — LRS-set
    properties, encoded JSON, index keys, row values. A caller that stores under a lock it
    holds (a writer of many requests) prepares each request's statements before taking it."""
    if len(statements) > MAX_BATCH:
        raise ValidationFailed(code="xapi_batch_too_large")
    for n, statement in enumerate(statements):
        try:
            validate_statement(statement, version)
        except XapiError as exc:
            raise ValidationFailed(f"[{n}] {exc.message}", code=f"xapi_{exc.status}") from exc
    try:
        return prepare_statements(statements, version=version, credential=None, unit_path=unit.path)
    except XapiError as exc:
        raise ValidationFailed(exc.message, code=f"xapi_{exc.status}") from exc


def statements_store(*, actor: Actor, batches: list[Prepared]) -> list[str]:
    """The second half: store prepared batches of one unit as one (one id lookup, one insert),
    in the caller's transaction if it has one. All or nothing, as `statements_record`. Returns
    the ids in order."""
    del actor  # as in statement_record
    batches = [b for b in batches if b.pending]
    if not batches:
        return []
    try:
        return write_prepared(batches[0] if len(batches) == 1 else Prepared.join(batches))
    except XapiError as exc:
        raise ValidationFailed(exc.message, code=f"xapi_{exc.status}") from exc


def writer_lock() -> SqliteWriterLock:
    """The LRS's writer lock (on SQLite a file lock; elsewhere nothing), for a caller that
    writes statements with other rows in one transaction it opens itself — take it before
    `transaction.atomic()`: inside, `statements_record` finds the lock held and the writers
    of every process wake one after another instead of sleeping in SQLite's busy handler."""
    return SqliteWriterLock()


INLINE_REFRESH_ROWS = 20_000  # exported inline before a dashboard read; more goes to the task (decision 0007)


def analytics_refresh() -> warehouse.Freshness:
    """Bring the statements dataset of the analytics warehouse up to date before a read: inline
    when little is new (a dashboard view costs milliseconds more), else through the background
    task, so no page waits minutes. Returns how far the warehouse now reaches."""
    fresh = warehouse.freshness(lrs_warehouse.NAME)
    if fresh.up_to_date:
        return fresh
    if fresh.latest - fresh.high_water <= INLINE_REFRESH_ROWS:
        warehouse.refresh(lrs_warehouse.NAME)
    else:
        warehouse_refresh.enqueue()
    return warehouse.freshness(lrs_warehouse.NAME)
