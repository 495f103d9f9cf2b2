"""Deep Linking 2.0's return: the tool's signed LtiDeepLinkingResponse becomes `lti` blocks."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Max

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.services import full_clean_or_raise

from .. import permissions as perms
from .. import selectors as learning
from ..models import Block, BlockKind, LtiTool
from . import keys
from .errors import BadToken, HintMismatch, LtiError
from .services import DATA_SALT, DL, LTI, issuer, tool_active, urls_ok


def _user(pk: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None


@transaction.atomic
def deep_link_return(*, token: str, base: str) -> list[Block]:
    """The tool's signed LtiDeepLinkingResponse: verified against the tool's key (aud = our
    issuer, one-time nonce, our signed `data` naming the lesson and the teacher), then one `lti`
    block per ltiResourceLink, graded (a line item) when the item carries a lineItem."""
    from edudx.accounts import services as accounts

    first = keys.unverified_claims(token)
    tool = tool_active(LtiTool.objects.filter(client_id=str(first.get("iss", ""))[:64]).first())
    claims = keys.verify_tool_jwt(tool, token, audience=issuer(base))
    if (
        claims.get(LTI + "message_type") != "LtiDeepLinkingResponse"
        or claims.get(LTI + "version") != "1.3.0"
        or claims.get(LTI + "deployment_id") != tool.deployment_id
        or not isinstance(claims.get("nonce"), str)
    ):
        raise BadToken()
    try:
        data = signing.loads(str(claims.get(DL + "data") or ""), salt=DATA_SALT, max_age=3600)
    except signing.BadSignature as exc:
        raise HintMismatch() from exc
    if not isinstance(data, dict) or data.get("t") != tool.pk:
        raise HintMismatch()
    keys.once(f"dl:{tool.pk}:{claims['nonce']}")
    user = _user(data.get("u"))
    if user is None:
        raise HintMismatch()
    actor = Actor(user=user, scope=accounts.scope_for_user(user), source="lti")
    lesson = learning.lesson_get(scope=actor.scope, pk=int(data.get("l", 0)))
    actor.scope.require(perms.AUTHOR, lesson.course.unit_path)
    items = claims.get(DL + "content_items") or []
    if not isinstance(items, list) or len(items) > 50:
        raise LtiError()
    position = (lesson.blocks.aggregate(m=Max("position"))["m"] or 0) + 1
    made = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "ltiResourceLink":
            continue
        url = str(item.get("url") or "")
        raw = item.get("custom")
        custom: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if (url and not urls_ok(url)) or len(custom) > 50:
            raise LtiError()
        block = Block(
            lesson=lesson,
            kind=BlockKind.LTI,
            position=position,
            title=str(item.get("title") or tool.name)[:200],
            lti_tool=tool,
            lti_url=url,
            lti_custom={str(k)[:100]: str(v)[:1000] for k, v in custom.items()},
        )
        full_clean_or_raise(block, exclude=["video_file", "lti_custom", "lti_url"])
        block.save()
        position += 1
        made.append(block)
        line = item.get("lineItem")
        if isinstance(line, dict):
            from .grades import line_item_from

            line_item_from(tool=tool, course=lesson.course, block=block, body=line)
    history.record(
        actor=actor,
        obj=lesson,
        action="block_add",
        changes={"block": [None, f"lti×{len(made)}"]},
        operation="learning.lti_deep_link",
    )
    return made
