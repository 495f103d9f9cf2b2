"""Writes of the LTI platform side: tool registration and its states, the OIDC launch (login
initiation → authorization → signed id_token) and Deep Linking's return. AGS and NRPS: grades.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from edudx.core.roles import Role
from edudx.core.scope import Scope
from edudx.core.services import full_clean_or_raise
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors as learning
from ..models import Block, BlockKind, Course, Lesson, LtiLineItem, LtiTool
from ..models.lti import ToolState
from ..services.courses import state_move
from . import keys
from .errors import BadRedirect, HintMismatch, LtiError, ToolInactive
from .schemas import SCOPES, ToolIn

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER = LIS + "membership#Learner"
INSTRUCTOR = LIS + "membership#Instructor"
ADMINISTRATOR = LIS + "membership#Administrator"
HINT_SALT = "learning.lti.hint"
HINT_AGE = 600
TOOL_FIELDS = ["name", "deployment_id", "login_url", "target_link_url", "state"]


def issuer(base: str) -> str:
    """The platform's issuer: this site's address (what tools register as `iss`)."""
    return base.rstrip("/")


def urls_ok(*urls: str) -> bool:
    return all(u.startswith(("https://", "http://")) and len(u) <= 500 for u in urls)


def _tool_path(actor: Actor, data: ToolIn) -> str:
    if data.school_id:
        return str(registry.school_get(scope=actor.scope, pk=data.school_id).unit.path)
    paths = actor.scope.paths_for(perms.LTI_MANAGE)
    if paths is None:
        return ""
    if not paths:
        raise PermissionDenied()
    return paths[0]


@transaction.atomic
def tool_create(*, actor: Actor, data: ToolIn) -> LtiTool:
    """A tool registered in draft with a generated client id; its courses are the unit's subtree."""
    path = _tool_path(actor, data)
    actor.scope.require(perms.LTI_MANAGE, path or None)
    uris = data.redirect_uris or [data.target_link_url]
    if not urls_ok(data.login_url, data.target_link_url, *uris) or (
        data.jwks_url and not urls_ok(data.jwks_url)
    ):
        raise ValidationFailed(
            details=[FieldError("login_url", "bad_url", str(_("Give web addresses (https://…).")))]
        )
    if not (data.jwks_url or data.jwks or data.public_key.strip()):
        raise ValidationFailed(
            details=[FieldError("jwks_url", "required", str(_("Give the tool's JWKS URL or public key.")))]
        )
    unknown = [s for s in data.scopes if s not in SCOPES]
    if unknown:
        raise ValidationFailed(details=[FieldError("scopes", "unknown", str(_("Unknown scope.")))])
    tool = LtiTool(
        **data.model_dump(exclude={"school_id", "redirect_uris"}),
        redirect_uris=uris,
        unit_path=path,
        client_id=secrets.token_hex(16),
        created_by=actor.user,
    )
    # URLs were checked above (Django's URLValidator refuses hosts without a dot, e.g. an intranet tool).
    full_clean_or_raise(
        tool,
        exclude=["jwks", "custom", "scopes", "redirect_uris", "login_url", "target_link_url", "jwks_url"],
    )
    tool.save(force_insert=True)
    history.record(
        actor=actor,
        obj=tool,
        action="create",
        changes={k: [None, getattr(tool, k)] for k in TOOL_FIELDS},
        operation="learning.lti_tool_create",
    )
    return tool


@transaction.atomic
def tool_transition(*, actor: Actor, tool: LtiTool, move: str) -> LtiTool:
    actor.scope.require(perms.LTI_MANAGE, tool.unit_path or None)
    if move not in ("activate", "suspend"):
        raise Conflict(code="bad_state", message=_("This change of state is not possible now."))
    moved: LtiTool = state_move(actor=actor, obj=tool, move=move, operation=f"learning.lti_{move}")
    return moved


def tools_for_course(course: Course) -> list[LtiTool]:
    """Active tools registered at the course's unit or above it."""
    return [
        t for t in LtiTool.objects.filter(state=ToolState.ACTIVE) if course.unit_path.startswith(t.unit_path)
    ]


def subject_id(tool: LtiTool, user_id: int) -> str:
    """A stable opaque id of a person for one tool (pairwise: two tools cannot join their ids)."""
    msg = f"lti-sub:{tool.client_id}:{user_id}".encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), msg, hashlib.sha256).hexdigest()[:32]


def roles(scope: Scope, course: Course) -> list[str]:
    if scope.has_role(Role.DEPT_ADMIN, Role.SCHOOL_ADMIN):
        return [ADMINISTRATOR, LIS + "institution/person#Administrator", INSTRUCTOR]
    if scope.can(perms.AUTHOR, course.unit_path):
        return [INSTRUCTOR]
    return [LEARNER]


def tool_active(tool: LtiTool | None) -> LtiTool:
    if tool is None or tool.state != ToolState.ACTIVE:
        raise ToolInactive()
    return tool


def _login_url(tool: LtiTool, *, base: str, user_id: int, hint: dict[str, Any], target: str) -> str:
    params = {
        "iss": issuer(base),
        "login_hint": signing.dumps(user_id, salt=HINT_SALT + ".user"),
        "target_link_uri": target,
        "lti_message_hint": signing.dumps({**hint, "u": user_id, "t": tool.pk}, salt=HINT_SALT),
        "client_id": tool.client_id,
        "lti_deployment_id": tool.deployment_id,
    }
    sep = "&" if "?" in tool.login_url else "?"
    return f"{tool.login_url}{sep}{urlencode(params)}"


def _launch_block(actor: Actor, pk: int) -> Block:
    """The block if the actor may launch it: a learner of its lesson, or an author of its course."""
    block = (
        Block.objects.select_related("lesson__course", "lti_tool").filter(pk=pk, kind=BlockKind.LTI).first()
    )
    if block is not None and actor.scope.can(perms.AUTHOR, block.lesson.course.unit_path):
        return block
    block = learning.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=pk)
    if block.kind != BlockKind.LTI:
        raise NotFound()
    return block


def launch_start(*, actor: Actor, block_id: int, base: str) -> str:
    """The OIDC third-party login initiation URL of the block's tool (the browser goes there)."""
    block = _launch_block(actor, block_id)
    tool = tool_active(block.lti_tool)
    target = block.lti_url or tool.target_link_url
    return _login_url(
        tool, base=base, user_id=actor.user.pk, hint={"m": "launch", "b": block.pk}, target=target
    )


def deep_link_start(*, actor: Actor, lesson: Lesson, tool_id: int, base: str) -> str:
    actor.scope.require(perms.AUTHOR, lesson.course.unit_path)
    tool = next((t for t in tools_for_course(lesson.course) if t.pk == tool_id), None)
    if tool is None:
        raise NotFound()
    return _login_url(
        tool, base=base, user_id=actor.user.pk, hint={"m": "dl", "l": lesson.pk}, target=tool.target_link_url
    )


@dataclass
class Authorized:
    redirect_uri: str
    id_token: str
    state: str


def _hint(params: dict[str, str], tool: LtiTool, user_id: int) -> dict[str, Any]:
    try:
        hint = signing.loads(params.get("lti_message_hint", ""), salt=HINT_SALT, max_age=HINT_AGE)
        login_user = signing.loads(params.get("login_hint", ""), salt=HINT_SALT + ".user", max_age=HINT_AGE)
    except signing.BadSignature as exc:
        raise HintMismatch() from exc
    if (
        not isinstance(hint, dict)
        or hint.get("u") != user_id
        or login_user != user_id
        or hint.get("t") != tool.pk
    ):
        raise HintMismatch()
    return hint


def authorize(*, actor: Actor, params: dict[str, str], base: str) -> Authorized:
    """The tool's authentication request (OIDC implicit flow, form_post): every field checked
    against the signed-in user, the hint we issued and the tool's registration."""
    if (
        params.get("scope") != "openid"
        or params.get("response_type") != "id_token"
        or params.get("response_mode", "form_post") != "form_post"
        or params.get("prompt", "none") != "none"
        or not params.get("nonce")
        or len(params.get("nonce", "")) > 200
        or len(params.get("state", "")) > 2000
    ):
        raise LtiError()
    tool = tool_active(LtiTool.objects.filter(client_id=params.get("client_id", "")[:64]).first())
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in tool.redirect_uris:
        raise BadRedirect()
    if actor.user is None:
        raise HintMismatch()
    hint = _hint(params, tool, actor.user.pk)
    keys.once(f"nonce:{tool.pk}:{params['nonce']}", ttl_s=HINT_AGE)
    if hint.get("m") == "dl":
        lesson = learning.lesson_get(scope=actor.scope, pk=int(hint.get("l", 0)))
        actor.scope.require(perms.AUTHOR, lesson.course.unit_path)
        claims = _deep_link_claims(actor, tool, lesson, base)
        course = lesson.course
    else:
        block = _launch_block(actor, int(hint.get("b", 0)))
        if block.lti_tool_id != tool.pk:
            raise HintMismatch()
        course = block.lesson.course
        claims = _launch_claims(tool, block, base)
    claims.update(_common_claims(actor, tool, course, base, nonce=params["nonce"]))
    return Authorized(redirect_uri=redirect_uri, id_token=keys.sign(claims), state=params.get("state", ""))


def _common_claims(actor: Actor, tool: LtiTool, course: Course, base: str, *, nonce: str) -> dict[str, Any]:
    now = keys.now_s()
    user = actor.user
    claims: dict[str, Any] = {
        "iss": issuer(base),
        "aud": tool.client_id,
        "azp": tool.client_id,
        "sub": subject_id(tool, user.pk),
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        LTI + "version": "1.3.0",
        LTI + "deployment_id": tool.deployment_id,
        LTI + "roles": roles(actor.scope, course),
        LTI + "context": {
            "id": f"course-{course.pk}",
            "label": course.title[:60],
            "title": course.title,
            "type": [LIS + "course#CourseSection"],
        },
        LTI + "launch_presentation": {"locale": "vi", "document_target": "window"},
        LTI + "tool_platform": {"guid": issuer(base), "name": "edudx", "product_family_code": "edudx"},
    }
    if tool.share_name:
        claims["name"] = getattr(user, "full_name", "") or user.get_username()
    if tool.share_email and user.email:
        claims["email"] = user.email
    return claims


def _service_claims(
    tool: LtiTool, course: Course, base: str, line_item: LtiLineItem | None
) -> dict[str, Any]:
    root = f"{base.rstrip('/')}/learning/lti"
    claims: dict[str, Any] = {}
    ags = [s for s in tool.scopes if "/lti-ags/" in s]
    if ags:
        endpoint: dict[str, Any] = {"scope": ags, "lineitems": f"{root}/ags/{course.pk}/lineitems/"}
        if line_item is not None:
            endpoint["lineitem"] = f"{root}/ags/{course.pk}/lineitems/{line_item.pk}"
        claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = endpoint
    if any("/lti-nrps/" in s for s in tool.scopes):
        claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
            "context_memberships_url": f"{root}/nrps/{course.pk}/memberships/",
            "service_versions": ["2.0"],
        }
    return claims


def _launch_claims(tool: LtiTool, block: Block, base: str) -> dict[str, Any]:
    line_item = LtiLineItem.objects.filter(block=block, tool=tool).first()
    custom = {**tool.custom, **{str(k): str(v) for k, v in (block.lti_custom or {}).items()}}
    return {
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "target_link_uri": block.lti_url or tool.target_link_url,
        LTI + "resource_link": {"id": f"block-{block.pk}", "title": block.title or tool.name},
        LTI + "custom": custom,
        **_service_claims(tool, block.lesson.course, base, line_item),
    }


DATA_SALT = "learning.lti.dl-data"


def _deep_link_claims(actor: Actor, tool: LtiTool, lesson: Lesson, base: str) -> dict[str, Any]:
    data = signing.dumps({"l": lesson.pk, "u": actor.user.pk, "t": tool.pk}, salt=DATA_SALT)
    return {
        LTI + "message_type": "LtiDeepLinkingRequest",
        LTI + "target_link_uri": tool.target_link_url,
        DL + "deep_linking_settings": {
            "deep_link_return_url": f"{base.rstrip('/')}/learning/lti/deep-link/return/",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["window", "iframe"],
            "accept_multiple": True,
            "auto_create": True,
            "title": lesson.title,
            "data": data,
        },
        **_service_claims(tool, lesson.course, base, None),
    }
