"""Content types, multipart/mixed attachments (Communication 1.5) and signed statements
(Data 2.6), both versions."""

import base64
import hashlib
import json

import pytest

from ._util import stmt, uid

BOUNDARY = "xapi-boundary-7f3a"
CONTENT = b"bai lam cua hoc sinh"
SHA = hashlib.sha256(CONTENT).hexdigest()


def _att(**over):
    a = {
        "usageType": "http://edudx.example/attachments/homework",
        "display": {"vi": "Bài làm"},
        "contentType": "text/plain",
        "length": len(CONTENT),
        "sha2": SHA,
    }
    a.update(over)
    return a


def _multipart(statement, parts, *, first_type="application/json", boundary=BOUNDARY):
    out = [
        f"--{boundary}\r\nContent-Type: {first_type}\r\n\r\n".encode()
        + json.dumps(statement).encode()
        + b"\r\n"
    ]
    for headers, body in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        out.append(f"--{boundary}\r\n{head}\r\n".encode() + body + b"\r\n")
    return b"".join(out) + f"--{boundary}--\r\n".encode()


def _part(body=CONTENT, sha=SHA, **drop):
    h = {"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary", "X-Experience-API-Hash": sha}
    for k in drop:
        h.pop(k.replace("_", "-"), None)
    return h, body


def _send(x, body, ctype=f"multipart/mixed; boundary={BOUNDARY}"):
    return x.request("POST", "statements", body=body, content_type=ctype)


def test_valid_multipart_is_accepted(x):
    """The baseline for XAPI-00128-00135: a well-formed request passes."""
    resp = _send(x, _multipart(stmt(attachments=[_att()]), [_part()]))
    assert resp.status_code == 200, resp.content


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_post_or_put_with_other_content_type_is_400(x, ctype):
    """XAPI-00127, XAPI-00138 (a body that is not multipart/mixed or JSON)."""
    assert x.request("POST", "statements", body=json.dumps(stmt()), content_type=ctype).status_code == 400
    assert (
        x.request(
            "PUT", "statements", params={"statementId": uid()}, body=json.dumps(stmt()), content_type=ctype
        ).status_code
        == 400
    )


def test_excess_part_is_400(x):
    """XAPI-00128."""
    extra = _part(b"other", hashlib.sha256(b"other").hexdigest())
    assert _send(x, _multipart(stmt(attachments=[_att()]), [_part(), extra])).status_code == 400


def test_missing_part_is_400(x):
    """XAPI-00129."""
    assert _send(x, _multipart(stmt(attachments=[_att()]), [])).status_code == 400
    assert x.post(stmt(attachments=[_att()])).status_code == 400


def test_part_without_boundary_line_is_400(x):
    """XAPI-00130."""
    body = _multipart(stmt(attachments=[_att()]), [_part()]).replace(
        f"--{BOUNDARY}\r\nContent-Type: text/plain".encode(), b"Content-Type: text/plain", 1
    )
    assert _send(x, body).status_code == 400


def test_multipart_without_boundary_parameter_is_400(x):
    """XAPI-00131."""
    assert (
        _send(x, _multipart(stmt(attachments=[_att()]), [_part()]), ctype="multipart/mixed").status_code
        == 400
    )


def test_part_without_hash_header_is_400(x):
    """XAPI-00132."""
    body = _multipart(stmt(attachments=[_att()]), [_part(X_Experience_API_Hash=True)])
    assert _send(x, body).status_code == 400


def test_statement_not_in_first_part_is_400(x):
    """XAPI-00133."""
    body = (
        f"--{BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
        f"X-Experience-API-Hash: {SHA}\r\n\r\n".encode()
        + CONTENT
        + f"\r\n--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()
        + json.dumps(stmt(attachments=[_att()])).encode()
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    assert _send(x, body).status_code == 400


def test_first_part_not_json_is_400(x):
    """XAPI-00134."""
    assert (
        _send(x, _multipart(stmt(attachments=[_att()]), [_part()], first_type="text/plain")).status_code
        == 400
    )


def test_part_without_binary_transfer_encoding_is_400(x):
    """XAPI-00135."""
    body = _multipart(stmt(attachments=[_att()]), [_part(Content_Transfer_Encoding=True)])
    assert _send(x, body).status_code == 400


def test_attachments_true_returns_multipart_with_the_data(x):
    """XAPI-00167."""
    sid = uid()
    assert _send(x, _multipart(stmt(id=sid, attachments=[_att()]), [_part()])).status_code == 200
    resp = x.get({"statementId": sid, "attachments": "true"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("multipart/mixed")
    assert CONTENT in resp.content and SHA.encode() in resp.content


# ----- signed statements


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def rsa_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jws(key, payload: dict, alg="RS256") -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[alg]
    head = _b64(json.dumps({"alg": alg}).encode())
    body = _b64(json.dumps(payload).encode())
    sig = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), digest)
    return f"{head}.{body}.{_b64(sig)}".encode()


def _signed(x, key, *, payload=None, statement=None, alg="RS256", content_type="application/octet-stream"):
    s = statement if statement is not None else stmt(id=uid())
    token = _jws(key, payload if payload is not None else s, alg)
    sig = {
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "signature"},
        "contentType": content_type,
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }
    full = dict(s, attachments=[sig])
    part = {
        "Content-Type": content_type,
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": sig["sha2"],
    }
    return _send(x, _multipart(full, [(part, token)]))


def test_signed_statement_is_accepted(x, rsa_key):
    """XAPI-00115-00117 (the accepted form)."""
    assert _signed(x, rsa_key).status_code == 200


def test_signature_usage_without_a_signature_part_is_400(x):
    """XAPI-00115."""
    sig = _att(
        usageType="http://adlnet.gov/expapi/attachments/signature", contentType="application/octet-stream"
    )
    assert _send(x, _multipart(stmt(attachments=[sig]), [_part()])).status_code == 400


def test_signature_payload_differing_from_the_statement_is_400(x, rsa_key):
    """XAPI-00116."""
    assert _signed(x, rsa_key, payload=stmt(verb={"id": "http://a.vn/other"})).status_code == 400


def test_signature_with_another_algorithm_is_400(x):
    """XAPI-00117."""
    head = _b64(json.dumps({"alg": "HS256"}).encode())
    s = stmt(id=uid())
    token = f"{head}.{_b64(json.dumps(s).encode())}.{_b64(b'mac')}".encode()
    sig = {
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "signature"},
        "contentType": "application/octet-stream",
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }
    part = {
        "Content-Type": "application/octet-stream",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": sig["sha2"],
    }
    assert _send(x, _multipart(dict(s, attachments=[sig]), [(part, token)])).status_code == 400


@pytest.mark.parametrize(("sent", "signed", "status"), [("0.1237", "0.12", 200), ("0.1237", "0.13", 400)])
def test_signature_compares_durations_to_hundredths(x, rsa_key, sent, signed, status):
    """XAPI-00116 with Data 4.6.s1.b5 ("When comparing Durations, any precision beyond 0.01
    second precision SHOULD* NOT be included"; the 2.0 suite's 4.2.7 Duration check): the
    seconds are truncated, never rounded, before the statement meets its signed payload."""
    s = stmt(id=uid(), result={"duration": f"P1DT12H36M{sent}S"})
    payload = dict(s, result={"duration": f"P1DT12H36M{signed}S"})
    assert _signed(x, rsa_key, statement=s, payload=payload).status_code == status


@pytest.mark.parametrize("alg", ["RS384", "RS512"])
def test_rs384_and_rs512_are_accepted(x, rsa_key, alg):
    """XAPI-00117."""
    assert _signed(x, rsa_key, alg=alg).status_code == 200
