"""Statement content rules (xAPI Data part) through POST /lrs/xapi/statements, both versions.

Each case id starts with the requirement id of the ADL conformance suite it proves; the
table in docs/lrs-conformance.md points here."""

import json

import pytest

from ._util import AGENT, ATT, VOIDED, attachment, get_one, post_ok, stmt, sub, uid, with_, without

P = pytest.param
GROUP = {"objectType": "Group", "member": [AGENT]}

REJECTED = [
    # 2.2 formatting
    P(with_(["result"], {"success": None}), id="XAPI-00001-null-value"),
    P(without("actor"), id="XAPI-00003-actor-missing"),
    P(without("verb"), id="XAPI-00004-verb-missing"),
    P(without("object"), id="XAPI-00005-object-missing"),
    P(with_(["actor"], "mailto:a@example.vn"), id="XAPI-00006-actor-is-a-string"),
    P(with_(["verb"], ["http://a.vn/v"]), id="XAPI-00006-verb-is-an-array"),
    P(with_(["actor", "mbox"], ""), id="XAPI-00007-empty-mbox"),
    P(with_(["id"], ""), id="XAPI-00007-empty-uuid"),
    P(with_(["verb", "id"], ""), id="XAPI-00007-empty-iri"),
    P({("Actor" if k == "actor" else k): v for k, v in stmt().items()}, id="XAPI-00008-key-case"),
    P(with_(["actor", "objectType"], "agent"), id="XAPI-00009-enum-case-agent"),
    P(with_(["object", "objectType"], "activity"), id="XAPI-00009-enum-case-activity"),
    P(with_(["object", "definition", "interactionType"], "Choice"), id="XAPI-00009-enum-case-interaction"),
    P(with_(["grade"], "A"), id="XAPI-00010-unknown-key"),
    P(with_(["object", "definition", "color"], "red"), id="XAPI-00010-unknown-definition-key"),
    P(with_(["verb", "id"], "www.example.vn/verbs/done"), id="XAPI-00011-iri-without-scheme"),
    P(with_(["object", "definition", "moreInfo"], "example.vn/info"), id="XAPI-00011-irl-without-scheme"),
    P(with_(["verb", "display"], {"a-very-long-language-subtag": "x"}), id="XAPI-00013-bad-language-tag"),
    # 2.4 statement properties
    P(with_(["timestamp"], "16/03/2026 08:00"), id="XAPI-00022-bad-timestamp"),
    P(
        with_(["authority"], {"objectType": "Activity", "id": "http://a.vn"}),
        id="XAPI-00024-authority-not-actor",
    ),
    P(with_(["attachments"], ATT), id="XAPI-00025-attachments-not-array"),
    P(with_(["id"], "not-a-uuid"), id="XAPI-00027-id-not-uuid"),
    P(with_(["id"], 12345), id="XAPI-00028-id-not-string"),
    P(with_(["id"], "{" + uid() + "}"), id="XAPI-00029-uuid-braced"),
    P(with_(["id"], uid().replace("-", "")), id="XAPI-00029-uuid-without-hyphens"),
    P(with_(["id"], "9e2b3f3c-1111-4d5e-9aaa-00000000000g"), id="XAPI-00030-uuid-bad-digit"),
    P(with_(["actor", "objectType"], "Activity"), id="XAPI-00031-actor-objecttype"),
    P(with_(["actor", "objectType"], 1), id="XAPI-00032-objecttype-not-string"),
    P(with_(["actor", "name"], ["An"]), id="XAPI-00033-name-not-string"),
    P(with_(["actor"], {"objectType": "Agent", "name": "An"}), id="XAPI-00034-agent-no-ifi"),
    P(with_(["actor"], {"mbox": "mailto:a@b.vn", "openid": "http://a.vn/x"}), id="XAPI-00034-agent-two-ifis"),
    P(with_(["actor"], {"mbox": "mailto:a@b.vn", "member": [AGENT]}), id="XAPI-00035-member-on-agent"),
    P(with_(["actor"], {"objectType": "Group", "member": AGENT}), id="XAPI-00036-member-not-array"),
    P(with_(["actor"], {"objectType": "Group", "member": [{"name": "x"}]}), id="XAPI-00036-member-not-agent"),
    P(with_(["actor"], {"objectType": "Group", "name": "6A1"}), id="XAPI-00037-group-no-ifi-no-member"),
    P(
        with_(["actor"], {"objectType": "Group", "mbox": "mailto:g@b.vn", "openid": "http://g.vn"}),
        id="XAPI-00037-group-two-ifis",
    ),
    P(with_(["actor"], {"mbox": "a@example.vn"}), id="XAPI-00038-mbox-without-mailto"),
    P(with_(["actor"], {"mbox_sha1sum": 1234}), id="XAPI-00039-sha1sum-not-string"),
    P(with_(["actor"], {"openid": "not a uri"}), id="XAPI-00040-openid-not-uri"),
    P(with_(["actor"], {"account": "an01"}), id="XAPI-00041-account-not-object"),
    P(with_(["actor"], {"account": {"name": "an01"}}), id="XAPI-00042-homepage-missing"),
    P(with_(["actor"], {"account": {"homePage": "lms", "name": "an01"}}), id="XAPI-00042-homepage-not-irl"),
    P(with_(["actor"], {"account": {"homePage": "http://a.vn"}}), id="XAPI-00043-account-name-missing"),
    P(
        with_(["actor"], {"account": {"homePage": "http://a.vn", "name": 7}}),
        id="XAPI-00043-account-name-not-string",
    ),
    P(with_(["verb"], {"display": {"en-US": "x"}}), id="XAPI-00044-verb-id-missing"),
    P(with_(["verb", "id"], "completed"), id="XAPI-00044-verb-id-not-iri"),
    P(with_(["verb", "display"], {"en-US": 5}), id="XAPI-00045-display-not-language-map"),
    P(with_(["object", "objectType"], "Thing"), id="XAPI-00046-object-objecttype"),
    P(with_(["object"], {"objectType": "Activity"}), id="XAPI-00047-activity-id-missing"),
    P(with_(["object", "id"], "lesson 1"), id="XAPI-00047-activity-id-not-iri"),
    P(with_(["object", "definition"], "Maths"), id="XAPI-00048-definition-not-object"),
    P(with_(["object", "definition", "interactionType"], "essay"), id="XAPI-00049-interaction-type"),
    # an object or an array is not a string: 400, never a 500 (it used to reach a set lookup)
    P(
        with_(["object", "definition", "interactionType"], {"choice": True}),
        id="XAPI-00049-interaction-type-object",
    ),
    P(
        with_(
            ["object"],
            sub(
                object={
                    "objectType": "Activity",
                    "id": "http://a.vn/a",
                    "definition": {"interactionType": ["choice"]},
                }
            ),
        ),
        id="XAPI-00049-substatement-interaction-type-array",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "choice", "correctResponsesPattern": "a"}),
        id="XAPI-00050-crp-not-array",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "choice", "correctResponsesPattern": [{"a": 1}]}),
        id="XAPI-00050-crp-array-of-objects",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "performance", "steps": {"id": "s"}}),
        id="XAPI-00051-steps",
    ),
    P(
        with_(
            ["object", "definition"], {"interactionType": "matching", "source": [{"id": "1"}], "target": "a"}
        ),
        id="XAPI-00052-target",
    ),
    P(
        with_(
            ["object", "definition"], {"interactionType": "matching", "source": [1], "target": [{"id": "a"}]}
        ),
        id="XAPI-00053-source",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "likert", "scale": [{"id": 1}]}),
        id="XAPI-00054-scale",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "choice", "choices": "a,b"}),
        id="XAPI-00055-choices",
    ),
    P(with_(["object", "definition", "name"], {"vi": 6}), id="XAPI-00056-name-not-language-map"),
    P(
        with_(["object", "definition", "extensions"], ["http://a.vn/e"]),
        id="XAPI-00057-extensions-not-object",
    ),
    P(
        with_(
            ["object", "definition"], {"interactionType": "choice", "choices": [{"description": {"vi": "A"}}]}
        ),
        id="XAPI-00058-component-id-missing",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}),
        id="XAPI-00058-component-ids-repeat",
    ),
    P(with_(["object", "definition", "description"], "text"), id="XAPI-00059-description-not-language-map"),
    P(with_(["object", "definition", "type"], "lesson"), id="XAPI-00060-type-not-iri"),
    P(with_(["object", "definition", "moreInfo"], "a page"), id="XAPI-00061-moreinfo-not-irl"),
    P(
        with_(
            ["object", "definition"],
            {"interactionType": "choice", "choices": [{"id": "a", "description": "A"}]},
        ),
        id="XAPI-00062-component-description",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "choice", "choices": ["a"]}),
        id="XAPI-00063-component-not-object",
    ),
    P(with_(["object", "definition"], {"correctResponsesPattern": ["a"]}), id="XAPI-00064-crp-without-type"),
    P(with_(["object"], {"mbox": "mailto:b@example.vn"}), id="XAPI-00065-agent-object-without-objecttype"),
    P(with_(["object"], {"member": [AGENT], "name": "g"}), id="XAPI-00065-group-object-without-objecttype"),
    P(with_(["object"], sub(verb={"id": "done"})), id="XAPI-00066-substatement-invalid"),
    P(with_(["object"], sub(authority=AGENT)), id="XAPI-00067-substatement-authority"),
    P(with_(["object"], sub(version="1.0.0")), id="XAPI-00068-substatement-version"),
    P(with_(["object"], sub(stored="2026-01-01T00:00:00Z")), id="XAPI-00069-substatement-stored"),
    P(with_(["object"], sub(id=uid())), id="XAPI-00070-substatement-id"),
    P(with_(["object"], sub(object=sub())), id="XAPI-00071-nested-substatement"),
    P(with_(["object"], {"objectType": "StatementRef"}), id="XAPI-00072-statementref-id-missing"),
    P(
        with_(["object"], {"objectType": "StatementRef", "id": "abc"}),
        id="XAPI-00072-statementref-id-not-uuid",
    ),
    P(with_(["object"], {"id": uid()}), id="XAPI-00073-statementref-without-objecttype"),
    P(
        with_(["object"], {k: v for k, v in sub().items() if k != "objectType"}),
        id="XAPI-00073-substatement-without-objecttype",
    ),
    # 2.4.5 result
    P(with_(["result"], {"success": "true"}), id="XAPI-00074-success"),
    P(with_(["result"], {"completion": 1}), id="XAPI-00075-completion"),
    P(with_(["result"], {"response": ["a"]}), id="XAPI-00076-response"),
    P(with_(["result"], {"duration": "5 minutes"}), id="XAPI-00077-duration"),
    P(with_(["result"], {"extensions": {"grade": "A"}}), id="XAPI-00078-extensions"),
    P(with_(["result"], {"score": 0.5}), id="XAPI-00079-score-not-object"),
    P(with_(["result"], {"score": {"min": 10, "max": 5}}), id="XAPI-00080-max-below-min"),
    P(with_(["result"], {"score": {"max": "10"}}), id="XAPI-00080-max-not-number"),
    P(with_(["result"], {"score": {"min": "0"}}), id="XAPI-00081-min-not-number"),
    P(with_(["result"], {"score": {"raw": 11, "min": 0, "max": 10}}), id="XAPI-00082-raw-above-max"),
    P(with_(["result"], {"score": {"raw": -1, "min": 0}}), id="XAPI-00082-raw-below-min"),
    P(with_(["result"], {"score": {"scaled": 1.01}}), id="XAPI-00083-scaled-above-one"),
    P(with_(["result"], {"score": {"scaled": -1.01}}), id="XAPI-00083-scaled-below-minus-one"),
    # 2.4.6 context
    P(
        with_(["object"], {"objectType": "Agent", "mbox": "mailto:b@example.vn"})
        | {"context": {"revision": "2"}},
        id="XAPI-00084-revision-with-agent-object",
    ),
    P(
        with_(["object"], {"objectType": "StatementRef", "id": uid()}) | {"context": {"platform": "edudx"}},
        id="XAPI-00085-platform-with-statementref-object",
    ),
    P(
        with_(["context"], {"contextActivities": [{"id": "http://a.vn"}]}),
        id="XAPI-00086-context-activities-not-object",
    ),
    P(with_(["context"], {"registration": "abc"}), id="XAPI-00087-registration-not-uuid"),
    P(with_(["context"], {"instructor": {"name": "Cô Lan"}}), id="XAPI-00087-instructor-not-agent"),
    P(with_(["context"], {"team": AGENT}), id="XAPI-00088-team-not-group"),
    P(with_(["context"], {"revision": 2}), id="XAPI-00089-revision-not-string"),
    P(with_(["context"], {"platform": True}), id="XAPI-00090-platform-not-string"),
    P(with_(["context"], {"language": "vietnamese!"}), id="XAPI-00091-language"),
    # RFC 5646: a primary language subtag has 2-8 letters; "something" has nine
    P(with_(["context"], {"language": "something"}), id="XAPI-00091-language-subtag-too-long"),
    P(
        with_(["object"], sub(context={"language": "something"})),
        id="XAPI-00091-substatement-language-subtag-too-long",
    ),
    P(with_(["context"], {"statement": {"id": uid()}}), id="XAPI-00092-statement-not-ref"),
    P(with_(["context"], {"contextActivities": {"sibling": [{"id": "http://a.vn"}]}}), id="XAPI-00093-key"),
    P(with_(["context"], {"contextActivities": {"parent": [{"id": "course 1"}]}}), id="XAPI-00094-value"),
    # 2.4.9 authority, 2.4.10 version
    P(
        with_(["authority"], {"objectType": "Group", "member": [AGENT]}),
        id="XAPI-00098-authority-group-of-one",
    ),
    P(
        with_(
            ["authority"],
            {"objectType": "Group", "member": [AGENT, {"mbox": "mailto:b@b.vn"}, {"mbox": "mailto:c@b.vn"}]},
        ),
        id="XAPI-00100-authority-group-of-three",
    ),
    # Data 2.4.9.s3.b1: the two Agents "represent an application and user together" — the
    # authority Group is that pair, so it carries no identifier of its own
    P(
        with_(
            ["authority"],
            {
                "objectType": "Group",
                "mbox": "mailto:g@example.vn",
                "member": [AGENT, {"mbox": "mailto:app@example.vn"}],
            },
        ),
        id="XAPI-00100-authority-identified-group-of-two",
    ),
    P(
        with_(["authority"], {"objectType": "Group", "mbox": "mailto:g@example.vn"}),
        id="XAPI-00024-authority-identified-group-mbox",
    ),
    P(
        with_(["authority"], {"objectType": "Group", "account": {"homePage": "http://a.vn", "name": "g"}}),
        id="XAPI-00024-authority-identified-group-account",
    ),
    P(with_(["version"], "0.95"), id="XAPI-00101-version-0-95"),
    P(with_(["version"], "1.1.0"), id="XAPI-00101-version-1-1"),
    # 2.4.11 attachments
    P(with_(["attachments"], [attachment(length=...)]), id="XAPI-00102-length-missing"),
    P(with_(["attachments"], [attachment(length=1.5)]), id="XAPI-00102-length-not-integer"),
    P(with_(["attachments"], [attachment(sha2=...)]), id="XAPI-00103-sha2-missing"),
    P(with_(["attachments"], [attachment(sha2="not-a-hash")]), id="XAPI-00103-sha2-invalid"),
    P(with_(["attachments"], [attachment(fileUrl="a file")]), id="XAPI-00104-fileurl-not-irl"),
    P(with_(["attachments"], [attachment(contentType=...)]), id="XAPI-00105-content-type-missing"),
    P(with_(["attachments"], [attachment(contentType="text")]), id="XAPI-00105-content-type-invalid"),
    P(with_(["attachments"], [attachment(display=...)]), id="XAPI-00106-display-missing"),
    P(with_(["attachments"], [attachment(display="x")]), id="XAPI-00106-display-not-language-map"),
    P(with_(["attachments"], [attachment(usageType=...)]), id="XAPI-00107-usage-type-missing"),
    P(with_(["attachments"], [attachment(usageType="signature")]), id="XAPI-00107-usage-type-not-iri"),
    # 4.x special data types
    P(with_(["context", "extensions"], {"not an iri": 1}), id="XAPI-00118-extension-key"),
    P(with_(["context", "extensions"], "http://a.vn/e=1"), id="XAPI-00120-extensions-not-key-value"),
    P(with_(["object", "definition", "name"], {"vi_VN": "x"}), id="XAPI-00121-language-map-tag"),
    P(with_(["timestamp"], "2026-03-16 08:00:00Z"), id="XAPI-00123-timestamp-space"),
    P(with_(["timestamp"], "2026-13-16T08:00:00Z"), id="XAPI-00123-timestamp-month-13"),
    P(with_(["result"], {"duration": "P0003-02-01T04:05:06"}), id="XAPI-00124-duration-alternative-format"),
    P(with_(["result"], {"duration": "PT1H2"}), id="XAPI-00124-duration-dangling-number"),
    P(with_(["result"], {"duration": "P4W1D"}), id="XAPI-00124-weeks-with-days"),
    P(with_(["result"], {"duration": "PA1H0M0S"}), id="XAPI-00124-bad-designator"),
    P(with_(["object"], sub(result={"duration": "should fail"})), id="XAPI-00124-substatement-duration"),
    P(with_(["timestamp"], "2008-09-15T15:53:00.601-00"), id="XAPI-00123-offset-minus-00"),
    P(with_(["timestamp"], "2008-09-15T15:53:00.601-0000"), id="XAPI-00123-offset-minus-0000"),
    P(with_(["timestamp"], "2008-09-15T15:53:00.601-00:00"), id="XAPI-00123-offset-minus-00-00"),
    P(with_(["timestamp"], "01/011/2015"), id="XAPI-00123-not-a-date"),
    P(
        with_(["object"], sub(timestamp="2008-09-15T15:53:00.601-00:00")),
        id="XAPI-00123-substatement-timestamp",
    ),
    P(with_(["verb", "display"], {"a12345": "x"}), id="XAPI-00121-tag-with-digits"),
    P(
        with_(["attachments"], [attachment(display={"en-US": "x", "de-419-DE": "y"})]),
        id="XAPI-00121-region-twice",
    ),
    P(with_(["id"], "AA97B177-9383-4934-8543-0F91A7A028368"), id="XAPI-00030-uuid-too-many-digits"),
    P(with_(["id"], "MA97B177-9383-4934-8543-0F91A7A02836"), id="XAPI-00030-uuid-letter-m"),
    P(with_(["result"], {"score": {"max": "100"}}), id="XAPI-00006-number-as-string"),
    P(with_(["result"], {"completion": "false"}), id="XAPI-00006-boolean-as-string"),
    P(
        with_(["verb", "display"], {"ar-a-aaa-b-bbb-a-ccc": "x"}),
        id="XAPI-00013-repeated-extension-singleton",
    ),
    P(with_(["verb", "display"], {"a-DE": "x"}), id="XAPI-00013-one-letter-primary"),
    P(with_(["context"], {"language": 5}), id="XAPI-00091-language-numeric"),
    P(with_(["context"], {"language": {"vi": "x"}}), id="XAPI-00091-language-object"),
    # voiding
    P(with_(["verb"], {"id": VOIDED}), id="XAPI-00017-voiding-activity-object"),
    P(
        stmt(verb={"id": VOIDED}, object={"objectType": "Agent", "mbox": "mailto:b@example.vn"}),
        id="XAPI-00020-voiding-agent-object",
    ),
]


@pytest.mark.parametrize("statement", REJECTED)
def test_rejected(x, statement):
    resp = x.post(statement)
    assert resp.status_code == 400, resp.content
    assert "error" in resp.json()
    # and nothing was stored (XAPI-00182 for statements)
    assert x.get().json()["statements"] == []


ACCEPTED = [
    P(with_(["result"], {"extensions": {"http://a.vn/e": None}}), id="XAPI-00001-extensions-may-hold-null"),
    P(with_(["actor"], {"objectType": "Group", "member": [AGENT]}), id="XAPI-00036-anonymous-group"),
    P(
        with_(["actor"], {"objectType": "Group", "mbox": "mailto:g@example.vn"}),
        id="XAPI-00037-identified-group",
    ),
    P(
        with_(["actor"], {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}),
        id="XAPI-00039-sha1sum",
    ),
    P(with_(["actor"], {"openid": "http://openid.example.vn/an"}), id="XAPI-00040-openid"),
    P(
        with_(["actor"], {"account": {"homePage": "https://lms.example.vn", "name": "an01"}}),
        id="XAPI-00041-account",
    ),
    P(
        with_(["object"], {"objectType": "Agent", "mbox": "mailto:b@example.vn"}),
        id="XAPI-00046-agent-object",
    ),
    P(with_(["object"], {"objectType": "Group", "member": [AGENT]}), id="XAPI-00046-group-object"),
    P(with_(["object"], {"objectType": "StatementRef", "id": uid()}), id="XAPI-00046-statementref-object"),
    P(with_(["object"], sub()), id="XAPI-00066-valid-substatement"),
    P(
        with_(["object"], sub(context={"registration": uid(), "platform": "edudx"})),
        id="XAPI-00066-substatement-context",
    ),
    P(
        with_(
            ["object", "definition"],
            {
                "interactionType": "choice",
                "correctResponsesPattern": ["a[,]b"],
                "choices": [{"id": "a"}, {"id": "b"}],
            },
        ),
        id="XAPI-00050-choice",
    ),
    P(
        with_(
            ["object", "definition"], {"interactionType": "true-false", "correctResponsesPattern": ["true"]}
        ),
        id="XAPI-00049-true-false",
    ),
    P(with_(["object", "definition"], {"interactionType": "fill-in"}), id="XAPI-00049-fill-in"),
    P(with_(["object", "definition"], {"interactionType": "long-fill-in"}), id="XAPI-00049-long-fill-in"),
    P(
        with_(["object", "definition"], {"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]}),
        id="XAPI-00049-numeric",
    ),
    P(with_(["object", "definition"], {"interactionType": "other"}), id="XAPI-00049-other"),
    P(
        with_(["object", "definition"], {"interactionType": "sequencing", "choices": [{"id": "a"}]}),
        id="XAPI-00049-sequencing",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "performance", "steps": [{"id": "s"}]}),
        id="XAPI-00051-steps",
    ),
    P(
        with_(
            ["object", "definition"],
            {"interactionType": "matching", "source": [{"id": "1"}], "target": [{"id": "a"}]},
        ),
        id="XAPI-00052-source-and-target",
    ),
    P(
        with_(["object", "definition"], {"interactionType": "likert", "scale": [{"id": "1"}]}),
        id="XAPI-00054-scale",
    ),
    P(with_(["result"], {"score": {"min": -5}}), id="XAPI-00081-min-alone"),
    P(with_(["result"], {"score": {"max": 5}}), id="XAPI-00080-max-alone"),
    P(with_(["result"], {"score": {"raw": 1e6}}), id="XAPI-00082-raw-alone"),
    P(with_(["result"], {"score": {"scaled": -1}}), id="XAPI-00083-scaled-minus-one"),
    P(with_(["context"], {"instructor": GROUP, "team": GROUP}), id="XAPI-00087-instructor-group"),
    P(
        with_(["context"], {"contextActivities": {"parent": {"id": "http://a.vn/c"}}}),
        id="XAPI-00094-single-activity",
    ),
    P(
        with_(["authority"], {"objectType": "Group", "member": [AGENT, {"mbox": "mailto:app@example.vn"}]}),
        id="XAPI-00098-authority-group-of-two",
    ),
    P(with_(["version"], "1.0.3"), id="XAPI-00101-version-1-0-3"),
    P(with_(["version"], "1.0"), id="XAPI-00101-version-1-0"),
    P(
        with_(["context", "extensions"], {"http://a.vn/a": None, "http://a.vn/b": "", "http://a.vn/c": {}}),
        id="XAPI-00119-extension-values",
    ),
    P(
        with_(["verb", "display"], {"zh-Hant-TW": "完成", "x-klingon": "x", "es-419": "y"}),
        id="XAPI-00121-language-tags",
    ),
    P(with_(["timestamp"], "20260316T080000Z"), id="XAPI-00123-basic-format"),
    P(
        with_(
            ["verb", "display"],
            dict.fromkeys(
                (
                    "i-enochian",
                    "ine",
                    "zh-cmn-Hans-CN",
                    "sr-Latn-RS",
                    "sl-rozaj-biske",
                    "de-CH-1901",
                    "hy-Latn-IT-arevela",
                    "az-Arab-x-AZE-derbend",
                    "x-whatever",
                ),
                "x",
            ),
        ),
        id="XAPI-00013-rfc5646-examples",
    ),
    P(with_(["context"], {"language": "de"}), id="XAPI-00091-language-de"),
    P(with_(["object"], sub(context={"language": "fr-CA"})), id="XAPI-00091-substatement-language-region"),
    # Only null is refused (Data 2.2.s4.b1.b1); "SHOULD NOT include properties with a value of
    # an empty object" (2.2.s2.b1) binds the sender. The suite sends `definition: {}` (200).
    P(with_(["object", "definition"], {}), id="XAPI-00014-empty-definition"),
    P(
        with_(["object"], sub(object={"objectType": "Activity", "id": "http://a.vn/a", "definition": {}})),
        id="XAPI-00014-substatement-empty-definition",
    ),
    P(with_(["result"], {}), id="XAPI-00001-empty-object"),
    # the suite dropped XAPI-00095 ("removed per 02/08/2017 spec call"): nothing forbids it
    P(with_(["context"], {"contextActivities": {}}), id="XAPI-00095-empty-accepted"),
    P(with_(["verb", "display"], {}), id="XAPI-00001-empty-language-map"),
    P(with_(["attachments"], [attachment(description={})]), id="XAPI-00001-attachment-description-empty"),
    P(
        with_(["object"], sub(verb={"id": "http://a.vn/v", "display": {}})),
        id="XAPI-00001-substatement-display-empty",
    ),
    P(with_(["attachments"], [attachment(display={})]), id="XAPI-00106-display-empty-language-map"),
    P(with_(["timestamp"], "2026-03-16T15:00:00.123456+07:00"), id="XAPI-00123-extended-format"),
    P(with_(["result"], {"duration": "P1Y2M3DT4H5M6.5S"}), id="XAPI-00124-full-duration"),
    P(with_(["result"], {"duration": "P4W"}), id="XAPI-00124-weeks"),
    P(with_(["result"], {"duration": "PT16559.14S"}), id="XAPI-00124-seconds-only"),
    P(with_(["object"], sub(result={"duration": "PT1H0M0.1S"})), id="XAPI-00124-substatement-duration"),
    P(
        stmt(
            verb={"id": "http://example.vn/verbs/voided"}, object={"objectType": "StatementRef", "id": uid()}
        ),
        id="XAPI-00019-voided-suffix",
    ),
]


@pytest.mark.parametrize("statement", ACCEPTED)
def test_accepted(x, statement):
    resp = x.post(statement)
    assert resp.status_code == 200, resp.content
    assert len(resp.json()) == 1


def test_float_precision_is_kept(x):
    """XAPI-00002."""
    sid = post_ok(x, with_(["result"], {"score": {"min": 0.12123434, "raw": 12.125, "max": 45.45}}))
    score = get_one(x, sid)["result"]["score"]
    assert score == {"min": 0.12123434, "raw": 12.125, "max": 45.45}


def test_malformed_json_is_rejected(x):
    """XAPI-00014."""
    resp = x.request("POST", "statements", body='{"actor": {"mbox": "mailto:a@b.vn"},')
    assert resp.status_code == 400


@pytest.mark.parametrize("where", ["body", "extension", "document"])
def test_json_nested_past_the_parser_limit_is_400_not_500(x, where):
    """XAPI-00014: a body the LRS cannot read is a bad request — also JSON nested deeper than
    the parser's recursion limit (it raised RecursionError, answered 500)."""
    deep = "[" * 100_000 + "]" * 100_000
    if where == "body":
        resp = x.request("POST", "statements", body=deep)
    elif where == "extension":
        body = json.dumps(stmt(result={"extensions": {"http://a.vn/e": 0}})).replace("0}}", deep + "}}")
        resp = x.request("POST", "statements", body=body)
    else:
        resp = x.request(
            "POST",
            "activities/state",
            params={"activityId": "http://a.vn/a", "agent": json.dumps(AGENT), "stateId": "s"},
            body=deep,
        )
    assert resp.status_code == 400
    assert resp.json()["error"]
    assert x.get().json()["statements"] == []


def test_strings_round_trip_as_utf8(x):
    """XAPI-00015."""
    sid = post_ok(x, stmt())
    resp = x.get({"statementId": sid})
    assert "charset" not in resp["Content-Type"] or "utf-8" in resp["Content-Type"].lower()
    got = json.loads(resp.content.decode("utf-8"))
    assert got["actor"]["name"] == "Nguyễn Văn An"
    assert got["object"]["definition"]["name"]["vi"] == "Toán 6 - Bài 1"


def test_parameter_values_are_validated_like_statement_values(x):
    """XAPI-00012: a query parameter typed like a statement value follows the same rules."""
    assert x.get({"verb": "completed"}).status_code == 400
    assert x.get({"registration": "abc"}).status_code == 400
    assert x.get({"agent": json.dumps({"mbox": "a@b.vn"})}).status_code == 400
    assert x.get({"since": "yesterday"}).status_code == 400


def test_stored_is_assigned_and_is_a_timestamp(x):
    """XAPI-00023, XAPI-00097: the LRS sets `stored` (overwriting any sent value)."""
    sid = post_ok(x, stmt(stored="2001-01-01T00:00:00Z"))
    got = get_one(x, sid)
    assert got["stored"] != "2001-01-01T00:00:00Z"
    assert got["stored"][:2] == "20" and got["stored"].endswith("Z")


def test_id_is_generated_when_absent(x):
    """XAPI-00026."""
    sid = post_ok(x, stmt())
    assert get_one(x, sid)["id"] == sid
    # RFC 4122/9562 variant; version 7 (time-ordered: see store.time_ordered_uuid).
    assert len(sid) == 36 and sid[14] == "7" and sid[19] in "89ab"


def test_authority_is_populated_when_absent(x, lrs_cred):
    """XAPI-00099."""
    sid = post_ok(x, stmt())
    authority = get_one(x, sid)["authority"]
    assert authority["objectType"] == "Agent"
    assert authority["account"]["name"] == lrs_cred[0].key


def test_timestamp_keeps_at_least_millisecond_precision(x):
    """XAPI-00122."""
    sid = post_ok(x, stmt(timestamp="2026-03-16T08:00:00.123456Z"))
    assert get_one(x, sid)["timestamp"].startswith("2026-03-16T08:00:00.123")


def test_version_property_is_kept_as_sent(x):
    """XAPI-00332: a statement keeps the version it was accepted with."""
    sid = post_ok(x, stmt(version="1.0.1"))
    assert get_one(x, sid)["version"] == "1.0.1"


def test_statement_is_not_modified_whatever_its_version(x):
    """XAPI-00330: no conversion of statements by version (a 1.0.0 statement comes back as sent)."""
    s = stmt(version="1.0.0", timestamp="2026-03-16T08:00:00.000Z")
    sid = post_ok(x, s)
    got = get_one(x, sid)
    for key in ("actor", "verb", "object", "version", "timestamp"):
        assert got[key] == s[key]


def test_voiding_statement_must_target_a_statementref(x):
    """XAPI-00020 (the accepted form): a voiding statement with a StatementRef object is stored."""
    target = post_ok(x, stmt())
    assert (
        x.post(stmt(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})).status_code
        == 200
    )


def test_substatement_keeps_its_own_context_rules(x):
    """XAPI-00066: SubStatement content follows statement rules (revision needs an Activity)."""
    bad = sub(object={"objectType": "Agent", "mbox": "mailto:b@example.vn"}, context={"revision": "1"})
    assert x.post(with_(["object"], bad)).status_code == 400


def test_put_round_trips_attachment_statement_via_fileurl(x):
    """XAPI-00025: an attachments array of valid Attachment objects is stored as sent."""
    sid = post_ok(x, stmt(attachments=[ATT]))
    assert get_one(x, sid)["attachments"] == [ATT]
