"""cmi5 blocks: each AU of an imported course structure becomes a block. A launch reuses the
learner's registration for the block, opens a session, writes LMS.LaunchData into the LRS and
records `launched`; the AU fetches its LRS token once (`cmi5_fetch`); statements it sends with it
reach `cmi5_statements` (lrs.services.launch_statements_stored), which applies the AU's moveOn:
satisfied recorded, the block completed. The import is in services/interactive.py."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.utils import timezone

from edudx.core.actor import Actor
from edudx.core.errors import NotFound
from edudx.lrs import selectors as lrs_selectors
from edudx.lrs import services as lrs

from .. import statements
from ..models import Block, BlockKind, Cmi5Registration, Cmi5Session
from .interactive import COMPLETED, PASSED, grade_of
from .progress import block_done, learner_context

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
FETCH_WINDOW_S = 3600  # a launch's token must be fetched within an hour


def au_iri(block: Block) -> str:
    """The AU's activity id in this LMS (launch parameter `activityId`): one per block; the
    course structure's own AU id travels as the publisher id in contextTemplate's grouping."""
    return statements.iri("blocks", f"{block.pk}/au")


def _au(block: Block) -> dict[str, Any]:
    if block.kind != BlockKind.CMI5 or block.package is None:
        raise NotFound()
    for au in block.package.meta.get("aus", []):
        if au.get("id") == block.au_id:
            return dict(au)
    raise NotFound()


def _cmi5_statement(
    *, user_id: int, verb: str, obj_id: str, block: Block, reg: Cmi5Registration, session: str | None,
    course: Any, result: dict[str, Any] | None = None, extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    context: dict[str, Any] = {
        "registration": str(reg.registration),
        "contextActivities": {
            "category": [{"id": CMI5, "objectType": "Activity"}],
            "parent": [{"id": statements.iri("courses", course.pk), "objectType": "Activity"}],
            "grouping": [{"id": block.au_id, "objectType": "Activity"}],
        },
        "extensions": {**({SESSION_EXT: session} if session else {}), **(extensions or {})},
    }
    if not context["extensions"]:
        del context["extensions"]
    stmt: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": statements.agent(user_id),
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": obj_id},
        "context": context,
        "timestamp": timezone.now().isoformat(),
    }
    if result:
        stmt["result"] = result
    return stmt


def au_url(block: Block, base: str) -> str:
    url = str(_au(block)["url"])
    if urlsplit(url).scheme:
        return url
    return f"{base}/learning/packages/{block.package.uid}/{url}"  # type: ignore[union-attr]


def cmi5_launch(*, actor: Actor, block: Block, base: str, endpoint: str, return_url: str) -> str:
    """Launch the AU for the signed-in learner: the URL to open (the AU's, with the launch
    parameters). `base` is this site's origin, `endpoint` the LRS's xAPI root."""
    ctx = learner_context(actor, block.lesson)
    au = _au(block)
    with transaction.atomic():
        reg, _created = Cmi5Registration.objects.get_or_create(block=block, user=actor.user)
        session = Cmi5Session.objects.create(registration=reg)
        agent = statements.agent(actor.user.pk)
        launch_data: dict[str, Any] = {
            "contextTemplate": {
                "contextActivities": {"grouping": [{"objectType": "Activity", "id": au["id"]}]},
                "extensions": {SESSION_EXT: str(session.session)},
            },
            "launchMode": "Normal",
            "moveOn": au["moveOn"],
            "returnURL": return_url,
        }
        if au.get("masteryScore") is not None:
            launch_data["masteryScore"] = float(au["masteryScore"])
        if au.get("launchParameters"):
            launch_data["launchParameters"] = au["launchParameters"]
        lrs.launch_state_put(
            unit_path=ctx.course.unit_path, activity_id=au_iri(block), agent=agent,
            registration=str(reg.registration), state_id="LMS.LaunchData", content=launch_data,
        )  # fmt: skip
        statements.write(
            actor=actor,
            course=ctx.course,
            statement=_cmi5_statement(
                user_id=actor.user.pk, verb=LAUNCHED, obj_id=au_iri(block), block=block, reg=reg,
                session=str(session.session), course=ctx.course,
                extensions={"https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Normal",
                            "https://w3id.org/xapi/cmi5/context/extensions/moveon": au["moveOn"]},
            ),
        )  # fmt: skip
        if au["moveOn"] == "NotApplicable":
            _satisfy(actor, ctx, block, reg, grade=None)
    query = urlencode(
        {
            "endpoint": endpoint,
            "fetch": f"{base}/learning/cmi5/fetch/{session.session}/",
            "actor": json.dumps(agent, separators=(",", ":")),
            "registration": str(reg.registration),
            "activityId": au_iri(block),
        }
    )
    url = au_url(block, base)
    return f"{url}{'&' if '?' in url else '?'}{query}"


def cmi5_fetch(*, session_id: str) -> tuple[dict[str, str], int]:
    """The fetch URL: the launch's LRS token, once. A second call, an unknown session or one
    past its window gets the spec's error document (error-code 1: already in use, 403; 2: security, 401)."""
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        return {"error-code": "2", "error-text": "unknown launch session"}, 401
    session = (
        Cmi5Session.objects.select_related(
            "registration__block__lesson__course", "registration__block__package"
        )
        .filter(session=key)
        .first()
    )
    if session is None:
        return {"error-code": "2", "error-text": "unknown launch session"}, 401
    if session.created_at < timezone.now() - dt.timedelta(seconds=FETCH_WINDOW_S):
        return {"error-code": "2", "error-text": "the launch session has expired"}, 401
    if not Cmi5Session.objects.filter(pk=session.pk, fetched_at__isnull=True).update(
        fetched_at=timezone.now()
    ):
        return {"error-code": "1", "error-text": "the auth token was already fetched"}, 403
    reg = session.registration
    block = reg.block
    token = lrs.launch_token_issue(
        unit_path=block.lesson.course.unit_path,
        actor=statements.agent(reg.user_id),
        registration=str(reg.registration),
        activity_id=au_iri(block),
        authority_name="edudx LMS (cmi5)",
    )
    return {"auth-token": token}, 200


def cmi5_statements(sender: Any, launch: Any, statements: list[dict[str, Any]], **_kw: Any) -> None:
    """The AU's statements arrived in the LRS: apply moveOn (lrs.services signal receiver)."""
    from edudx.accounts.services import scope_for_user

    verbs = {s.get("verb", {}).get("id") for s in statements if isinstance(s.get("verb"), dict)}
    if not verbs & {COMPLETED, PASSED}:
        return
    reg = (
        Cmi5Registration.objects.select_related("block__lesson__course", "block__package", "user")
        .filter(registration=launch.registration)
        .first()
    )
    if reg is None or reg.satisfied_at is not None:
        return
    block = reg.block
    au = _au(block)
    seen = lrs_selectors.launch_verbs(
        unit_path=block.lesson.course.unit_path, registration=str(reg.registration), activity_id=au_iri(block)
    )
    move_on = au["moveOn"]
    done = {
        "Completed": COMPLETED in seen,
        "Passed": PASSED in seen,
        "CompletedAndPassed": COMPLETED in seen and PASSED in seen,
        "CompletedOrPassed": COMPLETED in seen or PASSED in seen,
        "NotApplicable": True,
    }[move_on]
    if not done:
        return
    grade = next(
        (grade_of(s.get("result")) for s in statements if s.get("verb", {}).get("id") == PASSED), None
    )
    actor = Actor(user=reg.user, scope=scope_for_user(reg.user))
    try:
        ctx = learner_context(actor, block.lesson)
    except NotFound:
        return  # the learner left the class since the launch: nothing to complete here
    with transaction.atomic():
        _satisfy(actor, ctx, block, reg, grade=grade)


def _satisfy(actor: Actor, ctx: Any, block: Block, reg: Cmi5Registration, *, grade: Decimal | None) -> None:
    if not Cmi5Registration.objects.filter(pk=reg.pk, satisfied_at__isnull=True).update(
        satisfied_at=timezone.now()
    ):
        return
    statements.write(
        actor=actor,
        course=ctx.course,
        statement=_cmi5_statement(
            user_id=actor.user.pk, verb=SATISFIED, obj_id=au_iri(block), block=block, reg=reg,
            session=None, course=ctx.course,
        ),
    )  # fmt: skip
    block_done(actor=actor, block=block, ctx=ctx, grade=grade)
