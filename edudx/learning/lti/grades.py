"""Assignment and Grade Services 2.0 and Names and Role Provisioning Services 2.0: access tokens
by client_credentials with a JWT client assertion the tool signs (RFC 7523), line items of a
course, scores (kept per learner, written to the block's grade and to the LRS), results, and the
course's members — only the courses where the tool has a block, only the course's members."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.dateparse import parse_datetime

from edudx.core.actor import Actor
from edudx.core.errors import NotFound

from .. import statements
from ..models import Block, BlockProgress, Course, Enrolment, LtiLineItem, LtiScore, LtiTool
from ..models.lti import ToolState
from . import keys
from .errors import BadScope, BadToken, LtiError, NoAccess, NotMember, ToolInactive
from .schemas import AGS, NRPS_SCOPE
from .services import INSTRUCTOR, LEARNER, issuer, subject_id

TOKEN_SALT = "learning.lti.access"  # noqa: S105 (a signing salt, not a secret)
TOKEN_AGE = 3600
ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
MAX_SCORE = Decimal("1000000")


def token_issue(*, params: dict[str, str], token_url: str, base: str) -> dict[str, Any]:
    """An access token for the scopes asked for and allowed to the tool (one hour)."""
    if params.get("grant_type") != "client_credentials" or params.get("client_assertion_type") != ASSERTION:
        raise LtiError()
    assertion = params.get("client_assertion", "")
    first = keys.unverified_claims(assertion)
    tool = LtiTool.objects.filter(client_id=str(first.get("sub", ""))[:64]).first()
    if tool is None or tool.state != ToolState.ACTIVE:
        raise ToolInactive()
    claims = keys.verify_tool_jwt(tool, assertion, audience=[token_url, issuer(base)])
    jti = claims.get("jti")
    if claims.get("iss") != tool.client_id or claims.get("sub") != tool.client_id or not isinstance(jti, str):
        raise BadToken()
    keys.once(f"jti:{tool.pk}:{jti}", ttl_s=max(60, int(claims["exp"]) - keys.now_s() + 60))
    granted = [s for s in params.get("scope", "").split()[:10] if s in tool.scopes]
    if not granted:
        raise BadScope()
    token = signing.dumps({"t": tool.pk, "s": granted}, salt=TOKEN_SALT)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_AGE,
        "scope": " ".join(granted),
    }


def access(*, authorization: str, course_id: int, need: tuple[str, ...]) -> tuple[LtiTool, Course]:
    """The tool behind a bearer token, if it holds one of `need` and has a block in the course."""
    if not authorization.startswith("Bearer ") or len(authorization) > 2000:
        raise NoAccess()
    try:
        data = signing.loads(authorization[7:].strip(), salt=TOKEN_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature as exc:
        raise NoAccess() from exc
    tool = (
        LtiTool.objects.filter(pk=data["t"]).first()
        if isinstance(data, dict) and isinstance(data.get("t"), int)
        else None
    )
    if tool is None or tool.state != ToolState.ACTIVE:
        raise ToolInactive()
    if not any(s in data.get("s", []) for s in need):
        raise BadScope()
    course = Course.objects.filter(pk=course_id).first()
    if (
        course is None
        or not course.unit_path.startswith(tool.unit_path)
        or not Block.objects.filter(lesson__course=course, lti_tool=tool).exists()
    ):
        raise NotFound()
    return tool, course


def _number(value: Any, *, field: str, required: bool = True) -> Decimal | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise LtiError(code="lti_bad_" + field)
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise LtiError(code="lti_bad_" + field) from exc
    if not number.is_finite() or number < 0 or number > MAX_SCORE:
        raise LtiError(code="lti_bad_" + field)
    return number


def line_item_from(
    *, tool: LtiTool, course: Course, block: Block | None, body: dict[str, Any]
) -> LtiLineItem:
    maximum = _number(body.get("scoreMaximum"), field="score_maximum")
    label = body.get("label") or (block.title if block else "")
    if not maximum or not isinstance(label, str) or not label.strip():
        raise LtiError(code="lti_bad_line_item")
    return LtiLineItem.objects.create(
        tool=tool,
        course=course,
        block=block,
        label=label[:200],
        score_maximum=maximum,
        resource_id=str(body.get("resourceId") or "")[:200],
        tag=str(body.get("tag") or "")[:200],
    )


def line_item_create(*, tool: LtiTool, course: Course, body: Any) -> LtiLineItem:
    if not isinstance(body, dict):
        raise LtiError()
    block = None
    link = body.get("resourceLinkId")
    if link is not None:
        pk = str(link).removeprefix("block-")
        block = Block.objects.filter(
            pk=int(pk) if pk.isdigit() and len(pk) < 18 else 0, lesson__course=course, lti_tool=tool
        ).first()
        if block is None:
            raise NotFound()
    return line_item_from(tool=tool, course=course, block=block, body=body)


def line_item_get(*, tool: LtiTool, course: Course, pk: int) -> LtiLineItem:
    item = LtiLineItem.objects.filter(pk=pk, tool=tool, course=course).first()
    if item is None:
        raise NotFound()
    return item


def line_item_json(item: LtiLineItem, root: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"{root}/ags/{item.course_id}/lineitems/{item.pk}",
        "scoreMaximum": float(item.score_maximum),
        "label": item.label,
    }
    if item.resource_id:
        out["resourceId"] = item.resource_id
    if item.tag:
        out["tag"] = item.tag
    if item.block_id:
        out["resourceLinkId"] = f"block-{item.block_id}"
    return out


def members(tool: LtiTool, course: Course) -> list[tuple[int, list[str]]]:
    """(user id, roles) of the course: its active learners with an account, and its author."""
    learners = Enrolment.objects.filter(course=course, active=True, user__isnull=False).values_list(
        "user_id", flat=True
    )
    out: dict[int, list[str]] = {uid: [LEARNER] for uid in learners}
    if course.created_by_id:
        out[course.created_by_id] = [INSTRUCTOR]
    return sorted(out.items())


def _member(tool: LtiTool, course: Course, sub: Any) -> int:
    if not isinstance(sub, str) or not sub or len(sub) > 64:
        raise LtiError(code="lti_bad_user_id")
    for uid, _roles in members(tool, course):
        if subject_id(tool, uid) == sub:
            return uid
    raise NotMember()


@transaction.atomic
def score_post(*, tool: LtiTool, course: Course, item: LtiLineItem, body: Any) -> LtiScore | None:
    """Keep the tool's latest score of a member (an older timestamp is ignored, AGS §3.4); a line
    item bound to a block grades the block (percent) and marks it done when completed."""
    if not isinstance(body, dict):
        raise LtiError()
    user_id = _member(tool, course, body.get("userId"))
    activity, grading = body.get("activityProgress"), body.get("gradingProgress")
    if activity not in ACTIVITY or grading not in GRADING:
        raise LtiError(code="lti_bad_progress")
    given = _number(body.get("scoreGiven"), field="score_given", required=False)
    maximum = _number(body.get("scoreMaximum"), field="score_maximum", required=given is not None)
    if given is not None and (not maximum or given > maximum * 100):
        raise LtiError(code="lti_bad_score_maximum")
    stamp = parse_datetime(str(body.get("timestamp") or "")[:40]) if body.get("timestamp") else None
    if stamp is None or stamp.tzinfo is None:
        raise LtiError(code="lti_bad_timestamp")
    comment = str(body.get("comment") or "")[:1000]
    current = LtiScore.objects.select_for_update().filter(line_item=item, user_id=user_id).first()
    if current is not None and current.timestamp >= stamp:
        return None
    score, _new = LtiScore.objects.update_or_create(
        line_item=item,
        user_id=user_id,
        defaults={
            "score_given": given,
            "score_maximum": maximum,
            "activity_progress": activity,
            "grading_progress": grading,
            "comment": comment,
            "timestamp": stamp,
        },
    )
    fraction = float(given / maximum) if given is not None and maximum else None
    block = item.block
    if block is not None:
        progress, _made = BlockProgress.objects.get_or_create(block=block, user_id=user_id)
        if fraction is not None and grading == "FullyGraded":
            progress.grade = Decimal(str(round(min(fraction, 1.0) * 100, 2)))
        progress.done = progress.done or activity in ("Completed", "Submitted")
        progress.save(update_fields=["grade", "done", "updated_at"])
    if fraction is not None:
        _scored(tool, course, item, user_id, fraction)
    return score


def _scored(tool: LtiTool, course: Course, item: LtiLineItem, user_id: int, fraction: float) -> None:
    if item.block is not None:
        obj = statements.block_activity(item.block)
        lesson = item.block.lesson
    else:
        obj = {
            "objectType": "Activity",
            "id": statements.iri("lti-line-items", item.pk),
            "definition": {"type": statements.TYPES["assignment"], "name": {"vi-VN": item.label}},
        }
        lesson = None
    result = statements.score_result(fraction, None)
    result["completion"] = True
    stmt = statements.build(
        user_id=user_id, verb="scored", obj=obj, course=course, lesson=lesson, result=result
    )
    statements.write(actor=Actor.system(source=f"lti:{tool.client_id}"), course=course, statement=stmt)


def results(*, tool: LtiTool, item: LtiLineItem, root: str, user_sub: str = "") -> list[dict[str, Any]]:
    out = []
    for s in LtiScore.objects.filter(line_item=item).order_by("user_id"):
        sub = subject_id(tool, s.user_id)
        if user_sub and sub != user_sub:
            continue
        row: dict[str, Any] = {
            "id": f"{root}/ags/{item.course_id}/lineitems/{item.pk}/results/{s.pk}",
            "scoreOf": f"{root}/ags/{item.course_id}/lineitems/{item.pk}",
            "userId": sub,
        }
        if s.score_given is not None and s.score_maximum:
            row["resultScore"] = float(s.score_given)
            row["resultMaximum"] = float(s.score_maximum)
        if s.comment:
            row["comment"] = s.comment
        out.append(row)
    return out


def memberships(*, tool: LtiTool, course: Course, root: str, limit: int, offset: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    everyone = members(tool, course)
    page = everyone[offset : offset + limit]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[uid for uid, _r in page])}
    rows = []
    for uid, roles in page:
        row: dict[str, Any] = {"status": "Active", "user_id": subject_id(tool, uid), "roles": roles}
        user = users.get(uid)
        if user is not None and tool.share_name:
            row["name"] = getattr(user, "full_name", "") or user.get_username()
        if user is not None and tool.share_email and user.email:
            row["email"] = user.email
        rows.append(row)
    return {
        "id": f"{root}/nrps/{course.pk}/memberships/",
        "context": {"id": f"course-{course.pk}", "label": course.title[:60], "title": course.title},
        "members": rows,
        "_more": offset + limit < len(everyone),
    }


SCOPE_LINEITEMS_READ = (AGS + "lineitem", AGS + "lineitem.readonly")
SCOPE_LINEITEMS_WRITE = (AGS + "lineitem",)
SCOPE_SCORE = (AGS + "score",)
SCOPE_RESULTS = (AGS + "result.readonly",)
SCOPE_NRPS = (NRPS_SCOPE,)
