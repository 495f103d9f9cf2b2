"""Voiding (xAPI Data 2.3.2): a voiding statement marks its target voided, within the
voider's subtree, whichever of the two arrives first."""

from __future__ import annotations

from typing import Any

from edudx.core.scope import path_upper_bound

from ...models import Statement
from ..validate import VOIDED_VERB
from .rows import _as_uuid_str, _Row, _select_in


def _apply_voiding(
    rows: list[_Row], prepared: list[dict[str, Any]], sent_ids: list[str], unit_path: str
) -> None:
    """Void the targets of this batch's voiding statements, and this batch's statements that
    an earlier voiding statement named — each only within the voider's subtree: a target
    outside it is, to the voider, a statement the LRS does not have (accepted, and applied
    if it ever arrives in the subtree)."""
    targets = [s["object"]["id"].lower() for s in prepared if s["verb"]["id"] == VOIDED_VERB]
    if targets:
        qs = Statement.objects.filter(statement_id__in=targets, voids__isnull=True)
        if unit_path:
            qs = qs.filter(unit_path__gte=unit_path, unit_path__lt=path_upper_bound(unit_path))
        qs.update(voided=True)
    # A statement arriving after the statement that voids it is stored voided. Only an id
    # the client chose can have been voided before it arrived: one the LRS generated just
    # now (random or time-ordered) cannot have been named by an earlier voiding statement.
    # The new rows are in `unit_path`; an earlier voider applies when that lies in the
    # voider's subtree (its unit is this one or an ancestor), never across schools. The
    # rows are updated by primary key: other units may hold statements of the same id.
    sent = set(sent_ids)
    new = {r.statement_id: r.pk for r in rows if r.statement_id in sent}
    late = _select_in("SELECT voids, unit_path FROM lrs_statement WHERE voids IN ({})", list(new))
    pks = {new[_as_uuid_str(v)] for v, voider_path in late if unit_path.startswith(voider_path)}
    if pks:
        Statement.objects.filter(pk__in=pks, voids__isnull=True).update(voided=True)
