"""Writes of the data-quality rules, the reporting calendar and the scorecard snapshots.

A rule is data the department edits: target score, severity, the school levels it applies to,
its parameters, whether it counts. Every save raises the rule's version and keeps the saved
values (`RuleVersion`; version 0 is the shipped default) and a history entry. Every edit, and a
change of the calendar, queues a recount of every school's facts and stored score (a score is
stored under the rules' versions); until it has run, pages score the stored facts under the new
rules themselves — the edit shows at the next read, the pages are fast again after the recount.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import aggregates
from edudx.core.actor import Actor
from edudx.core.errors import NotFound, ValidationFailed
from edudx.core.history import record
from edudx.core.rules.levels import Level

from .. import permissions as perms
from ..aggregates import SCORECARD
from ..models import ReportingDeadline, Rule, RuleVersion, ScorecardSnapshot, Severity, SnapshotLevel
from ..schemas import DeadlineIn, RuleIn
from ..scoring import catalogue

_FIELDS = {"students": set(catalogue.STUDENT_FIELDS), "staff": set(catalogue.STAFF_FIELDS)}


def _bad(message: Any, code: str = "rule_bad_value") -> ValidationFailed:
    return ValidationFailed(message, code=code)


def _number(value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= float(value) <= hi:
        raise _bad(
            _("A parameter is out of range (%(lo)s–%(hi)s).") % {"lo": lo, "hi": hi}, "rule_param_range"
        )
    return float(value)


def _per_level(value: Any, lo: float, hi: float) -> Any:
    if isinstance(value, dict):
        unknown = set(value) - set(Level.values)
        if unknown:
            raise _bad(_("Unknown school level in a parameter."), "rule_unknown_level")
        return {k: _number(v, lo, hi) for k, v in value.items()}
    return _number(value, lo, hi)


def _params(rule: catalogue.RuleDef, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a rule knows, each checked; anything else is refused."""
    unknown = set(params) - set(rule.params)
    if unknown:
        raise _bad(_("This rule has no such parameter."), "rule_unknown_param")
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "fields":
            kind = "staff" if rule.drill == "staff" else "students"
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) and v in _FIELDS[kind] for v in value)
            ):
                raise _bad(_("Choose fields the record has."), "rule_unknown_field")
            out[key] = list(dict.fromkeys(value))
        elif key == "method":
            if value not in catalogue.OUTLIER_METHODS:
                raise _bad(_("The method is one of Z-score, modified Z-score or min–max."), "rule_bad_method")
            out[key] = value
        elif key == "count_warnings":
            if not isinstance(value, bool):
                raise _bad(_("Answer yes or no."), "rule_bad_value")
            out[key] = value
        elif key == "min_probability":
            out[key] = _number(value, 0.0, 1.0)
        elif key == "max_days":
            out[key] = int(_number(value, 1, 3650))
        elif key in ("min", "max", "min_ratio"):
            out[key] = _per_level(value, -1000, 100_000)
        else:  # z, modified_z
            out[key] = _number(value, 0.5, 100)
    return out


@transaction.atomic
def rule_update(*, actor: Actor, code: str, data: RuleIn) -> Rule:
    """Save the department's setting of one rule as a new version."""
    actor.scope.require_any(perms.MANAGE)
    shipped = catalogue.BY_CODE.get(code)
    if shipped is None:
        raise NotFound()
    given = data.model_dump(exclude_unset=True)
    row = Rule.objects.select_for_update().filter(code=code).first()
    if row is None:
        d = catalogue.default_values(code)
        row = Rule.objects.create(code=code, active=d["active"], threshold=d["threshold"], severity=d["severity"],
                                  levels=d["levels"], params=d["params"], version=0)  # fmt: skip
        RuleVersion.objects.create(rule=row, version=0, values=d, at=row.updated_at)
    before = {k: getattr(row, k) for k in catalogue.EDITABLE}
    if "threshold" in given:
        row.threshold = _number(given["threshold"], 0, 100)
    if "severity" in given:
        if given["severity"] not in Severity.values:
            raise _bad(_("The severity is “error” or “warning”."), "rule_bad_severity")
        row.severity = given["severity"]
    if "levels" in given:
        levels = given["levels"] or []
        if not all(v in Level.values for v in levels):
            raise _bad(_("Unknown school level."), "rule_unknown_level")
        row.levels = list(dict.fromkeys(levels))
    if "active" in given:
        row.active = bool(given["active"])
    if "params" in given:
        row.params = {**row.params, **_params(shipped, given["params"] or {})}
    after = {k: getattr(row, k) for k in catalogue.EDITABLE}
    if after == before:
        return row
    row.version += 1
    row.updated_at, row.updated_by = timezone.now(), actor.user
    row.save()
    RuleVersion.objects.create(rule=row, version=row.version, values=after, at=row.updated_at, by=actor.user)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record(actor=actor, obj=row, action="update", changes=changes, operation="quality.rule_update")
    aggregates.recount(SCORECARD)  # the stored scores carry the rules' versions
    return row


@transaction.atomic
def deadline_create(*, actor: Actor, data: DeadlineIn) -> ReportingDeadline:
    actor.scope.require_any(perms.MANAGE)
    if ReportingDeadline.objects.filter(due=data.due).exists():
        raise _bad(_("The calendar already has a deadline on that day."), "deadline_exists")
    row = ReportingDeadline.objects.create(name=data.name, due=data.due, window_days=data.window_days)
    record(actor=actor, obj=row, action="create", operation="quality.deadline_create")
    aggregates.recount(SCORECARD)
    return row


@transaction.atomic
def deadline_delete(*, actor: Actor, deadline: ReportingDeadline) -> None:
    actor.scope.require_any(perms.MANAGE)
    record(actor=actor, obj=deadline, action="delete", operation="quality.deadline_delete",
           changes={"name": [deadline.name, None], "due": [str(deadline.due), None]})  # fmt: skip
    deadline.delete()
    aggregates.recount(SCORECARD)


def snapshot_take(*, day: dt.date | None = None) -> int:
    """Keep today's scores of every school, ward, cluster and the city (the trend); a second
    snapshot the same day replaces the first. A system job (`edudx quality_snapshot`)."""
    from edudx.core.scope import Scope

    from .. import scorecards

    day = day or timezone.localdate()
    system = Scope.system()
    rows: list[ScorecardSnapshot] = []
    city = scorecards.board(scope=system, rank="overall")
    rows.append(ScorecardSnapshot(day=day, level=SnapshotLevel.CITY, key=0, scores=_scores(city.card)))
    for r in city.rows:
        rows.append(ScorecardSnapshot(day=day, level=r.level, key=r.key, scores=_scores(r.card)))
    with transaction.atomic():
        ScorecardSnapshot.objects.filter(day=day).delete()
        ScorecardSnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _scores(card: Any) -> dict[str, Any]:
    return {"overall": card.overall, **{str(k): v for k, v in card.dimensions.items()}}
