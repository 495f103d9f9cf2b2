"""Writing statements: ids, LRS-set properties, conflicts, voiding, keys, definitions.

`store_statements` is the one write path: the xAPI views and the platform's Python API
(`lrs.services.statement_record`) both call it. It expects statements that passed
`validate.validate_statement`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from uuid_utils.compat import uuid7

from edudx.core.db.bulk import select_in
from edudx.core.db.sqlite import max_id
from edudx.core.locks import file_lock
from edudx.core.scope import path_upper_bound

from ..models import Activity, Attachment, Credential, Statement, StatementAttachment, StatementKey
from .errors import XapiError
from .keys import ifi_key, statement_keys
from .validate import SIGNATURE_USAGE, V1, VOIDED_VERB, comparable_duration, parse_timestamp


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def dumps(value: Any) -> str:
    """Compact JSON text. NaN and Infinity are not JSON (RFC 8259): a statement holding one
    (Python's parser reads them) is refused instead of being stored as text no client parses."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise XapiError(400, "the statement holds NaN or Infinity, which JSON does not allow") from exc


def normalise(stmt: dict[str, Any]) -> dict[str, Any]:
    """contextActivities values become arrays; Activity objectType is made explicit."""
    for part in (stmt, stmt["object"] if stmt["object"].get("objectType") == "SubStatement" else None):
        if part is None:
            continue
        ctx = part.get("context")
        if ctx and "contextActivities" in ctx:
            ctx["contextActivities"] = {
                k: v if isinstance(v, list) else [v] for k, v in ctx["contextActivities"].items()
            }
        if part["object"].get("objectType") is None:
            part["object"]["objectType"] = "Activity"
    return stmt


_IGNORED_IN_COMPARISON = ("authority", "stored", "version", "id")


def comparable(stmt: dict[str, Any]) -> Any:
    """The form two statements are compared in (same id re-sent, signed payload): LRS-set
    properties dropped, contextActivities as arrays, timestamps as instants, durations to
    0.01 s (Data 4.6.s1.b5), mbox_sha1sum lowercase."""
    out = {k: v for k, v in stmt.items() if k not in _IGNORED_IN_COMPARISON}
    out = normalise(json.loads(json.dumps(out)))
    if "timestamp" in out:
        out["timestamp"] = parse_timestamp(out["timestamp"], "timestamp", require_tz=False).timestamp()
    for part in (out, out["object"] if out.get("object", {}).get("objectType") == "SubStatement" else {}):
        result = part.get("result")
        if isinstance(result, dict) and isinstance(result.get("duration"), str):
            result["duration"] = comparable_duration(result["duration"])
    return out


def _as_sent(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored statement without the timestamp the LRS filled in (it equals `stored`)."""
    if stored.get("timestamp") == stored.get("stored"):
        stored.pop("timestamp", None)
    return stored


def authority_for(credential: Credential | None) -> dict[str, Any]:
    if credential is not None:
        return credential.authority
    return {
        "objectType": "Agent",
        "name": "edudx",
        "account": {"homePage": "https://edudx.hcm.edu.vn", "name": "platform"},
    }


def prepare(
    stmt: dict[str, Any], *, version: str, credential: Credential | None, stored: dt.datetime
) -> dict[str, Any]:
    """Set the properties the LRS owns: id (if absent), stored, authority, version, timestamp."""
    return stamp(prepare_unstored(stmt, version=version, credential=credential), iso(stored))


def prepare_unstored(stmt: dict[str, Any], *, version: str, credential: Credential | None) -> dict[str, Any]:
    """The LRS-owned properties that do not depend on the time of storing (id, authority,
    version): set before taking the write lock."""
    stmt = normalise(stmt)
    stmt["id"] = stmt["id"].lower() if "id" in stmt else time_ordered_uuid()
    stmt["authority"] = authority_for(credential)
    stmt.setdefault("version", "1.0.0" if version == V1 else "2.0.0")
    stmt.pop("stored", None)  # the LRS sets it (`stamp`), after the statement is encoded
    return stmt


def time_ordered_uuid() -> str:
    """A UUID for a statement sent without an id: version 7 (RFC 9562: 48-bit Unix time in
    ms, then random bits; variant 2, which xAPI accepts). Ids the LRS generates are
    therefore near each other in the statement-id index, so a batch appends to its last
    pages instead of dirtying one random page per statement. From uuid-utils, whose ids also
    increase within one millisecond in a process (RFC 9562 §6.2's counter)."""
    return str(uuid7())


def stored_timestamp(value: str) -> dt.datetime:
    """The instant of a timestamp that passed validation (`datetime.fromisoformat` reads
    every form validation accepts with an offset; the rest take the full parser)."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return parse_timestamp(value, "timestamp", require_tz=False)
    return parsed


def stamp(stmt: dict[str, Any], stored: str) -> dict[str, Any]:
    stmt["stored"] = stored
    stmt.setdefault("timestamp", stored)
    return stmt


def writer_lock_path() -> str:
    """The file LRS writers (and the checkpointer's locked pass) serialise on."""
    return os.path.join(str(settings.VAR_DIR), "lrs-write.lock")


class _SqliteWriterLock:
    """SQLite allows one writer; concurrent writers otherwise wait in SQLite's busy handler,
    which sleeps in growing steps. A file lock wakes the next writer the moment the
    previous one commits. No-op on other databases.

    While it is held, the connection does not checkpoint the WAL on commit, so writers queued
    behind the lock do not wait for a write-back; `_checkpointer` does it off the lock.
    See docs/decisions/0005-lrs-wal-checkpoint-off-the-writer-lock.md."""

    def __init__(self) -> None:
        self.held: file_lock | None = None
        self.autocheckpoint: int | None = None

    def __enter__(self) -> None:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return
        self.held = file_lock(writer_lock_path()).acquire()
        if _checkpointer.start():
            with connection.cursor() as cur:
                cur.execute("PRAGMA wal_autocheckpoint")
                self.autocheckpoint = cur.fetchone()[0]
                cur.execute("PRAGMA wal_autocheckpoint=0")

    def __exit__(self, *exc: object) -> None:
        if self.held is not None:
            try:
                if self.autocheckpoint is not None:
                    with connection.cursor() as cur:
                        cur.execute(f"PRAGMA wal_autocheckpoint={int(self.autocheckpoint)}")
                    _checkpointer.wake()
            finally:
                self.held.release()
                self.held = None
                self.autocheckpoint = None


class _Checkpointer:
    """One daemon thread per process that checkpoints the WAL (PASSIVE: it never blocks a
    writer or a reader) about once a second while LRS writes arrive, on its own connection.
    Only for a database file (not an in-memory test database). If the thread cannot run,
    `start` says so and the writers keep SQLite's auto-checkpoint."""

    INTERVAL = 1.0  # seconds: about SQLite's own checkpoint size at a busy write rate (decision 0005)

    def __init__(self) -> None:
        self.pid: int | None = None
        self.path: str | None = None
        self.lock_path = ""
        self.event: Any = None

    def start(self) -> bool:
        import threading

        if self.pid == os.getpid():  # already running in this process (a fork starts afresh)
            return self.path is not None
        self.pid = os.getpid()
        name = str(connection.settings_dict["NAME"])
        if not name or name == ":memory:" or "mode=memory" in name or not os.path.exists(name):
            self.path = None
            return False
        self.path = name
        self.lock_path = writer_lock_path()
        self.event = threading.Event()
        threading.Thread(target=self._run, name="lrs-wal-checkpoint", daemon=True).start()
        return True

    def wake(self) -> None:
        if self.event is not None:
            self.event.set()

    def _run(self) -> None:
        import logging
        import sqlite3

        log = logging.getLogger(__name__)
        event, path = self.event, self.path
        con = None
        while True:
            event.wait()
            time.sleep(self.INTERVAL)
            event.clear()
            try:
                if con is None:
                    con = sqlite3.connect(path, timeout=1, isolation_level=None, check_same_thread=False)
                    con.execute("PRAGMA synchronous=NORMAL")
                checkpoint_in_two_passes(con, self.lock_path)
            except Exception:  # a failed pass is retried at the next write
                log.exception("LRS WAL checkpoint failed")
                if con is not None:
                    con.close()
                con = None


def checkpoint(con: Any) -> tuple[int, int, int]:
    """One PASSIVE checkpoint on a sqlite3 connection: (busy, frames in the WAL, frames
    written back)."""
    return tuple(con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())


def checkpoint_in_two_passes(con: Any, lock_path: str, min_frames: int = 10_000) -> tuple[int, int, int]:
    """Write the WAL back without holding writers up, and let it restart from the top.

    Writers append while a pass runs, so the WAL would never be wholly written back when
    the next writer starts — the only moment SQLite restarts it — and it would grow without
    bound. The first pass (no lock) writes back the bulk; once the WAL holds `min_frames`, a
    second one under the writer lock writes back only what arrived meanwhile, so the next
    writer starts the WAL afresh. See docs/decisions/0005-lrs-wal-checkpoint-off-the-writer-lock.md."""
    first = checkpoint(con)
    if first[1] < min_frames:
        return first
    with file_lock(lock_path):
        return checkpoint(con)


_checkpointer = _Checkpointer()


# Canonical definitions this process has already written, to skip the database when an
# activity arrives again with nothing new (the common case: every learner, same lesson).
_KNOWN_DEFINITIONS: dict[str, dict[str, Any]] = {}


def _covered(known: dict[str, Any], incoming: dict[str, Any]) -> bool:
    for key, value in incoming.items():
        if key in ("name", "description", "extensions") and isinstance(value, dict):
            have = known.get(key) or {}
            if any(have.get(k) != v for k, v in value.items()):
                return False
        elif known.get(key) != value:
            return False
    return True


def _merge_definitions(statements: list[dict[str, Any]]) -> None:
    """Keep the canonical definition of each activity: newer definitions win key by key,
    language maps merge by language."""
    defs: dict[str, dict[str, Any]] = {}

    def visit(act: dict[str, Any]) -> None:
        if act.get("definition"):
            into = defs.setdefault(act["id"], {})
            for key, value in act["definition"].items():
                if key in ("name", "description", "extensions") and isinstance(value, dict):
                    into.setdefault(key, {}).update(value)
                else:
                    into[key] = value

    for stmt in statements:
        for part in (stmt, stmt["object"] if stmt["object"].get("objectType") == "SubStatement" else None):
            if part is None:
                continue
            if part["object"].get("objectType") == "Activity":
                visit(part["object"])
            for acts in ((part.get("context") or {}).get("contextActivities") or {}).values():
                for act in acts:
                    visit(act)
    defs = {
        iri: d
        for iri, d in defs.items()
        if not (iri in _KNOWN_DEFINITIONS and _covered(_KNOWN_DEFINITIONS[iri], d))
    }
    if not defs:
        return
    hashes = {hashlib.sha1(iri.encode()).hexdigest(): iri for iri in defs}  # noqa: S324 (a key, not security)
    existing = {a.iri_hash: a for a in Activity.objects.filter(iri_hash__in=list(hashes))}
    now = timezone.now()
    new, changed = [], []
    learned: dict[str, dict[str, Any]] = {}
    # Remember only what was committed (a rolled-back batch must not be remembered).
    transaction.on_commit(lambda: _KNOWN_DEFINITIONS.update(learned))
    for h, iri in hashes.items():
        incoming = defs[iri]
        if h in existing:
            act = existing[h]
            merged = dict(act.definition)
            for key, value in incoming.items():
                if key in ("name", "description", "extensions") and isinstance(value, dict):
                    merged[key] = {**merged.get(key, {}), **value}
                else:
                    merged[key] = value
            if merged != act.definition:
                act.definition, act.updated = merged, now
                changed.append(act)
            learned[iri] = merged
        else:
            new.append(Activity(iri=iri, iri_hash=h, definition=incoming, updated=now))
            learned[iri] = incoming
    if new:
        Activity.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        Activity.objects.bulk_update(changed, ["definition", "updated"])


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
    pk: int | None = None


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
    ids = [s["id"].lower() for s in statements if "id" in s]
    if len(ids) != len(set(ids)):
        raise XapiError(400, "a batch must not contain two statements with the same id")
    # Voiding rules: the target of a voiding statement must not itself be a voider.
    void_targets = [s["object"]["id"].lower() for s in statements if s["verb"]["id"] == VOIDED_VERB]
    if void_targets:
        in_batch = {s.get("id", "").lower() for s in statements if s["verb"]["id"] == VOIDED_VERB}
        if set(void_targets) & in_batch:
            raise XapiError(400, "a voiding statement cannot void another voiding statement")
    # Writers serialise (on SQLite): everything that needs neither the database nor the
    # time of storing — LRS-set properties, index keys, row values — is done before.
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
    with _SqliteWriterLock(), transaction.atomic():
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
        for full, text, stmt_keys, timestamp, head, tail in pending:
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


def _apply_voiding(
    rows: list[_Row], prepared: list[dict[str, Any]], sent_ids: list[str], unit_path: str
) -> None:
    """Void the targets of this batch's voiding statements, and this batch's statements that
    an earlier voiding statement named — each only within the voider's subtree: a target
    outside it is, to the voider, a statement the LRS does not have (accepted, and applied
    if it ever arrives in the subtree)."""
    targets = [s["object"]["id"].lower() for s in prepared if s["verb"]["id"] == VOIDED_VERB]
    if targets:
        qs = Statement.objects.filter(statement_id__in=targets, voids__isnull=True)
        if unit_path:
            qs = qs.filter(unit_path__gte=unit_path, unit_path__lt=path_upper_bound(unit_path))
        qs.update(voided=True)
    # A statement arriving after the statement that voids it is stored voided. Only an id
    # the client chose can have been voided before it arrived: one the LRS generated just
    # now (random or time-ordered) cannot have been named by an earlier voiding statement.
    # The new rows are in `unit_path`; an earlier voider applies when that lies in the
    # voider's subtree (its unit is this one or an ancestor), never across schools. The
    # rows are updated by primary key: other units may hold statements of the same id.
    sent = set(sent_ids)
    new = {r.statement_id: r.pk for r in rows if r.statement_id in sent}
    late = _select_in("SELECT voids, unit_path FROM lrs_statement WHERE voids IN ({})", list(new))
    pks = {new[_as_uuid_str(v)] for v, voider_path in late if unit_path.startswith(voider_path)}
    if pks:
        Statement.objects.filter(pk__in=pks, voids__isnull=True).update(voided=True)


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


__all__ = ["SIGNATURE_USAGE", "store_statements"]
