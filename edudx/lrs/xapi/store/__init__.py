"""Writing statements: ids, LRS-set properties, conflicts, voiding, keys, definitions.

`store_statements` is the one write path: the xAPI views and the platform's Python API
(`lrs.services.statement_record`) both call it. It expects statements that passed
`validate.validate_statement`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...models import Credential
from ..errors import XapiError
from ..keys import ifi_key, statement_keys
from ..validate import SIGNATURE_USAGE, VOIDED_VERB
from .definitions import _merge_definitions
from .lock import (
    SqliteWriterLock,
    _Checkpointer,
    _checkpointer,
    checkpoint,
    checkpoint_in_two_passes,
    writer_lock_path,
)
from .rows import _as_uuid_str, _insert, _link_attachments, _Row, _select_in, _subtree, _write_keys
from .statement import (
    _as_sent,
    authority_for,
    comparable,
    dumps,
    iso,
    normalise,
    prepare,
    prepare_unstored,
    stamp,
    stored_timestamp,
    time_ordered_uuid,
)
from .void import _apply_voiding


@dataclass
class Prepared:
    """Statements made ready to store outside the writer lock (`prepare_statements`): the
    LRS-set properties that do not depend on the time of storing, the encoded JSON, the index
    keys and the row values. `write_prepared` stores them; `join` makes one batch of several
    (one writer lock, one insert) when they go to the same subtree with the same credential."""

    unit_path: str
    credential: Credential | None
    ids: list[str]
    void_targets: list[str]
    voider_ids: set[str] = field(default_factory=set)
    pending: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: dict[str, tuple[str, bytes]] | None = None

    @staticmethod
    def join(parts: list[Prepared]) -> Prepared:
        """One batch of `parts` (same unit path and credential, no attachments); refused as
        one batch would be if two of them hold the same statement id."""
        first = parts[0]
        if any(
            p.unit_path != first.unit_path or p.credential != first.credential or p.attachments for p in parts
        ):
            raise ValueError("only batches of one subtree and credential, without attachments, join")
        joined = Prepared(first.unit_path, first.credential, [], [])
        for p in parts:
            joined.ids += p.ids
            joined.void_targets += p.void_targets
            joined.voider_ids |= p.voider_ids
            joined.pending += p.pending
        _check_batch(joined.ids, joined.void_targets, joined.voider_ids)
        return joined


def _check_batch(ids: list[str], void_targets: list[str], voider_ids: set[str]) -> None:
    if len(ids) != len(set(ids)):
        raise XapiError(400, "a batch must not contain two statements with the same id")
    # Voiding rules: the target of a voiding statement must not itself be a voider.
    if set(void_targets) & voider_ids:
        raise XapiError(400, "a voiding statement cannot void another voiding statement")


def prepare_statements(
    statements: list[dict[str, Any]],
    *,
    version: str,
    credential: Credential | None,
    unit_path: str,
    attachments: dict[str, tuple[str, bytes]] | None = None,
) -> Prepared:
    """Everything of storing validated statements that needs neither the database nor the time
    of storing — LRS-set properties, index keys, row values: done before the writer lock (on
    SQLite writers serialise), by `store_statements` or by a caller that stores later."""
    ids = [s["id"].lower() for s in statements if "id" in s]
    void_targets = [s["object"]["id"].lower() for s in statements if s["verb"]["id"] == VOIDED_VERB]
    voider_ids = {s.get("id", "").lower() for s in statements if s["verb"]["id"] == VOIDED_VERB}
    _check_batch(ids, void_targets, voider_ids)
    pending = []
    for stmt in statements:
        full = prepare_unstored(stmt, version=version, credential=credential)
        obj = full["object"]
        result = full.get("result") or {}
        pending.append(
            (
                full,
                # The served JSON without the LRS-set `stored` (and a filled-in `timestamp`),
                # encoded here, outside the lock; `_with_stored` appends them.
                dumps(full),
                statement_keys(full),
                stored_timestamp(full["timestamp"]) if "timestamp" in full else None,
                (
                    False,
                    obj["id"] if full["verb"]["id"] == VOIDED_VERB else None,
                    unit_path,
                    credential.pk if credential is not None else None,
                    full["verb"]["id"][:512],
                    (ifi_key(full["actor"]) or "group")[:512],
                    (obj.get("id", "") if obj["objectType"] == "Activity" else "")[:512],
                ),
                (
                    result.get("success"),
                    result.get("completion"),
                    (result.get("score") or {}).get("scaled"),
                    bool(full.get("attachments")),
                ),
            )
        )
    return Prepared(unit_path, credential, ids, void_targets, voider_ids, pending, attachments)


def store_statements(
    statements: list[dict[str, Any]],
    *,
    version: str,
    credential: Credential | None,
    unit_path: str,
    attachments: dict[str, tuple[str, bytes]] | None = None,
) -> list[str]:
    """Store validated statements; returns their ids in order.

    Re-sending a statement with an id already stored is accepted when it is the same
    statement (nothing is written) and refused with 409 when it differs. "Stored" means in
    the subtree of `unit_path`: conflicts, voiding and inherited keys never see a statement
    outside it, and an id used only outside it is stored anew (ids are unique per unit).
    """
    ready = prepare_statements(
        statements, version=version, credential=credential, unit_path=unit_path, attachments=attachments
    )
    return write_prepared(ready)


def write_prepared(ready: Prepared) -> list[str]:
    """Store a prepared batch (`prepare_statements`), under the writer lock, in one
    transaction (the caller's if it has one open). Returns the ids in order."""
    ids, void_targets, unit_path, attachments = (
        ready.ids,
        ready.void_targets,
        ready.unit_path,
        ready.attachments,
    )
    with SqliteWriterLock(), transaction.atomic():
        in_subtree, subtree_params = _subtree(unit_path)
        existing: dict[str, str] = {}
        if ids:
            # Several rows of one id can lie in a subtree only when a client reused an id
            # another unit had used; the first stored is the one compared (and served).
            sql = f"SELECT statement_id, data FROM lrs_statement WHERE statement_id IN ({{}}){in_subtree}"  # noqa: S608 (fixed fragments; values are parameters)
            for sid, data in _select_in(sql + " ORDER BY id DESC", ids, subtree_params):
                existing[_as_uuid_str(sid)] = data
        voiders = (
            f"SELECT 1 FROM lrs_statement WHERE statement_id IN ({{}}) AND voids IS NOT NULL{in_subtree}"  # noqa: S608 (as above)
        )
        if void_targets and _select_in(voiders, void_targets, subtree_params):
            raise XapiError(400, "a voiding statement cannot void another voiding statement")
        out: list[str] = []
        rows: list[_Row] = []
        prepared: list[dict[str, Any]] = []
        keys: list[dict[int, bool]] = []
        now = timezone.now()
        stored = iso(now)
        for full, text, stmt_keys, timestamp, head, tail in ready.pending:
            sid = full["id"]
            if sid in existing:
                # `full` is the statement as sent plus id, authority and version, which the
                # comparison ignores (it is stamped with `stored` only when new).
                if comparable(_as_sent(json.loads(existing[sid]))) != comparable(full):
                    raise XapiError(409, f"statement {sid} already exists with different content")
                out.append(sid)
                continue
            stamp(full, stored)
            prepared.append(full)
            keys.append(stmt_keys)
            out.append(sid)
            rows.append(
                _Row(
                    statement_id=sid,
                    values=(
                        sid,
                        now,
                        _with_stored(text, stored, timestamp is None),
                        *head,
                        now if timestamp is None else timestamp,
                        *tail,
                    ),
                )
            )
        if not rows:
            return out
        try:
            _insert(rows)
        except IntegrityError as exc:  # a concurrent writer stored the same id first
            raise XapiError(409, "statement id already exists") from exc
        _write_keys(rows, prepared, keys, now, unit_path)
        _apply_voiding(rows, prepared, ids, unit_path)
        _merge_definitions(prepared)
        if attachments:
            _link_attachments(rows, prepared, attachments)
    return out


def _with_stored(text: str, stored: str, fill_timestamp: bool) -> str:
    """The encoded statement (an object: it ends with '}') with `stored`, and `timestamp`
    when the LRS fills it in, appended. `stored` is an ISO string: nothing to escape."""
    if fill_timestamp:
        return f'{text[:-1]},"stored":"{stored}","timestamp":"{stored}"}}'
    return f'{text[:-1]},"stored":"{stored}"}}'


__all__ = [
    "SIGNATURE_USAGE", "Prepared", "SqliteWriterLock", "_Checkpointer", "_checkpointer", "authority_for", "checkpoint",
    "checkpoint_in_two_passes", "comparable", "dumps", "iso", "normalise", "prepare", "prepare_statements", "prepare_unstored",
    "stamp", "store_statements", "write_prepared", "stored_timestamp", "time_ordered_uuid", "writer_lock_path",
]  # fmt: skip
