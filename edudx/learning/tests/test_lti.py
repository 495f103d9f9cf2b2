"""LTI 1.3 platform side against a real tool: the library's LTI tool (pylti1p3's MessageLaunch,
DeepLink and its own keys) registered here as the external tool, and this platform registered in
the library as its LMS — launch, Deep Linking, AGS and NRPS through the real endpoints."""

import json
import re
import time
import uuid
from html import unescape
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

from edudx.learning.lti import keys, services
from edudx.learning.lti.schemas import SCOPES, ToolIn
from edudx.learning.models import Block, BlockProgress, LtiLineItem

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
TOOL_LAUNCH = BASE + "/library/lti/launch/"
TOKEN_URL = BASE + "/learning/lti/token/"
ALL_SCOPES = " ".join(SCOPES)


@pytest.fixture
def tool(city, client):
    from edudx.library.models import LtiPlatform

    admin = city.actor_of("school_admin")
    t = services.tool_create(
        actor=admin,
        data=ToolIn(
            name="Thư viện số (công cụ)",
            login_url=BASE + "/library/lti/login/",
            target_link_url=TOOL_LAUNCH,
            jwks=client.get("/library/lti/jwks/").json(),
            scopes=list(SCOPES),
        ),
    )
    t = services.tool_transition(actor=admin, tool=t, move="activate")
    LtiPlatform.objects.create(
        name="edudx",
        issuer=BASE,
        client_id=t.client_id,
        deployment_ids=[t.deployment_id],
        auth_login_url=BASE + "/learning/lti/auth/",
        auth_token_url=TOKEN_URL,
        key_set=keys.jwks(),
    )
    return t


def lti_block(built, tool, **extra):
    return Block.objects.create(
        lesson=built.lesson,
        kind="lti",
        position=9,
        title="Bài giảng từ thư viện",
        lti_tool=tool,
        lti_custom={"resource_id": str(built.resource.pk)},
        **extra,
    )


def oidc(c, start):
    """Follow the login initiation to the tool and back to our auth endpoint: (auth response, url)."""
    assert start.status_code == 302, start.content[:300]
    to_tool = c.get(start["Location"])
    assert to_tool.status_code == 302, to_tool.content[:300]
    auth_url = to_tool["Location"]
    assert auth_url.startswith(BASE + "/learning/lti/auth/")
    return c.get(auth_url), auth_url


def form_fields(response):
    html = response.content.decode()
    action = unescape(re.search(r'action="([^"]+)"', html).group(1))
    fields = {m[0]: unescape(m[1]) for m in re.findall(r'name="(\w+)" value="([^"]*)"', html)}
    return action, fields


def claims_of(id_token):
    header = jwt.get_unverified_header(id_token)
    key = next(k for k in keys.jwks()["keys"] if k["kid"] == header["kid"])
    return jwt.decode(
        id_token,
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=jwt.decode(id_token, options={"verify_signature": False})["aud"],
    )


def launch(c, block):
    auth, _url = oidc(c, c.get(f"/learning/lti/launch/{block.pk}/"))
    assert auth.status_code == 200, auth.content[:300]
    action, fields = form_fields(auth)
    assert action == TOOL_LAUNCH
    return fields


def assertion(tool, **over):
    from edudx.library.lti import tool_key

    now = int(time.time())
    body = {
        "iss": tool.client_id,
        "sub": tool.client_id,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        **over,
    }
    return jwt.encode(body, tool_key().private_key, algorithm="RS256")


def access_token(client, tool, scope=ALL_SCOPES):
    r = client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "scope": scope,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion(tool),
        },
    )
    assert r.status_code == 200, r.content
    return {"HTTP_AUTHORIZATION": "Bearer " + r.json()["access_token"]}


def test_a_pupil_launches_the_tool_and_pylti1p3_validates_our_id_token(city, client_for, built, tool):
    block = lti_block(built, tool)
    pupil = client_for("student")
    fields = launch(pupil, block)
    claims = claims_of(fields["id_token"])
    assert claims["iss"] == BASE and claims["aud"] == tool.client_id
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest" and claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert claims[LTI + "resource_link"]["id"] == f"block-{block.pk}"
    assert claims[LTI + "context"]["type"] == ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection"]
    assert claims[LTI + "launch_presentation"]["locale"] == "vi"
    assert "name" not in claims and "email" not in claims
    assert city.users["student"].username not in json.dumps(claims)
    assert claims["sub"] == services.subject_id(tool, city.users["student"].pk)
    assert claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitems"].endswith(
        f"/learning/lti/ags/{built.course.pk}/lineitems/"
    )
    # The library's pylti1p3 MessageLaunch validates it (signature by our JWKS, nonce, state, claims).
    page = pupil.post("/library/lti/launch/", fields)
    assert page.status_code == 200, page.content[:500]
    assert built.resource.title in page.content.decode()
    # The teacher launches as Instructor.
    teacher_claims = claims_of(launch(client_for("teacher"), block)["id_token"])
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" in teacher_claims[LTI + "roles"]


def test_refusals_of_the_launch_are_coded_never_a_500(city, client_for, built, tool):
    from edudx.learning.models import Course, Lesson

    block = lti_block(built, tool)
    pupil, teacher = client_for("student"), client_for("teacher")
    # Another school's course (B1): its block is a 404 for A1's pupil and teacher.
    foreign = Course.objects.create(
        title="B1", kind="open", school=city.schools[2], unit_path=city.schools[2].unit.path
    )
    lesson = Lesson.objects.create(
        course=foreign, section=foreign.sections.create(title="s"), title="l", state="published"
    )
    other = Block.objects.create(lesson=lesson, kind="lti", lti_tool=tool, title="x")
    assert pupil.get(f"/learning/lti/launch/{other.pk}/").status_code == 404
    assert teacher.get(f"/learning/lti/launch/{other.pk}/").status_code == 404
    # The auth request: another user, a redirect not registered, a replayed nonce.
    _auth, url = oidc(pupil, pupil.get(f"/learning/lti/launch/{block.pk}/"))
    refused = teacher.get(url)
    assert refused.status_code == 403 and b"lti_hint_mismatch" in refused.content
    q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    bad = pupil.get(
        "/learning/lti/auth/", {**q, "redirect_uri": "https://evil.example/launch", "nonce": "n2"}
    )
    assert bad.status_code == 400 and b"lti_bad_redirect" in bad.content
    replay = pupil.get(url)  # oidc() used it once already
    assert replay.status_code == 401 and b"lti_replayed" in replay.content
    junk = pupil.get("/learning/lti/auth/", {**q, "lti_message_hint": "x" * 10_000, "nonce": "n3"})
    assert junk.status_code == 403
    # A suspended tool is not launched.
    services.tool_transition(actor=city.actor_of("school_admin"), tool=tool, move="suspend")
    stopped = pupil.get(f"/learning/lti/launch/{block.pk}/")
    assert stopped.status_code == 403 and b"lti_tool_inactive" in stopped.content


def test_deep_linking_through_the_library_picker_adds_lti_blocks(city, client_for, built, tool):
    teacher = client_for("teacher")
    start = teacher.post(f"/learning/lti/lessons/{built.lesson.pk}/tools/{tool.pk}/deep-link/")
    auth, _url = oidc(teacher, start)
    action, fields = form_fields(auth)
    request_claims = claims_of(fields["id_token"])
    assert request_claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    picker = teacher.post(action, fields)
    assert picker.status_code == 200, picker.content[:500]
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', picker.content.decode()).group(1)
    answer = teacher.post(
        "/library/lti/pick/", {"launch_id": launch_id, "resource": [str(built.resource.pk)]}
    )
    back, dl_fields = form_fields(answer)
    assert back == BASE + "/learning/lti/deep-link/return/"
    done = teacher.post(back, {"JWT": dl_fields["JWT"]})
    assert done.status_code == 200, done.content[:500]
    [made] = Block.objects.filter(lesson=built.lesson, kind="lti")
    assert made.lti_tool == tool and made.lti_custom == {"resource_id": str(built.resource.pk)}
    assert made.title == built.resource.title
    replay = teacher.post(back, {"JWT": dl_fields["JWT"]})
    assert replay.status_code == 401 and b"lti_replayed" in replay.content
    junk = teacher.post(back, {"JWT": "a." * 5000})
    assert junk.status_code == 401 and b"lti_bad_token" in junk.content


def _deep_link_with_line_item(built, tool, teacher):
    """A DL response built by pylti1p3's DeepLink (the library tool's registration and key)."""
    from pylti1p3.deep_link import DeepLink
    from pylti1p3.deep_link_resource import DeepLinkResource
    from pylti1p3.lineitem import LineItem

    from edudx.library.lti import ToolConf

    auth, _url = oidc(
        teacher, teacher.post(f"/learning/lti/lessons/{built.lesson.pk}/tools/{tool.pk}/deep-link/")
    )
    settings = claims_of(form_fields(auth)[1]["id_token"])[DL + "deep_linking_settings"]
    registration = ToolConf().find_registration_by_params(BASE, tool.client_id)
    resource = (
        DeepLinkResource()
        .set_url(TOOL_LAUNCH)
        .set_title("Bài tập chấm điểm")
        .set_custom_params({"resource_id": str(built.resource.pk)})
        .set_lineitem(LineItem().set_score_maximum(10).set_label("Bài tập chấm điểm"))
    )
    return DeepLink(registration, tool.deployment_id, settings).get_response_jwt([resource])


def test_scores_through_ags_grade_the_block_and_reach_the_lrs(city, client_for, client, built, tool):
    from edudx.lrs.models import Statement

    teacher = client_for("teacher")
    assert (
        teacher.post(
            "/learning/lti/deep-link/return/", {"JWT": _deep_link_with_line_item(built, tool, teacher)}
        ).status_code
        == 200
    )
    block = Block.objects.get(lesson=built.lesson, kind="lti")
    item = LtiLineItem.objects.get(block=block)
    assert item.score_maximum == 10
    auth = access_token(client, tool)
    root = f"/learning/lti/ags/{built.course.pk}/lineitems/"
    listed = client.get(root, **auth)
    assert listed.status_code == 200 and [i["label"] for i in listed.json()] == ["Bài tập chấm điểm"]
    assert listed.json()[0]["resourceLinkId"] == f"block-{block.pk}"
    made = client.post(
        root,
        json.dumps({"scoreMaximum": 20, "label": "Thêm"}),
        content_type="application/vnd.ims.lis.v2.lineitem+json",
        **auth,
    )
    assert made.status_code == 201 and made.json()["scoreMaximum"] == 20
    pupil = city.users["student"]
    sub = services.subject_id(tool, pupil.pk)
    score = {
        "userId": sub,
        "scoreGiven": 8,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": "2026-12-07T10:00:00+07:00",
    }
    r = client.post(
        f"{root}{item.pk}/scores",
        json.dumps(score),
        content_type="application/vnd.ims.lis.v1.score+json",
        **auth,
    )
    assert r.status_code == 204, r.content
    progress = BlockProgress.objects.get(block=block, user=pupil)
    assert progress.grade == 80 and progress.done
    scored = [json.loads(s.data) for s in Statement.objects.all()]
    scored = [s for s in scored if s["verb"]["display"]["en-US"] == "scored"]
    assert scored and scored[-1]["result"]["score"]["scaled"] == 0.8
    assert scored[-1]["actor"]["account"]["name"] == f"u{pupil.pk}"
    # An older score is ignored (AGS keeps the latest timestamp).
    older = {**score, "scoreGiven": 1, "timestamp": "2026-12-07T09:00:00+07:00"}
    client.post(f"{root}{item.pk}/scores", json.dumps(older), content_type="application/json", **auth)
    results = client.get(f"{root}{item.pk}/results", **auth).json()
    assert results == [
        {
            "id": results[0]["id"],
            "scoreOf": results[0]["scoreOf"],
            "userId": sub,
            "resultScore": 8.0,
            "resultMaximum": 10.0,
        }
    ]
    members = client.get(f"/learning/lti/nrps/{built.course.pk}/memberships/", **auth)
    assert members.status_code == 200
    rows = members.json()["members"]
    assert {
        "status": "Active",
        "user_id": sub,
        "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    } in rows
    assert all("name" not in m and "email" not in m for m in rows)


def test_hostile_tokens_and_scores_are_refused_with_codes(city, client_for, client, built, tool):
    from django.contrib.auth import get_user_model

    block = lti_block(built, tool)
    item = LtiLineItem.objects.create(
        tool=tool, course=built.course, block=block, label="x", score_maximum=10
    )
    grant = {
        "grant_type": "client_credentials",
        "scope": AGS + "score",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    }
    for bad, code in (
        (assertion(tool, aud="https://elsewhere.example/token"), "lti_bad_token"),
        (assertion(tool, exp=int(time.time()) - 120, iat=int(time.time()) - 600), "lti_bad_token"),
        ("x" * 10_000, "lti_bad_token"),
    ):
        r = client.post(TOKEN_URL, {**grant, "client_assertion": bad})
        assert r.status_code == 401 and r.json()["code"] == code and r.json()["error"] == "invalid_client"
    once = assertion(tool)
    assert client.post(TOKEN_URL, {**grant, "client_assertion": once}).status_code == 200
    replay = client.post(TOKEN_URL, {**grant, "client_assertion": once})
    assert replay.status_code == 400 and replay.json()["code"] == "lti_replayed"
    auth = access_token(client, tool, scope=AGS + "score")
    url = f"/learning/lti/ags/{built.course.pk}/lineitems/{item.pk}/scores"
    outsider = get_user_model().objects.create(username="ngoai-lop")
    score = {
        "userId": services.subject_id(tool, outsider.pk),
        "scoreGiven": 1,
        "scoreMaximum": 1,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": "2026-12-07T10:00:00Z",
    }
    pupil_sub = services.subject_id(tool, city.users["student"].pk)
    r = client.post(url, json.dumps(score), content_type="application/json", **auth)
    assert r.status_code == 422 and r.json()["error"]["code"] == "lti_not_member"
    assert (
        client.post(url, b"{" * 10_000, content_type="application/json", **auth).json()["error"]["code"]
        == "lti_bad_json"
    )
    assert (
        client.post(
            url,
            json.dumps({**score, "scoreGiven": "NaN", "userId": pupil_sub}),
            content_type="application/json",
            **auth,
        ).status_code
        == 400
    )
    # A token without the line-item scope; junk bearer; a course where the tool has no block.
    assert client.get(f"/learning/lti/ags/{built.course.pk}/lineitems/", **auth).status_code == 403
    assert (
        client.get(
            f"/learning/lti/ags/{built.course.pk}/lineitems/", HTTP_AUTHORIZATION="Bearer " + "z" * 10_000
        ).status_code
        == 401
    )
    from edudx.learning.models import Course

    other = Course.objects.create(
        title="B1", kind="open", school=city.schools[2], unit_path=city.schools[2].unit.path
    )
    assert (
        client.post(
            f"/learning/lti/ags/{other.pk}/lineitems/{item.pk}/scores",
            json.dumps(score),
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )
    # A suspended tool gets no token and its tokens stop working.
    services.tool_transition(actor=city.actor_of("school_admin"), tool=tool, move="suspend")
    assert (
        client.post(url, json.dumps(score), content_type="application/json", **auth).json()["error"]["code"]
        == "lti_tool_inactive"
    )
    assert client.post(TOKEN_URL, {**grant, "client_assertion": assertion(tool)}).status_code == 401


def test_key_rotation_keeps_the_old_key_published_and_signs_with_the_new(client):
    first = keys.current_key()
    new = keys.key_rotate()
    published = {k["kid"] for k in client.get("/learning/lti/jwks/").json()["keys"]}
    assert published == {first.kid, new.kid}
    assert jwt.get_unverified_header(keys.sign({"a": 1}))["kid"] == new.kid
    assert b"PRIVATE" not in new.private_key.encode()  # stored encrypted


def test_tools_are_registered_by_admins_within_their_scope(city, client_for):
    from edudx.learning.models import LtiTool

    admin = client_for("school_admin")
    r = admin.post(
        "/learning/lti/tools/new/",
        {
            "name": "Công cụ mô phỏng",
            "deployment_id": "1",
            "login_url": "https://tool.example.vn/login",
            "target_link_url": "https://tool.example.vn/launch",
            "public_key": '{"keys": []}',
            "scopes": [AGS + "score"],
        },
    )
    assert r.status_code == 302, r.content[:500]
    made = LtiTool.objects.get(name="Công cụ mô phỏng")
    assert (
        made.state == "draft"
        and made.redirect_uris == ["https://tool.example.vn/launch"]
        and len(made.client_id) == 32
    )
    assert admin.post(f"/learning/lti/tools/{made.pk}/do/activate/").status_code == 302
    made.refresh_from_db()
    assert made.state == "active"
    assert admin.post(f"/learning/lti/tools/{made.pk}/do/explode/").status_code == 409
    assert client_for("teacher").get("/learning/lti/tools/").status_code == 403
    foreign = LtiTool.objects.create(
        name="B1 tool",
        unit_path=city.schools[2].unit.path,
        client_id="b1",
        deployment_id="1",
        login_url="https://x.vn",
        target_link_url="https://x.vn",
    )
    assert admin.get(f"/learning/lti/tools/{foreign.pk}/").status_code == 404
