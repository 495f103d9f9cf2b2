"""Shared builders for the conformance tests (one file per xAPI resource)."""

from __future__ import annotations

import copy
import json

from ..conftest import stmt, uid

AGENT = {"objectType": "Agent", "mbox": "mailto:a@example.vn"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ATT = {
    "usageType": "http://a.vn/u",
    "display": {"en-US": "x"},
    "contentType": "text/plain",
    "length": 1,
    "sha2": "a" * 64,
    "fileUrl": "http://a.vn/f",
}


def put_at(s: dict, path: list, value) -> dict:
    s = copy.deepcopy(s)
    node = s
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return s


def with_(path: list, value) -> dict:
    return put_at(stmt(), path, value)


def without(*keys: str) -> dict:
    s = stmt()
    for k in keys:
        del s[k]
    return s


def sub(**over) -> dict:
    """A SubStatement object (valid unless `over` breaks it)."""
    base = stmt()
    out = {
        "objectType": "SubStatement",
        "actor": base["actor"],
        "verb": base["verb"],
        "object": base["object"],
    }
    out.update(over)
    return out


def attachment(**over) -> dict:
    a = dict(ATT)
    for k, v in over.items():
        if v is ...:
            a.pop(k, None)
        else:
            a[k] = v
    return a


def voiding(target: str) -> dict:
    return stmt(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
    )


def post_ok(x, s) -> str:
    resp = x.post(s)
    assert resp.status_code == 200, resp.content
    return resp.json()[0]


def get_one(x, sid, **params):
    resp = x.get({"statementId": sid, **params})
    assert resp.status_code == 200, resp.content
    return json.loads(resp.content)


__all__ = ["AGENT", "VOIDED", "stmt", "uid"]
