"""Formatting requirements (xAPI Data part): every statement the LRS must reject with 400,
and the edge cases it must accept — for 1.0.3 and 2.0 (the `version` fixture)."""

import copy

import pytest

from .conftest import stmt, uid

AGENT = {"objectType": "Agent", "mbox": "mailto:a@example.vn"}


def _without(key):
    s = stmt()
    del s[key]
    return s


def _with(path, value):
    s = stmt()
    node = s
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return s


REJECTED = {
    "statement_actor_missing": _without("actor"),
    "statement_verb_missing": _without("verb"),
    "statement_object_missing": _without("object"),
    "statement_actor_null": _with(["actor"], None),
    "statement_verb_null": _with(["verb"], None),
    "statement_context_null": _with(["context"], None),
    "statement_object_null": _with(["object"], None),
    "statement_unknown_property": _with(["foo"], "bar"),
    "statement_id_not_uuid": _with(["id"], "not-a-uuid"),
    "agent_without_ifi": _with(["actor"], {"objectType": "Agent", "name": "x"}),
    "agent_with_two_ifis": _with(["actor"], {"mbox": "mailto:a@b.vn", "openid": "http://a.vn/x"}),
    "agent_mbox_without_mailto": _with(["actor"], {"mbox": "a@b.vn"}),
    "agent_mbox_sha1sum_not_hex": _with(["actor"], {"mbox_sha1sum": "xyz"}),
    "agent_openid_not_uri": _with(["actor"], {"openid": "not a uri"}),
    "agent_account_without_homepage": _with(["actor"], {"account": {"name": "x"}}),
    "agent_account_without_name": _with(["actor"], {"account": {"homePage": "http://a.vn"}}),
    "agent_account_homepage_not_iri": _with(["actor"], {"account": {"homePage": "nope", "name": "x"}}),
    "agent_account_unknown_property": _with(
        ["actor"], {"account": {"homePage": "http://a.vn", "name": "x", "z": 1}}
    ),
    "agent_objecttype_wrong": _with(["actor"], {"objectType": "Person", "mbox": "mailto:a@b.vn"}),
    "agent_name_not_string": _with(["actor"], {"mbox": "mailto:a@b.vn", "name": 5}),
    "group_anonymous_without_member": _with(["actor"], {"objectType": "Group", "name": "g"}),
    "group_member_is_group": _with(
        ["actor"], {"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@b.vn"}]}
    ),
    "group_two_ifis": _with(
        ["actor"],
        {"objectType": "Group", "mbox": "mailto:g@b.vn", "openid": "http://g.vn", "member": [AGENT]},
    ),
    "verb_id_missing": _with(["verb"], {"display": {"en-US": "x"}}),
    "verb_id_not_iri": _with(["verb"], {"id": "completed"}),
    "verb_display_bad_language_tag": _with(["verb", "display"], {"not a tag!": "x"}),
    "verb_display_value_not_string": _with(["verb", "display"], {"en-US": 3}),
    "activity_id_missing": _with(["object"], {"objectType": "Activity"}),
    "activity_id_not_iri": _with(["object"], {"id": "lesson 1"}),
    "activity_definition_unknown_property": _with(["object", "definition", "color"], "red"),
    "activity_definition_type_not_iri": _with(["object", "definition", "type"], "lesson"),
    "activity_definition_moreinfo_not_irl": _with(["object", "definition", "moreInfo"], "a page"),
    "activity_interaction_type_invalid": _with(["object", "definition", "interactionType"], "essay"),
    "activity_choices_without_choice_type": _with(
        ["object", "definition"], {"interactionType": "true-false", "choices": [{"id": "a"}]}
    ),
    "activity_interaction_component_ids_repeat": _with(
        ["object", "definition"], {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}
    ),
    "activity_correct_responses_not_strings": _with(
        ["object", "definition"], {"interactionType": "choice", "correctResponsesPattern": [1]}
    ),
    "activity_extension_key_not_iri": _with(["object", "definition", "extensions"], {"color": 1}),
    "object_type_unknown": _with(["object"], {"objectType": "Thing", "id": "http://a.vn"}),
    "object_agent_without_objecttype": _with(["object"], {"mbox": "mailto:a@b.vn"}),
    "statementref_id_not_uuid": _with(["object"], {"objectType": "StatementRef", "id": "x"}),
    "substatement_with_id": _with(
        ["object"],
        {
            "objectType": "SubStatement",
            "id": "9e2b3f3c-1111-4d5e-9aaa-000000000000",
            **{k: stmt()[k] for k in ("actor", "verb", "object")},
        },
    ),
    "substatement_with_stored": _with(
        ["object"],
        {
            "objectType": "SubStatement",
            "stored": "2026-01-01T00:00:00Z",
            **{k: stmt()[k] for k in ("actor", "verb", "object")},
        },
    ),
    "substatement_with_authority": _with(
        ["object"],
        {
            "objectType": "SubStatement",
            "authority": AGENT,
            **{k: stmt()[k] for k in ("actor", "verb", "object")},
        },
    ),
    "substatement_with_version": _with(
        ["object"],
        {
            "objectType": "SubStatement",
            "version": "1.0.0",
            **{k: stmt()[k] for k in ("actor", "verb", "object")},
        },
    ),
    "substatement_nested": _with(
        ["object"],
        {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": stmt()["verb"],
            "object": {"objectType": "SubStatement", **{k: stmt()[k] for k in ("actor", "verb", "object")}},
        },
    ),
    "result_score_scaled_above_one": _with(["result"], {"score": {"scaled": 1.5}}),
    "result_score_scaled_below_minus_one": _with(["result"], {"score": {"scaled": -1.5}}),
    "result_score_raw_above_max": _with(["result"], {"score": {"raw": 11, "min": 0, "max": 10}}),
    "result_score_raw_below_min": _with(["result"], {"score": {"raw": -1, "min": 0, "max": 10}}),
    "result_score_min_not_below_max": _with(["result"], {"score": {"min": 10, "max": 10}}),
    "result_score_not_number": _with(["result"], {"score": {"raw": "5"}}),
    "result_success_not_boolean": _with(["result"], {"success": "yes"}),
    "result_completion_not_boolean": _with(["result"], {"completion": 1}),
    "result_duration_not_iso8601": _with(["result"], {"duration": "5 minutes"}),
    "result_duration_empty_period": _with(["result"], {"duration": "PT"}),
    "result_unknown_property": _with(["result"], {"grade": "A"}),
    "context_registration_not_uuid": _with(["context"], {"registration": "abc"}),
    "context_team_is_agent": _with(["context"], {"team": AGENT}),
    "context_revision_with_agent_object": _with(["object"], {"objectType": "Agent", "mbox": "mailto:x@y.vn"})
    | {"context": {"revision": "2"}},
    "context_platform_with_statementref_object": _with(
        ["object"], {"objectType": "StatementRef", "id": uid()}
    )
    | {"context": {"platform": "Moodle"}},
    "context_language_not_rfc5646": _with(["context"], {"language": "vietnamese!"}),
    "context_statement_not_statementref": _with(["context"], {"statement": {"id": uid()}}),
    "context_activities_unknown_key": _with(
        ["context"], {"contextActivities": {"sibling": [{"id": "http://a.vn"}]}}
    ),
    "context_activities_activity_without_id": _with(
        ["context"], {"contextActivities": {"parent": [{"objectType": "Activity"}]}}
    ),
    "timestamp_not_iso8601": _with(["timestamp"], "yesterday"),
    "timestamp_minus_zero_offset": _with(["timestamp"], "2026-03-16T08:00:00-00:00"),
    "timestamp_invalid_date": _with(["timestamp"], "2026-02-30T08:00:00Z"),
    "version_unsupported": _with(["version"], "0.95"),
    "voided_verb_with_activity_object": _with(["verb"], {"id": "http://adlnet.gov/expapi/verbs/voided"}),
    "authority_group_with_three_members": _with(
        ["authority"],
        {"objectType": "Group", "member": [AGENT, {"mbox": "mailto:b@b.vn"}, {"mbox": "mailto:c@b.vn"}]},
    ),
    "attachment_missing_usage_type": _with(
        ["attachments"],
        [
            {
                "display": {"en-US": "x"},
                "contentType": "text/plain",
                "length": 1,
                "sha2": "a" * 64,
                "fileUrl": "http://a.vn/f",
            }
        ],
    ),
    "attachment_length_not_integer": _with(
        ["attachments"],
        [
            {
                "usageType": "http://a.vn/u",
                "display": {"en-US": "x"},
                "contentType": "text/plain",
                "length": "1",
                "sha2": "a" * 64,
                "fileUrl": "http://a.vn/f",
            }
        ],
    ),
    "attachment_content_type_not_media_type": _with(
        ["attachments"],
        [
            {
                "usageType": "http://a.vn/u",
                "display": {"en-US": "x"},
                "contentType": "text",
                "length": 1,
                "sha2": "a" * 64,
                "fileUrl": "http://a.vn/f",
            }
        ],
    ),
    "attachment_without_fileurl_or_part": _with(
        ["attachments"],
        [
            {
                "usageType": "http://a.vn/u",
                "display": {"en-US": "x"},
                "contentType": "text/plain",
                "length": 1,
                "sha2": "a" * 64,
            }
        ],
    ),
}


@pytest.mark.parametrize("statement", list(REJECTED.values()), ids=list(REJECTED))
def test_lrs_rejects_invalid_statement_with_400(x, statement):
    resp = x.post(copy.deepcopy(statement))
    assert resp.status_code == 400, resp.content
    assert resp["X-Experience-API-Version"] == x.version


ACCEPTED = {
    "extensions_may_hold_null": _with(["object", "definition", "extensions"], {"http://a.vn/e": None}),
    "extensions_may_be_empty": _with(["result"], {"extensions": {}}),
    "agent_mbox_sha1sum": _with(["actor"], {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}),
    "agent_openid": _with(["actor"], {"openid": "http://openid.example.vn/an"}),
    "agent_account": _with(["actor"], {"account": {"homePage": "https://lms.example.vn", "name": "an01"}}),
    "identified_group_without_members": _with(
        ["actor"], {"objectType": "Group", "mbox": "mailto:lop6a1@example.vn"}
    ),
    "anonymous_group_with_members": _with(["actor"], {"objectType": "Group", "member": [AGENT]}),
    "object_agent": _with(["object"], {"objectType": "Agent", "mbox": "mailto:b@example.vn"}),
    "object_group": _with(["object"], {"objectType": "Group", "member": [AGENT]}),
    "object_statementref": _with(["object"], {"objectType": "StatementRef", "id": uid()}),
    "object_substatement": _with(
        ["object"], {"objectType": "SubStatement", **{k: stmt()[k] for k in ("actor", "verb", "object")}}
    ),
    "object_activity_without_objecttype": _with(["object"], {"id": "http://a.vn/act"}),
    "score_full": _with(
        ["result"],
        {"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}, "success": True, "completion": True},
    ),
    "duration_with_fraction": _with(["result"], {"duration": "PT1M30.25S"}),
    "duration_weeks": _with(["result"], {"duration": "P2W"}),
    "language_tag_with_script_and_region": _with(["verb", "display"], {"zh-Hant-TW": "完成"}),
    "language_tag_private_use": _with(["verb", "display"], {"x-klingon": "x"}),
    "context_activities_single_object": _with(
        ["context"], {"contextActivities": {"parent": {"id": "http://a.vn/course"}}}
    ),
    "context_full": _with(
        ["context"],
        {
            "registration": uid(),
            "instructor": AGENT,
            "team": {"objectType": "Group", "member": [AGENT]},
            "revision": "2",
            "platform": "edudx",
            "language": "vi-VN",
            "statement": {"objectType": "StatementRef", "id": uid()},
            "extensions": {"http://a.vn/ext": {"k": 1}},
        },
    ),
    "interaction_choice": _with(
        ["object", "definition"],
        {
            "interactionType": "choice",
            "correctResponsesPattern": ["a"],
            "choices": [{"id": "a", "description": {"vi": "Đáp án A"}}, {"id": "b"}],
        },
    ),
    "interaction_matching": _with(
        ["object", "definition"],
        {"interactionType": "matching", "source": [{"id": "1"}], "target": [{"id": "a"}]},
    ),
    "interaction_likert": _with(
        ["object", "definition"], {"interactionType": "likert", "scale": [{"id": "1"}]}
    ),
    "interaction_performance": _with(
        ["object", "definition"], {"interactionType": "performance", "steps": [{"id": "s"}]}
    ),
    "timestamp_with_offset": _with(["timestamp"], "2026-03-16T15:00:00.123456+07:00"),
    "timestamp_basic_format": _with(["timestamp"], "20260316T080000Z"),
    "version_1_0_0": _with(["version"], "1.0.0"),
    "authority_agent_given_by_client": _with(["authority"], AGENT),
    "attachment_with_fileurl": _with(
        ["attachments"],
        [
            {
                "usageType": "http://a.vn/u",
                "display": {"en-US": "x"},
                "contentType": "text/plain",
                "length": 1,
                "sha2": "a" * 64,
                "fileUrl": "http://a.vn/f",
            }
        ],
    ),
}


@pytest.mark.parametrize("statement", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_lrs_accepts_valid_statement(x, statement):
    resp = x.post(copy.deepcopy(statement))
    assert resp.status_code == 200, resp.content


def test_context_agents_and_groups_are_accepted_in_2_0_and_rejected_in_1_0_3(x):
    s = stmt(
        context={
            "contextAgents": [
                {"objectType": "contextAgent", "agent": AGENT, "relevantTypes": ["http://a.vn/teacher"]}
            ],
            "contextGroups": [
                {
                    "objectType": "contextGroup",
                    "group": {"objectType": "Group", "member": [AGENT]},
                    "relevantTypes": ["http://a.vn/class"],
                }
            ],
        }
    )
    assert x.post(s).status_code == (200 if x.version == "2.0.0" else 400)


@pytest.mark.parametrize("version", ["2.0.0"], indirect=True)  # contextAgents exist only in 2.0
@pytest.mark.parametrize(
    "item",
    [
        {"objectType": "contextAgent", "agent": AGENT, "relevantTypes": []},
        {"objectType": "contextAgent", "agent": AGENT, "relevantTypes": ["teacher"]},
        {"objectType": "Agent", "agent": AGENT},
        {"objectType": "contextAgent", "agent": {"name": "no ifi"}},
    ],
    ids=["relevant_types_empty", "relevant_types_not_iri", "objecttype_wrong", "agent_invalid"],
)
def test_context_agents_rules_in_2_0(x, item):
    assert x.version == "2.0.0"
    assert x.post(stmt(context={"contextAgents": [item]})).status_code == 400


def test_timestamp_without_time_zone_is_rejected_in_2_0_and_accepted_in_1_0_3(x):
    resp = x.post(stmt(timestamp="2026-03-16T08:00:00"))
    assert resp.status_code == (400 if x.version == "2.0.0" else 200)


def test_statement_version_2_0_is_accepted_only_by_2_0(x):
    resp = x.post(stmt(version="2.0.0"))
    assert resp.status_code == (200 if x.version == "2.0.0" else 400)
