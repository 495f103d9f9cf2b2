"""Attachments in multipart/mixed, signed statements (JWS), and the 1.0.3 Alternate
Request Syntax — for 1.0.3 and 2.0."""

import base64
import datetime as dt
import hashlib
import json
from urllib.parse import urlencode

import pytest

from edudx.lrs.xapi.wire import build_multipart, parse_multipart

from .conftest import stmt, uid

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def _att(content: bytes, ctype="text/plain", usage="http://id.tincanapi.com/attachment/certificate"):
    return {
        "usageType": usage,
        "display": {"vi": "Chứng nhận"},
        "contentType": ctype,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def _multipart(statements, parts, *, encoding="binary"):
    boundary = "edudxboundary"
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statements)}\r\n".encode()]
    for ctype, content in parts:
        head = f"--{boundary}\r\nContent-Type: {ctype}\r\n"
        if encoding:
            head += f"Content-Transfer-Encoding: {encoding}\r\n"
        head += f"X-Experience-API-Hash: {hashlib.sha256(content).hexdigest()}\r\n\r\n"
        out.append(head.encode() + content + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'


def test_statement_with_attachment_part_is_stored(x):
    content = "Giấy chứng nhận hoàn thành".encode()
    body, ctype = _multipart([stmt(attachments=[_att(content)])], [("text/plain", content)])
    resp = x.request("POST", "statements", body=body, content_type=ctype)
    assert resp.status_code == 200, resp.content


def test_get_with_attachments_true_returns_multipart_with_the_content(x):
    content = b"certificate bytes"
    body, ctype = _multipart([stmt(attachments=[_att(content)])], [("text/plain", content)])
    sid = x.request("POST", "statements", body=body, content_type=ctype).json()[0]
    resp = x.get({"statementId": sid, "attachments": "true"})
    assert resp["Content-Type"].startswith("multipart/mixed")
    parts = parse_multipart(resp.content, resp["Content-Type"])
    assert json.loads(parts[0][1])["id"] == sid
    assert parts[1][0]["x-experience-api-hash"] == hashlib.sha256(content).hexdigest()
    assert parts[1][1] == content


def test_get_without_attachments_returns_json(x):
    content = b"abc"
    body, ctype = _multipart([stmt(attachments=[_att(content)])], [("text/plain", content)])
    sid = x.request("POST", "statements", body=body, content_type=ctype).json()[0]
    assert x.get({"statementId": sid})["Content-Type"] == "application/json"


def test_query_with_attachments_true_returns_multipart(x):
    content = b"abc"
    body, ctype = _multipart([stmt(attachments=[_att(content)])], [("text/plain", content)])
    x.request("POST", "statements", body=body, content_type=ctype)
    resp = x.get({"attachments": "true"})
    parts = parse_multipart(resp.content, resp["Content-Type"])
    assert len(json.loads(parts[0][1])["statements"]) == 1
    assert parts[1][1] == content


def test_attachment_part_without_transfer_encoding_binary_is_rejected(x):
    content = b"abc"
    body, ctype = _multipart([stmt(attachments=[_att(content)])], [("text/plain", content)], encoding=None)
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


def test_attachment_part_not_matching_its_hash_is_rejected(x):
    content = b"abc"
    body, ctype = _multipart([stmt(attachments=[_att(b"other")])], [("text/plain", content)])
    body = body.replace(
        hashlib.sha256(content).hexdigest().encode(), hashlib.sha256(b"other").hexdigest().encode()
    )
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


def test_part_not_declared_by_any_attachment_is_rejected(x):
    body, ctype = _multipart([stmt()], [("text/plain", b"stray")])
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


def test_multipart_first_part_must_be_json(x):
    body = b"--b\r\nContent-Type: text/plain\r\n\r\n{}\r\n--b--\r\n"
    assert (
        x.request("POST", "statements", body=body, content_type='multipart/mixed; boundary="b"').status_code
        == 400
    )


def test_put_accepts_multipart_attachments(x):
    content = b"xyz"
    body, ctype = _multipart(stmt(attachments=[_att(content)]), [("text/plain", content)])
    sid = uid()
    resp = x.request("PUT", "statements", params={"statementId": sid}, body=body, content_type=ctype)
    assert resp.status_code == 204, resp.content


def test_build_and_parse_multipart_round_trip():
    body, ctype = build_multipart(b'{"a":1}', [("ab" * 32, "image/png", b"\x00\x01\r\n--x")])
    parts = parse_multipart(body, ctype)
    assert parts[0][1] == b'{"a":1}'
    assert parts[1][1] == b"\x00\x01\r\n--x"


# ----- signed statements


@pytest.fixture(scope="module")
def keypair():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "edudx test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _signed(statement, key, x5c, *, alg="RS256", payload=None):
    import jwt

    token = jwt.api_jws.PyJWS().encode(
        json.dumps(payload if payload is not None else statement).encode(),
        key,
        algorithm=alg,
        headers={"x5c": [x5c]},
    )
    sig = token.encode()
    signed = dict(statement, attachments=[_att(sig, "application/octet-stream", SIGNATURE)])
    return _multipart([signed], [("application/octet-stream", sig)])


def test_valid_signed_statement_is_accepted(x, keypair):
    body, ctype = _signed(stmt(id=uid()), *keypair)
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 200


@pytest.mark.parametrize("alg", ["RS384", "RS512"])
def test_signed_statement_with_rs384_or_rs512_is_accepted(x, keypair, alg):
    body, ctype = _signed(stmt(id=uid()), *keypair, alg=alg)
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 200


def test_signed_statement_whose_payload_differs_is_rejected(x, keypair):
    s = stmt(id=uid())
    body, ctype = _signed(s, *keypair, payload=stmt(id=s["id"], result={"success": True}))
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


def test_signed_statement_with_bad_signature_is_rejected(x, keypair):
    s = stmt(id=uid())
    body, ctype = _signed(s, *keypair)
    # Corrupt the signature segment: same length, so the declared length and hash are recomputed below.
    head, rest = body.split(b"X-Experience-API-Hash: ", 1)
    sig_start = rest.index(b"\r\n\r\n") + 4
    sig_end = rest.index(b"\r\n", sig_start)
    token = rest[sig_start:sig_end]
    bad = token[:-4] + (b"AAAA" if not token.endswith(b"AAAA") else b"BBBB")
    body2, ctype2 = _multipart(
        [dict(s, attachments=[_att(bad, "application/octet-stream", SIGNATURE)])],
        [("application/octet-stream", bad)],
    )
    assert x.request("POST", "statements", body=body2, content_type=ctype2).status_code == 400


def test_signature_attachment_with_wrong_content_type_is_rejected(x, keypair):
    s = stmt(id=uid())
    token = b"a.b.c"
    att = _att(token, "text/plain", SIGNATURE)
    body, ctype = _multipart([dict(s, attachments=[att])], [("text/plain", token)])
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


def test_signature_that_is_not_a_jws_is_rejected(x):
    token = b"not a jws"
    body, ctype = _multipart(
        [stmt(attachments=[_att(token, "application/octet-stream", SIGNATURE)])],
        [("application/octet-stream", token)],
    )
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


def test_signature_with_hs256_is_rejected(x):
    import jwt

    s = stmt(id=uid())
    token = (
        jwt.api_jws.PyJWS()
        .encode(json.dumps(s).encode(), "secret-secret-secret-secret-32b!", algorithm="HS256")
        .encode()
    )
    body, ctype = _multipart(
        [dict(s, attachments=[_att(token, "application/octet-stream", SIGNATURE)])],
        [("application/octet-stream", token)],
    )
    assert x.request("POST", "statements", body=body, content_type=ctype).status_code == 400


# ----- Alternate Request Syntax


def _alternate(x, method, form, query=None):
    form = {"Authorization": x.auth, "X-Experience-API-Version": x.version, **form}
    q = {"method": method, **(query or {})}
    return x.client.post(
        "/lrs/xapi/statements?" + urlencode(q),
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )


def test_alternate_request_syntax_put_works_in_1_0_3_and_is_rejected_in_2_0(x):
    sid = uid()
    resp = _alternate(
        x, "PUT", {"statementId": sid, "content": json.dumps(stmt()), "Content-Type": "application/json"}
    )
    if x.version == "1.0.3":
        assert resp.status_code == 204, resp.content
        assert x.get({"statementId": sid}).status_code == 200
    else:
        assert resp.status_code == 400


def test_alternate_request_syntax_get_works_in_1_0_3(x):
    sid = x.post(stmt()).json()[0]
    resp = _alternate(x, "GET", {"statementId": sid})
    assert resp.status_code == (200 if x.version == "1.0.3" else 400)


def test_alternate_request_syntax_with_other_query_parameters_is_rejected(x):
    resp = _alternate(x, "GET", {}, query={"statementId": uid()})
    assert resp.status_code == 400


def test_alternate_request_syntax_with_unknown_method_is_rejected(x):
    assert _alternate(x, "PATCH", {}).status_code == 400
