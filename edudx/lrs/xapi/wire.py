"""Wire helpers: statement formats, multipart/mixed, and signed-statement (JWS) checks."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from typing import Any

from .errors import XapiError
from .store import comparable
from .validate import SIGNATURE_USAGE

# ----- formats ---------------------------------------------------------------------------


def _ids_actor(actor: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"objectType": actor.get("objectType", "Agent")}
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in actor:
            out[key] = actor[key]
            break
    else:
        if "member" in actor:
            out["member"] = [_ids_actor(m) for m in actor["member"]]
    return out


def _ids_object(obj: dict[str, Any]) -> dict[str, Any]:
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        return _ids_actor(obj)
    if kind == "SubStatement":
        return ids_format(obj)
    if kind == "Activity":
        # "Only include minimum information necessary ... to identify them" (Communication
        # 2.1.3): an Activity is its id; a missing objectType means Activity (Data 2.4.4).
        return {"id": obj["id"]}
    return {"objectType": kind, "id": obj["id"]}


def ids_format(stmt: dict[str, Any]) -> dict[str, Any]:
    """Agents, groups, activities and verbs reduced to their identifiers."""
    out = dict(stmt)
    out["actor"] = _ids_actor(stmt["actor"])
    out["verb"] = {"id": stmt["verb"]["id"]}
    out["object"] = _ids_object(stmt["object"])
    if "authority" in stmt:
        out["authority"] = _ids_actor(stmt["authority"])
    ctx = stmt.get("context")
    if ctx:
        ctx = dict(ctx)
        for key in ("instructor", "team"):
            if key in ctx:
                ctx[key] = _ids_actor(ctx[key])
        if "contextActivities" in ctx:
            ctx["contextActivities"] = {
                k: [{"id": a["id"]} for a in v] for k, v in ctx["contextActivities"].items()
            }
        if "contextAgents" in ctx:
            ctx["contextAgents"] = [{**c, "agent": _ids_actor(c["agent"])} for c in ctx["contextAgents"]]
        if "contextGroups" in ctx:
            ctx["contextGroups"] = [{**c, "group": _ids_actor(c["group"])} for c in ctx["contextGroups"]]
        out["context"] = ctx
    return out


def accept_languages(header: str) -> list[str]:
    langs = []
    for part in header.split(","):
        bits = part.strip().split(";")
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        langs.append((q, bits[0].strip().lower()))
    return [lang for q, lang in sorted(langs, key=lambda x: -x[0]) if q > 0]


def pick_language(lang_map: dict[str, str], wanted: list[str]) -> dict[str, str]:
    if not lang_map:
        return lang_map
    lower = {k.lower(): k for k in lang_map}
    for lang in wanted:
        if lang == "*":
            break
        if lang in lower:
            return {lower[lang]: lang_map[lower[lang]]}
        for k in lower:
            if k.split("-")[0] == lang.split("-")[0]:
                return {lower[k]: lang_map[lower[k]]}
    first = next(iter(lang_map))
    return {first: lang_map[first]}


_LANG_MAP_KEYS = {"display", "name", "description"}


def canonical_format(
    stmt: dict[str, Any], wanted: list[str], definitions: dict[str, dict] | None = None
) -> dict[str, Any]:
    """Language maps reduced to one language; activity definitions replaced by the
    canonical (merged) definition the LRS holds."""

    def walk(value: Any, parent: str = "") -> Any:
        if isinstance(value, dict):
            if (
                definitions is not None
                and value.get("objectType") == "Activity"
                and value.get("id") in definitions
            ):
                value = {**value, "definition": definitions[value["id"]]}
            out = {}
            for k, v in value.items():
                if (
                    k in _LANG_MAP_KEYS
                    and isinstance(v, dict)
                    and parent != "account"
                    and all(isinstance(x, str) for x in v.values())
                ):
                    out[k] = pick_language(v, wanted)
                elif k == "extensions":
                    out[k] = v
                else:
                    out[k] = walk(v, k)
            return out
        if isinstance(value, list):
            return [walk(v, parent) for v in value]
        return value

    return walk(stmt)


# ----- multipart/mixed ---------------------------------------------------------------------


def boundary_of(content_type: str) -> str:
    m = re.search(r'boundary="?([^";]+)"?', content_type, re.IGNORECASE)
    if not m:
        raise XapiError(400, "multipart/mixed requires a boundary")
    return m.group(1)


def parse_multipart(body: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    boundary = boundary_of(content_type).encode()
    delim = b"--" + boundary
    if delim not in body:
        raise XapiError(400, "multipart body does not contain its boundary")
    chunks = body.split(delim)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        if b"\r\n\r\n" in chunk:
            head, content = chunk.split(b"\r\n\r\n", 1)
        elif b"\n\n" in chunk:
            head, content = chunk.split(b"\n\n", 1)
        else:
            raise XapiError(400, "multipart part has no header block")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        parts.append((headers, content))
    return parts


def build_multipart(statements_json: bytes, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode() + statements_json + b"\r\n"]
    for sha2, ctype, content in attachments:
        out.append(
            (
                f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'


def read_statement_request(
    parts: list[tuple[dict[str, str], bytes]],
) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The first part is the statements (application/json); the rest are attachments, each
    with X-Experience-API-Hash and Content-Transfer-Encoding: binary."""
    if not parts:
        raise XapiError(400, "multipart body has no parts")
    head, body = parts[0]
    if not head.get("content-type", "").lower().startswith("application/json"):
        raise XapiError(400, "the first part must be application/json")
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise XapiError(400, "the first part is not valid JSON") from exc
    attachments: dict[str, tuple[str, bytes]] = {}
    for head, content in parts[1:]:
        sha2 = head.get("x-experience-api-hash")
        if not sha2:
            raise XapiError(400, "an attachment part lacks X-Experience-API-Hash")
        if head.get("content-transfer-encoding", "").lower() != "binary":
            raise XapiError(400, "an attachment part must have Content-Transfer-Encoding: binary")
        if (
            hashlib.sha256(content).hexdigest() != sha2.lower()
            and hashlib.sha512(content).hexdigest() != sha2.lower()
        ):
            raise XapiError(400, "an attachment part does not match its X-Experience-API-Hash")
        attachments[sha2.lower()] = (head.get("content-type", "application/octet-stream"), content)
    return data, attachments


def check_attachments(statements: list[dict[str, Any]], parts: dict[str, tuple[str, bytes]]) -> None:
    declared = set()
    for stmt in statements:
        for att in stmt.get("attachments", []):
            declared.add(att["sha2"].lower())
            if "fileUrl" not in att and att["sha2"].lower() not in parts:
                raise XapiError(400, f"attachment {att['sha2']} has neither fileUrl nor a part")
            if att["usageType"] == SIGNATURE_USAGE:
                check_signature(stmt, att, parts.get(att["sha2"].lower()))
    extra = set(parts) - declared
    if extra:
        raise XapiError(400, "a part is not declared by any statement attachment")


# ----- signed statements --------------------------------------------------------------------


def _b64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def check_signature(stmt: dict[str, Any], att: dict[str, Any], part: tuple[str, bytes] | None) -> None:
    """A signature attachment must be application/octet-stream holding a JWS (RS256, RS384
    or RS512) whose payload is the statement as it was before the signature was added; when
    the JWS carries an x5c certificate, the signature must verify with its key."""
    if att["contentType"] != "application/octet-stream":
        raise XapiError(400, "a signature attachment must have contentType application/octet-stream")
    if part is None:
        raise XapiError(400, "a signature attachment must be sent as a part")
    token = part[1].decode("ascii", "replace").strip()
    bits = token.split(".")
    if len(bits) != 3:
        raise XapiError(400, "the signature is not a JWS compact serialization")
    try:
        header = json.loads(_b64(bits[0]))
        payload = json.loads(_b64(bits[1]))
    except ValueError as exc:
        raise XapiError(400, "the signature is not a valid JWS") from exc
    if header.get("alg") not in ("RS256", "RS384", "RS512"):
        raise XapiError(400, "the signature must use RS256, RS384 or RS512")
    if "x5c" in header:
        import jwt
        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import rsa

        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            key = cert.public_key()
            if not isinstance(key, rsa.RSAPublicKey):  # RS256/384/512 only (checked above)
                raise ValueError("not an RSA key")
            jwt.api_jws.PyJWS().decode_complete(token, key, algorithms=[header["alg"]])
        except Exception as exc:  # noqa: BLE001 (any failure is an invalid signature)
            raise XapiError(400, "the signature does not verify") from exc
    if not isinstance(payload, dict):
        raise XapiError(400, "the signature payload must be a statement")
    original = {k: v for k, v in stmt.items() if k != "attachments"}
    others = [a for a in stmt.get("attachments", []) if a.get("usageType") != SIGNATURE_USAGE]
    if others:
        original["attachments"] = others
    signed = dict(payload)
    if "id" not in signed:
        original.pop("id", None)
    try:
        same = comparable(signed) == comparable(original)
    except (KeyError, TypeError, AttributeError, XapiError):
        same = False
    if not same:
        raise XapiError(400, "the signed payload does not match the statement")
