"""Rules the 2.0 suite tests without an XAPI id (IEEE 9274.1.1 additions): contextAgents,
contextGroups, time zones on timestamps, the 2.0.x statement version. Each test states what
1.0.3 does with the same input."""

import pytest

from ._util import AGENT, get_one, post_ok, stmt, sub

GROUP = {"objectType": "Group", "member": [AGENT]}
CTX_AGENT = {
    "objectType": "contextAgent",
    "agent": AGENT,
    "relevantTypes": ["http://edudx.example/types/teacher"],
}
CTX_GROUP = {
    "objectType": "contextGroup",
    "group": GROUP,
    "relevantTypes": ["http://edudx.example/types/class"],
}


@pytest.mark.parametrize("where", ["statement", "substatement"])
def test_context_agents_and_groups_are_2_0_only(x, where):
    ctx = {"contextAgents": [CTX_AGENT], "contextGroups": [CTX_GROUP]}
    s = stmt(context=ctx) if where == "statement" else stmt(object=sub(context=ctx))
    resp = x.post(s)
    assert resp.status_code == (200 if x.version == "2.0.0" else 400)
    if x.version == "2.0.0":
        got = get_one(x, resp.json()[0])
        node = got["context"] if where == "statement" else got["object"]["context"]
        assert node["contextAgents"] == [CTX_AGENT] and node["contextGroups"] == [CTX_GROUP]


BAD_CONTEXT_AGENTS = [
    pytest.param({"contextAgents": CTX_AGENT}, id="context-agents-not-array"),
    pytest.param({"contextAgents": [dict(CTX_AGENT, objectType="Agent")]}, id="context-agent-objecttype"),
    pytest.param(
        {"contextAgents": [dict(CTX_AGENT, agent={"name": "no ifi"})]}, id="context-agent-invalid-agent"
    ),
    pytest.param(
        {"contextAgents": [dict(CTX_AGENT, relevantTypes=[])]}, id="context-agent-relevant-types-empty"
    ),
    pytest.param(
        {"contextAgents": [dict(CTX_AGENT, relevantTypes=["teacher"])]},
        id="context-agent-relevant-types-not-iri",
    ),
    pytest.param({"contextGroups": CTX_GROUP}, id="context-groups-not-array"),
    pytest.param({"contextGroups": [dict(CTX_GROUP, objectType="Group")]}, id="context-group-objecttype"),
    pytest.param({"contextGroups": [dict(CTX_GROUP, group=AGENT)]}, id="context-group-is-an-agent"),
    pytest.param(
        {"contextGroups": [dict(CTX_GROUP, relevantTypes=[])]}, id="context-group-relevant-types-empty"
    ),
    pytest.param(
        {"contextGroups": [dict(CTX_GROUP, relevantTypes=["class"])]},
        id="context-group-relevant-types-not-iri",
    ),
]


@pytest.mark.parametrize("ctx", BAD_CONTEXT_AGENTS)
@pytest.mark.parametrize("where", ["statement", "substatement"])
def test_invalid_context_agents_and_groups_are_rejected(x, ctx, where):
    s = stmt(context=ctx) if where == "statement" else stmt(object=sub(context=ctx))
    assert x.post(s).status_code == 400


@pytest.mark.parametrize(
    "value", ["2026-03-16T08:00:00", "2026-03-16T08:00:00.5"], ids=["no-offset", "no-offset-fraction"]
)
def test_timestamp_needs_an_offset_in_2_0(x, value):
    assert x.post(stmt(timestamp=value)).status_code == (400 if x.version == "2.0.0" else 200)


def test_lrs_sets_the_statement_version(x):
    sid = post_ok(x, stmt())
    assert get_one(x, sid)["version"] == ("2.0.0" if x.version == "2.0.0" else "1.0.0")


@pytest.mark.parametrize("value", ["2.0", "2.0.0", "2.0.7"])
def test_statement_version_2_0_x_only_in_2_0(x, value):
    assert x.post(stmt(version=value)).status_code == (200 if x.version == "2.0.0" else 400)
