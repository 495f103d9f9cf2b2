"""The rows a batch writes: statements (ids assigned on SQLite), their index keys, their
attachments, and the plain-SQL lookups of the write path, each limited to a subtree."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection

from edudx.core.db.bulk import select_in
from edudx.core.db.sqlite import max_id
from edudx.core.scope import path_upper_bound

from ...models import Attachment, Statement, StatementAttachment, StatementKey

_COLUMNS = (
    "statement_id",
    "stored",
    "data",
    "voided",
    "voids",
    "unit_path",
    "credential_id",
    "verb_iri",
    "actor_key",
    "object_iri",
    "timestamp",
    "success",
    "completion",
    "score_scaled",
    "has_attachments",
)


@dataclass
class _Row:
    statement_id: str
    values: tuple
    pk: int = 0  # assigned by _insert, before anything reads it


def _insert(rows: list[_Row]) -> None:
    """Insert statement rows and learn their primary keys. On SQLite (one writer, and this
    runs inside the write transaction) ids are assigned here and the rows go in with a plain
    executemany; elsewhere through bulk_create, which returns the ids."""
    if connection.vendor == "sqlite":
        adapt = connection.ops.adapt_datetimefield_value
        utc = dt.UTC
        with connection.cursor() as cur:
            next_id = max_id(cur, "lrs_statement") + 1
            params = []
            stored_db = adapt(rows[0].values[1]) if rows else None
            for row in rows:
                row.pk = next_id
                next_id += 1
                v = list(row.values)
                v[0] = v[0].replace("-", "")  # validated (or generated) canonical UUID
                v[1] = stored_db
                # Django's SQLite adaptation of an aware datetime, inlined: naive UTC as text.
                v[10] = (
                    stored_db if v[10] is row.values[1] else str(v[10].astimezone(utc).replace(tzinfo=None))
                )
                v[4] = v[4].lower().replace("-", "") if v[4] else None  # validated UUID
                params.append((row.pk, *v))
            cur.executemany(
                "INSERT INTO lrs_statement (id, statement_id, stored, data, voided, voids, unit_path, credential_id,"
                " verb_iri, actor_key, object_iri, timestamp, success, completion, score_scaled, has_attachments)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                params,
            )
        return
    objs = [Statement(**dict(zip(_COLUMNS, row.values, strict=True))) for row in rows]
    Statement.objects.bulk_create(objs, batch_size=500)
    if objs and objs[0].pk is None:  # backends that do not return ids from bulk inserts
        pks = dict(
            Statement.objects.filter(statement_id__in=[r.statement_id for r in rows]).values_list(
                "statement_id", "pk"
            )
        )
        for obj in objs:
            obj.pk = pks[uuid.UUID(str(obj.statement_id))]
    for row, obj in zip(rows, objs, strict=True):
        row.pk = obj.pk


# Plain SQL for the few per-batch lookups: on a one-statement POST the ORM's query
# compilation cost more than the insert itself.
def _uuid_params(ids: list[str]) -> list[Any]:
    """Canonical (validated, lower-case) UUID strings as the database stores them: 32 hex
    digits on SQLite (as Django's UUIDField does), UUID values elsewhere."""
    if connection.vendor == "sqlite":
        return [i.replace("-", "") for i in ids]
    return [uuid.UUID(i) for i in ids]


def _subtree(unit_path: str, column: str = "unit_path") -> tuple[str, tuple]:
    """` AND <column> in the subtree of unit_path` and its parameters ("" is the whole store).
    Every lookup of the write path goes through it: a credential's subtree is its LRS, and a
    statement outside it is, to that credential, a statement the LRS does not have."""
    if not unit_path:
        return "", ()
    return f" AND {column} >= %s AND {column} < %s", (unit_path, path_upper_bound(unit_path))


def _select_in(sql: str, ids: list[str], extra: tuple = ()) -> list[tuple]:
    """Run `sql` (with one `IN ({})`) over statement ids, as the database stores them."""
    return select_in(sql, _uuid_params(ids), params=extra)


def _as_uuid_str(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _write_keys(
    rows: list[_Row],
    prepared: list[dict[str, Any]],
    keys: list[dict[int, bool]],
    now: dt.datetime,
    unit_path: str,
) -> None:
    out: list[tuple[int, int, bool, Any]] = []
    # Voiding statements too (Communication 2.1.4.s1.b2, XAPI-00162): a filter the voided
    # statement matches returns the statement that voids it.
    ref_targets: dict[str, list[_Row]] = {}
    for row, s in zip(rows, prepared, strict=True):
        if s["object"]["objectType"] == "StatementRef":
            ref_targets.setdefault(s["object"]["id"].lower(), []).append(row)
    inherited: dict[int, list[tuple[int, bool]]] = {}
    db_now = connection.ops.adapt_datetimefield_value(now)
    if ref_targets:
        # A statement referring to another matches the filters the target matches.
        # Only targets in the writer's subtree: a reference to another school's statement must
        # not copy its keys (a filter would then tell whose statement it is).
        within = {
            "statement__unit_path__gte": unit_path,
            "statement__unit_path__lt": path_upper_bound(unit_path),
        }
        for sid, key, direct in StatementKey.objects.filter(
            statement__statement_id__in=list(ref_targets), **(within if unit_path else {})
        ).values_list("statement__statement_id", "key", "direct"):
            for referrer in ref_targets[str(sid)]:
                inherited.setdefault(referrer.pk, []).append((key, direct))
    for row, mine in zip(rows, keys, strict=True):
        for key, direct in inherited.get(row.pk, []):
            mine[key] = mine.get(key, False) or direct
        out.extend((row.pk, k, d, db_now) for k, d in mine.items())
    # Plain executemany: five-odd keys per statement make model instances the main cost.
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO lrs_statementkey (statement_id, key, direct, stored) VALUES (%s, %s, %s, %s)", out
        )


def _link_attachments(
    rows: list[_Row], prepared: list[dict[str, Any]], parts: dict[str, tuple[str, bytes]]
) -> None:
    from django.core.files.base import ContentFile

    stored: dict[str, Attachment] = {a.sha2: a for a in Attachment.objects.filter(sha2__in=list(parts))}
    for sha2, (content_type, content) in parts.items():
        if sha2 not in stored:
            att = Attachment(sha2=sha2, content_type=content_type, length=len(content))
            att.file.save(sha2, ContentFile(content), save=False)
            att.save()
            stored[sha2] = att
    links = []
    for row, stmt in zip(rows, prepared, strict=True):
        for att in stmt.get("attachments", []):
            if att["sha2"] in stored:
                links.append(StatementAttachment(statement_id=row.pk, attachment=stored[att["sha2"]]))
    StatementAttachment.objects.bulk_create(links, ignore_conflicts=True)
