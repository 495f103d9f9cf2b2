"""Decisions on candidate pairs and merges (re-exported by quality.services).

A pair belongs to both records' schools: deciding it needs quality.review over one of them;
merging it (or undoing a merge) needs quality.review and registry.change over both — a merge
across scopes needs a user who holds both. Two people merging one pair at once: the pair's
state moves by a conditional update, so one wins and the other gets a Conflict
(pair_already_decided). A merge re-points the merged record's other pending pairs at the
survivor (or closes those that would repeat a pair), and its undo puts them back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ValidationFailed
from edudx.registry.services import merge as registry_merge

from .. import permissions as perms
from .. import selectors
from ..models import CandidatePair, Merge, MergeState, PairState


def _move(pair: CandidatePair, step: str, actor: Actor, **fields: Any) -> CandidatePair:
    """Move the pair's state by a conditional update: of two concurrent decisions one wins."""
    before = pair.state
    if not can_proceed(getattr(pair, step)):
        raise Conflict(_("This pair was already decided."), code="pair_already_decided")
    getattr(pair, step)()
    values = {"state": pair.state, "decided_by": actor.user, "decided_at": timezone.now(), **fields}
    done = CandidatePair.objects.filter(pk=pair.pk, state=before).update(**values)
    if not done:
        raise Conflict(_("This pair was already decided."), code="pair_already_decided")
    for k, v in values.items():
        setattr(pair, k, v)
    return pair


def _require_one(actor: Actor, pair: CandidatePair) -> None:
    a, b = selectors.pair_unit_paths(pair)
    if not (actor.scope.can(perms.REVIEW, a) or actor.scope.can(perms.REVIEW, b)):
        from edudx.core.errors import PermissionDenied

        raise PermissionDenied()


def _require_both(actor: Actor, pair: CandidatePair) -> None:
    from edudx.core.errors import PermissionDenied

    for path in selectors.pair_unit_paths(pair):
        if not actor.scope.can(perms.REVIEW, path):
            raise PermissionDenied(
                _("This pair involves a school outside your scope: a user who holds both must merge it."),
                code="merge_needs_both_scopes",
            )


@transaction.atomic
def pair_decide(*, actor: Actor, pair: CandidatePair, decision: str) -> CandidatePair:
    """ "different" (remembered, never proposed again) or "unsure" (left for a higher level)."""
    _require_one(actor, pair)
    steps = {PairState.DIFFERENT: "mark_different", PairState.UNSURE: "mark_unsure"}
    if decision not in steps:
        raise ValidationFailed(_("Choose “different” or “unsure”."), code="pair_bad_decision")
    return _move(pair, steps[PairState(decision)], actor)


@transaction.atomic
def pair_merge(
    *, actor: Actor, pair: CandidatePair, survivor_id: int, take: list[str], auto: bool = False
) -> Merge:
    """Merge the pair: `survivor_id` (one of the two) keeps its record; `take` lists the fields
    whose value comes from the other record."""
    _require_both(actor, pair)
    if survivor_id not in (pair.record_a, pair.record_b):
        raise ValidationFailed(_("The record kept must be one of the pair."), code="merge_bad_survivor")
    merged_id = pair.record_b if survivor_id == pair.record_a else pair.record_a
    _move(pair, "merge", actor, auto=auto)
    snapshot = registry_merge.person_merge(
        actor=actor, kind=pair.kind, survivor_id=survivor_id, merged_id=merged_id, take=take,
        note=f"quality pair {pair.pk}",
    )  # fmt: skip
    others = _repoint_pairs(pair, survivor_id=survivor_id, merged_id=merged_id)
    return Merge.objects.create(
        pair=pair, survivor_id=survivor_id, merged_id=merged_id, snapshot=snapshot, auto=auto, by=actor.user,
        other_pairs=others,
    )  # fmt: skip


_PENDING = (PairState.OPEN, PairState.UNSURE)


def _repoint_pairs(pair: CandidatePair, *, survivor_id: int, merged_id: int) -> list[dict[str, Any]]:
    """The merged record's other pending pairs: each now pairs the survivor with its other record
    (the survivor's school), or is closed when the survivor already has a pair with that record
    (or is that record). Returns what each was, for the undo."""
    survivor_school = pair.school_a_id if survivor_id == pair.record_a else pair.school_b_id
    out: list[dict[str, Any]] = []
    others = CandidatePair.objects.select_for_update().filter(kind=pair.kind, state__in=_PENDING).filter(
        Q(record_a=merged_id) | Q(record_b=merged_id)
    ).exclude(pk=pair.pk)  # fmt: skip
    for other in others.order_by("id"):
        was = {"id": other.pk, "record_a": other.record_a, "record_b": other.record_b,
               "school_a": other.school_a_id, "school_b": other.school_b_id, "state": other.state}  # fmt: skip
        far, far_school = (
            (other.record_b, other.school_b_id)
            if other.record_a == merged_id
            else (other.record_a, other.school_a_id)
        )
        lo, hi = sorted((survivor_id, far))
        clash = (
            far == survivor_id
            or CandidatePair.objects.filter(kind=pair.kind, record_a=lo, record_b=hi).exists()
        )
        if clash:
            other.close()
            CandidatePair.objects.filter(pk=other.pk).update(state=other.state)
            was["action"] = "closed"
        else:
            schools = {survivor_id: survivor_school, far: far_school}
            CandidatePair.objects.filter(pk=other.pk).update(
                record_a=lo, record_b=hi, school_a_id=schools[lo], school_b_id=schools[hi]
            )
            was["action"] = "repointed"
        out.append(was)
    return out


def _restore_pairs(merge: Merge) -> None:
    """Put the pairs a merge re-pointed or closed back as they were — those nobody decided since."""
    for was in merge.other_pairs or []:
        current = CandidatePair.objects.select_for_update().filter(pk=was["id"]).first()
        if current is None:
            continue
        if was["action"] == "closed" and current.state != PairState.CLOSED:
            continue
        if was["action"] == "repointed" and current.state not in _PENDING:
            continue
        if was["action"] == "closed":
            current.reopen()
            if was["state"] == PairState.UNSURE:
                current.mark_unsure()
        CandidatePair.objects.filter(pk=current.pk).update(
            record_a=was["record_a"], record_b=was["record_b"], school_a_id=was["school_a"],
            school_b_id=was["school_b"], state=current.state,
        )  # fmt: skip


@transaction.atomic
def merge_undo(*, actor: Actor, merge: Merge) -> Merge:
    """Unmerge: both records back exactly as they were, with history; the pair is open again."""
    _require_both(actor, merge.pair)
    if not can_proceed(merge.undo):
        raise Conflict(_("This merge was already undone."), code="merge_undone")
    merge.undo()
    done = Merge.objects.filter(pk=merge.pk, state=MergeState.APPLIED).update(
        state=merge.state, undone_at=merge.undone_at, undone_by=actor.user
    )
    if not done:
        raise Conflict(_("This merge was already undone."), code="merge_undone")
    registry_merge.person_unmerge(actor=actor, snapshot=merge.snapshot, note=f"quality pair {merge.pair_id}")
    _restore_pairs(merge)
    pair = merge.pair
    _move(pair, "unmerge", actor, auto=False)
    merge.undone_by = actor.user
    return merge
