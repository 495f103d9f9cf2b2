"""Helpers for the document resources (State, Activity Profile, Agent Profile)."""

import json

from ._util import AGENT

ACT = "http://edudx.example/activities/toan-6"
RESOURCES = {
    "state": ("activities/state", {"activityId": ACT, "agent": json.dumps(AGENT)}, "stateId"),
    "activity_profile": ("activities/profile", {"activityId": ACT}, "profileId"),
    "agent_profile": ("agents/profile", {"agent": json.dumps(AGENT)}, "profileId"),
}


def call(
    x, res, method, doc_id=None, body=None, extra=None, drop=(), content_type="application/json", headers=None
):
    path, base, id_param = RESOURCES[res]
    params = {k: v for k, v in base.items() if k not in drop}
    if doc_id is not None:
        params[id_param] = doc_id
    params.update(extra or {})
    return x.request(method, path, params=params, body=body, content_type=content_type, headers=headers)


def put_doc(x, res, doc_id, body, **kw):
    """Create or overwrite (profiles need a precondition header to overwrite)."""
    first = call(x, res, "GET", doc_id)
    headers = {"If-Match": first["ETag"]} if first.status_code == 200 else {"If-None-Match": "*"}
    resp = call(x, res, "PUT", doc_id, body=body, headers=headers, **kw)
    assert resp.status_code == 204, resp.content
    return resp
