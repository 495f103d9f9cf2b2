"""Every write of the monitoring module: frameworks, campaigns, self-assessment, review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import filetype
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationFailed
from edudx.core.scope import subtree_q
from edudx.core.services import create_with_history, update_with_history
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors

from . import permissions as perms
from .models import (
    Assessment,
    Campaign,
    Criterion,
    Entry,
    Evidence,
    Framework,
    FrameworkGroup,
    GroupResult,
    SubItem,
)

ZERO = Decimal("0")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Detected content type → extensions a file of that type may carry.
EVIDENCE_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/webp": ("webp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/zip": ("docx", "xlsx", "pptx"),  # Office files some detectors only see as zip
}


class Locked(ValidationFailed):
    status = 409
    code = "locked"
    default_message = _("This self-assessment is locked: it has been submitted or the campaign is closed.")


class DeadlinePassed(ValidationFailed):
    status = 409
    code = "deadline_passed"


def today() -> dt.date:
    return timezone.localdate()


def _dec(value: Any, field: str, errors: ErrorCollector) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors.add(field, "invalid", _("Enter a number."))
        return None
    if not d.is_finite():
        errors.add(field, "invalid", _("Enter a number."))
        return None
    return d.quantize(Decimal("0.01"))


def level_for(points: Decimal, *, level2_min: Decimal, level3_above: Decimal, mandatory_met: bool) -> int:
    """Level 1 below `level2_min`, Level 2 up to `level3_above`, Level 3 above it.
    An unmet mandatory condition means no level (0)."""
    if not mandatory_met:
        return 0
    if points > level3_above:
        return 3
    if points >= level2_min:
        return 2
    return 1


# ---------------------------------------------------------------- frameworks
FRAMEWORK_FIELDS = ("name", "state", "notes", "source", "levels_on_total", "level2_min", "level3_above")
GROUP_FIELDS = ("code", "name", "order", "max_points", "level2_min", "level3_above")
CRITERION_FIELDS = (
    "code",
    "name",
    "order",
    "kind",
    "max_points",
    "bands",
    "evidence_required",
    "indicator_code",
)
SUBITEM_FIELDS = ("code", "name", "order", "max_points")


def _require_editable_framework(actor: Actor, framework: Framework) -> None:
    actor.scope.require_any(perms.MANAGE_FRAMEWORKS)
    in_use = framework.campaigns.exclude(state=Campaign.State.DRAFT).exists()
    if in_use:
        raise Locked(
            _("This framework is used by a running or finished campaign; clone it for a new year instead.")
        )


@transaction.atomic
def framework_clone(*, actor: Actor, framework: Framework, year: int) -> Framework:
    actor.scope.require_any(perms.MANAGE_FRAMEWORKS)
    if Framework.objects.filter(code=framework.code, year=year).exists():
        raise Conflict(
            _("A framework %(code)s for %(year)s already exists.") % {"code": framework.code, "year": year}
        )
    clone = Framework(
        code=framework.code,
        name=framework.name,
        year=year,
        subject=framework.subject,
        state=Framework.State.DRAFT,
        source=framework.source,
        levels_on_total=framework.levels_on_total,
        level2_min=framework.level2_min,
        level3_above=framework.level3_above,
        notes=framework.notes,
        cloned_from=framework,
    )
    create_with_history(
        actor=actor, obj=clone, fields=("code", "name", "year", "cloned_from"), operation="framework_clone"
    )
    for g in framework.groups.all():
        ng = FrameworkGroup.objects.create(framework=clone, **{f: getattr(g, f) for f in GROUP_FIELDS})
        for c in g.criteria.all():
            nc = Criterion.objects.create(group=ng, **{f: getattr(c, f) for f in CRITERION_FIELDS})
            SubItem.objects.bulk_create(
                [
                    SubItem(criterion=nc, **{f: getattr(s, f) for f in SUBITEM_FIELDS})
                    for s in c.subitems.all()
                ]
            )
    return clone


@transaction.atomic
def framework_update(*, actor: Actor, framework: Framework, data: dict[str, Any]) -> Framework:
    actor.scope.require_any(perms.MANAGE_FRAMEWORKS)
    structural = set(data) - {"state", "notes"}
    if structural:
        _require_editable_framework(actor, framework)
    update_with_history(
        actor=actor, obj=framework, data=data, fields=FRAMEWORK_FIELDS, operation="framework_update"
    )
    return framework


@transaction.atomic
def group_update(*, actor: Actor, group: FrameworkGroup, data: dict[str, Any]) -> FrameworkGroup:
    _require_editable_framework(actor, group.framework)
    update_with_history(
        actor=actor, obj=group, data=data, fields=GROUP_FIELDS, operation="framework_group_update"
    )
    return group


def _check_subitems_fit(criterion: Criterion) -> None:
    total = sum((s.max_points for s in criterion.subitems.all()), ZERO)
    if total > criterion.max_points:
        raise ValidationFailed(
            _("The sub-items add up to %(total)s, more than the criterion's maximum of %(max)s.")
            % {"total": total, "max": criterion.max_points}
        )


@transaction.atomic
def criterion_create(*, actor: Actor, group: FrameworkGroup, data: dict[str, Any]) -> Criterion:
    _require_editable_framework(actor, group.framework)
    crit = Criterion(group=group, **data)
    create_with_history(actor=actor, obj=crit, fields=CRITERION_FIELDS, operation="criterion_create")
    return crit


@transaction.atomic
def criterion_update(*, actor: Actor, criterion: Criterion, data: dict[str, Any]) -> Criterion:
    _require_editable_framework(actor, criterion.group.framework)
    if data.get("kind") == Criterion.Kind.MANDATORY:
        data = {**data, "max_points": ZERO}
    update_with_history(
        actor=actor, obj=criterion, data=data, fields=CRITERION_FIELDS, operation="criterion_update"
    )
    _check_subitems_fit(criterion)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Actor, criterion: Criterion) -> None:
    _require_editable_framework(actor, criterion.group.framework)
    history.record(
        actor=actor,
        obj=criterion.group.framework,
        action="update",
        operation="criterion_delete",
        changes={"criterion": [criterion.code, None]},
    )
    criterion.delete()


@transaction.atomic
def subitem_create(*, actor: Actor, criterion: Criterion, data: dict[str, Any]) -> SubItem:
    _require_editable_framework(actor, criterion.group.framework)
    item = SubItem(criterion=criterion, **data)
    create_with_history(actor=actor, obj=item, fields=SUBITEM_FIELDS, operation="subitem_create")
    _check_subitems_fit(criterion)
    return item


@transaction.atomic
def subitem_update(*, actor: Actor, subitem: SubItem, data: dict[str, Any]) -> SubItem:
    _require_editable_framework(actor, subitem.criterion.group.framework)
    update_with_history(
        actor=actor, obj=subitem, data=data, fields=SUBITEM_FIELDS, operation="subitem_update"
    )
    _check_subitems_fit(subitem.criterion)
    return subitem


@transaction.atomic
def subitem_delete(*, actor: Actor, subitem: SubItem) -> None:
    _require_editable_framework(actor, subitem.criterion.group.framework)
    history.record(
        actor=actor,
        obj=subitem.criterion,
        action="update",
        operation="subitem_delete",
        changes={"subitem": [subitem.code, None]},
    )
    subitem.delete()


# ---------------------------------------------------------------- campaigns
CAMPAIGN_FIELDS = ("name", "school_year", "self_deadline", "review_deadline", "levels", "ownerships", "state")
TRANSITIONS = {
    Campaign.State.DRAFT: {Campaign.State.OPEN},
    Campaign.State.OPEN: {Campaign.State.REVIEW},
    Campaign.State.REVIEW: {Campaign.State.OPEN, Campaign.State.PUBLISHED},
    Campaign.State.PUBLISHED: {Campaign.State.CLOSED},
    Campaign.State.CLOSED: set(),
}


def default_deadlines(school_year: str) -> tuple[dt.date, dt.date]:
    """31 May and 20 June of the year the school year ends in."""
    end_year = int(school_year.split("-")[1])
    return dt.date(end_year, 5, 31), dt.date(end_year, 6, 20)


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    framework: Framework,
    owner,
    name: str,
    school_year: str,
    self_deadline: dt.date | None = None,
    review_deadline: dt.date | None = None,
    units: list | None = None,
    groupings: list | None = None,
    levels: list[str] | None = None,
    ownerships: list[str] | None = None,
) -> Campaign:
    actor.scope.require(perms.MANAGE_CAMPAIGNS, owner.path)
    if framework.subject != Framework.Subject.SCHOOL:
        raise ValidationFailed(_("Campaigns evaluate schools; choose a school framework."))
    d_self, d_review = default_deadlines(school_year)
    campaign = Campaign(
        framework=framework,
        owner=owner,
        name=name,
        school_year=school_year,
        self_deadline=self_deadline or d_self,
        review_deadline=review_deadline or d_review,
        levels=list(levels or []),
        ownerships=list(ownerships or []),
    )
    create_with_history(actor=actor, obj=campaign, fields=CAMPAIGN_FIELDS, operation="campaign_create")
    if units:
        campaign.units.set(units)
    if groupings:
        campaign.groupings.set(groupings)
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Actor, campaign: Campaign, data: dict[str, Any], units=None, groupings=None
) -> Campaign:
    actor.scope.require(perms.MANAGE_CAMPAIGNS, campaign.owner.path)
    if campaign.state != Campaign.State.DRAFT and ({"levels", "ownerships"} & set(data) or units is not None):
        raise Locked(_("The coverage of an opened campaign cannot change."))
    update_with_history(
        actor=actor, obj=campaign, data=data, fields=CAMPAIGN_FIELDS, operation="campaign_update"
    )
    if units is not None:
        campaign.units.set(units)
    if groupings is not None:
        campaign.groupings.set(groupings)
    return campaign


def covered_schools(*, actor: Actor, campaign: Campaign):
    from edudx.registry.filters import SchoolFilter

    qs, _order = registry_selectors.school_list(scope=actor.scope, filters=SchoolFilter())
    unit_paths = list(campaign.units.values_list("path", flat=True))
    if unit_paths:
        q = subtree_q(unit_paths[0], "unit__path")
        for p in unit_paths[1:]:
            q |= subtree_q(p, "unit__path")
        qs = qs.filter(q)
    grouping_ids = list(campaign.groupings.values_list("pk", flat=True))
    if grouping_ids:
        paths = [p for ps in org_selectors.member_paths(grouping_ids).values() for p in ps]
        qs = qs.filter(unit__path__in=paths)
    if campaign.levels:
        qs = qs.filter(level__in=campaign.levels)
    if campaign.ownerships:
        qs = qs.filter(ownership__in=campaign.ownerships)
    return qs


@transaction.atomic
def campaign_transition(*, actor: Actor, campaign: Campaign, to: str) -> Campaign:
    actor.scope.require(perms.MANAGE_CAMPAIGNS, campaign.owner.path)
    if to not in TRANSITIONS[Campaign.State(campaign.state)]:
        raise ValidationFailed(
            _("A campaign cannot go from “%(a)s” to “%(b)s”.")
            % {"a": campaign.get_state_display(), "b": Campaign.State(to).label}
        )
    if to == Campaign.State.OPEN and campaign.state == Campaign.State.DRAFT:
        _create_assessments(actor=actor, campaign=campaign)
        campaign.framework.state = Framework.State.ACTIVE
        campaign.framework.save(update_fields=["state", "updated_at"])
    data: dict[str, Any] = {"state": to}
    update_with_history(
        actor=actor,
        obj=campaign,
        data=data,
        fields=CAMPAIGN_FIELDS,
        operation="campaign_transition",
        action="status",
    )
    if to == Campaign.State.PUBLISHED:
        Campaign.objects.filter(pk=campaign.pk).update(published_at=timezone.now())
    return campaign


def _create_assessments(*, actor: Actor, campaign: Campaign) -> int:
    rows = covered_schools(actor=actor, campaign=campaign).values_list(
        "pk", "unit__path", "unit__parent_id", "level", "ownership"
    )
    objs = [
        Assessment(
            campaign=campaign,
            school_id=pk,
            unit_path=path,
            supervisor_id=parent,
            school_level=lvl,
            ownership=own,
        )
        for pk, path, parent, lvl, own in rows
    ]
    Assessment.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=True)
    history.record(
        actor=actor,
        obj=campaign,
        action="other",
        operation="campaign_open",
        note=_g("%(n)s schools covered") % {"n": len(objs)},
    )
    return len(objs)


# ---------------------------------------------------------------- self-assessment
def assessment_ensure_entries(assessment: Assessment) -> None:
    """Create the entry rows of an assessment (one per criterion) if they do not exist yet."""
    criteria = Criterion.objects.filter(group__framework_id=assessment.campaign.framework_id)
    have = set(assessment.entries.values_list("criterion_id", flat=True))
    missing = [
        Entry(assessment=assessment, criterion=c, max_points=c.max_points)
        for c in criteria
        if c.pk not in have
    ]
    if missing:
        Entry.objects.bulk_create(missing, ignore_conflicts=True)
    if not GroupResult.objects.filter(assessment=assessment).exists():
        GroupResult.objects.bulk_create(
            [GroupResult(assessment=assessment, group=g) for g in assessment.campaign.framework.groups.all()],
            ignore_conflicts=True,
        )


def _require_school_can_edit(actor: Actor, assessment: Assessment) -> None:
    actor.scope.require(perms.ASSESS, assessment.unit_path)
    if not assessment.is_editable_by_school:
        raise Locked()
    campaign = assessment.campaign
    if campaign.state not in (Campaign.State.OPEN, Campaign.State.REVIEW):
        raise Locked(_("The campaign is not open for self-assessment."))
    if assessment.status == Assessment.Status.RETURNED:
        if today() > campaign.review_deadline:
            raise DeadlinePassed(
                _("The review deadline (%(d)s) has passed.")
                % {"d": campaign.review_deadline.strftime("%d/%m/%Y")}
            )
    elif campaign.state != Campaign.State.OPEN or today() > campaign.self_deadline:
        raise DeadlinePassed(
            _("The self-assessment deadline (%(d)s) has passed.")
            % {"d": campaign.self_deadline.strftime("%d/%m/%Y")}
        )


def recompute_results(assessment: Assessment) -> list[GroupResult]:
    fw = assessment.campaign.framework
    entries = list(assessment.entries.select_related("criterion"))
    out = []
    for group in fw.groups.all():
        mine = [e for e in entries if e.criterion.group_id == group.pk]
        points = sum((e.final_points for e in mine if not e.criterion.is_mandatory), ZERO)
        met = all(e.met is True for e in mine if e.criterion.is_mandatory)
        level = level_for(
            points, level2_min=group.level2_min, level3_above=group.level3_above, mandatory_met=met
        )
        r, _created = GroupResult.objects.update_or_create(
            assessment=assessment,
            group=group,
            defaults={"points": points, "mandatory_met": met, "level": level},
        )
        out.append(r)
    return out


ENTRY_FIELDS = ("value", "points", "met", "sub_points", "comment")


def _clean_entry(entry: Entry, data: dict[str, Any]) -> dict[str, Any]:
    crit = entry.criterion
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    if "value" in data:
        out["value"] = str(data["value"] or "").strip()[:255]
    if "comment" in data:
        out["comment"] = str(data["comment"] or "").strip()
    if crit.is_mandatory:
        if "met" in data:
            v = data["met"]
            out["met"] = None if v in (None, "") else v in (True, "1", "true", "yes", "on")
        return out
    subitems = list(crit.subitems.all())
    if subitems and ("sub_points" in data):
        raw = data["sub_points"] or {}
        sub: dict[str, str] = {}
        total = ZERO
        any_value = False
        for s in subitems:
            d = _dec(raw.get(s.code), f"sub_{s.code}", errors)
            if d is None:
                continue
            any_value = True
            if d < 0 or d > s.max_points:
                errors.add(
                    f"sub_{s.code}",
                    "above_max",
                    _("Points for %(code)s must be between 0 and %(max)s.")
                    % {"code": s.code, "max": s.max_points},
                )
                continue
            sub[s.code] = str(d)
            total += d
        out["sub_points"] = sub
        out["points"] = total if any_value else None
    elif "points" in data:
        out["points"] = _dec(data["points"], "points", errors)
    if out.get("points") is not None and not (ZERO <= out["points"] <= entry.max_points):
        errors.add(
            "points", "above_max", _("Points must be between 0 and %(max)s.") % {"max": entry.max_points}
        )
    errors.raise_if_any()
    return out


@transaction.atomic
def entry_save(*, actor: Actor, entry: Entry, data: dict[str, Any], version: int) -> Entry:
    """Save one criterion of a self-assessment. `version` is the version the user saw: a save
    over someone else's newer save is refused (their entry is never silently lost)."""
    # Locking the assessment row serialises a save with a concurrent submit (which locks it
    # too); saves of different criteria still never overwrite each other (one row each).
    assessment = _lock(entry.assessment)
    _require_school_can_edit(actor, assessment)
    clean = _clean_entry(entry, data)
    before = history.snapshot(entry, ENTRY_FIELDS)
    try:
        n = Entry.objects.filter(pk=entry.pk, version=version).update(
            **clean, version=F("version") + 1, updated_at=timezone.now(), updated_by=actor.user
        )
    except IntegrityError as exc:  # the database's own check on points ≤ maximum
        raise ValidationFailed(
            _("Points must be between 0 and %(max)s.") % {"max": entry.max_points}
        ) from exc
    if n == 0:
        raise Conflict(
            _(
                "Someone else saved this criterion in the meantime. Reload to see their version, then re-enter your change."
            )
        )
    entry.refresh_from_db()
    changes = history.diff(before, history.snapshot(entry, ENTRY_FIELDS))
    if changes:
        history.record(actor=actor, obj=entry, action="update", changes=changes, operation="entry_save")
    Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.NOT_STARTED).update(
        status=Assessment.Status.DRAFT
    )
    Assessment.objects.filter(pk=assessment.pk).update(version=F("version") + 1, updated_at=timezone.now())
    recompute_results(assessment)
    return entry


def _check_upload(upload) -> str:
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(
            _("The file is %(size)s MB; evidence files may be at most %(max)s MB.")
            % {"size": round(upload.size / 1048576, 1), "max": MAX_EVIDENCE_BYTES // 1048576}
        )
    if upload.size == 0:
        raise ValidationFailed(_("The file is empty."))
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    ext = (upload.name.rsplit(".", 1)[-1] if "." in upload.name else "").lower()
    if kind is None or kind.mime not in EVIDENCE_TYPES or ext not in EVIDENCE_TYPES[kind.mime]:
        raise ValidationFailed(
            _(
                "This file is not an accepted evidence type (PDF, image, Word, Excel or PowerPoint), "
                "or its content does not match its name."
            )
        )
    return kind.mime


@transaction.atomic
def evidence_add(
    *,
    actor: Actor,
    entry: Entry,
    kind: str,
    title: str = "",
    upload=None,
    url: str = "",
    record_ref: str = "",
) -> Evidence:
    _require_school_can_edit(actor, entry.assessment)
    ev = Evidence(entry=entry, kind=kind, created_by=actor.user)
    if kind == Evidence.Kind.FILE:
        if upload is None:
            raise ValidationFailed(_("Choose a file."))
        ev.content_type = _check_upload(upload)
        ev.size = upload.size
        ev.title = (title or upload.name)[:255]
        ev.file.save(upload.name[-100:], upload, save=False)
    elif kind == Evidence.Kind.LINK:
        ev.url = url.strip()
        ev.title = (title or ev.url)[:255]
    elif kind == Evidence.Kind.RECORD:
        ev.record_ref = record_ref.strip()[:100]
        ev.title = (title or ev.record_ref)[:255]
        if not ev.record_ref:
            raise ValidationFailed(_("Choose a record."))
    else:
        raise ValidationFailed(_("Unknown kind of evidence."))
    create_with_history(
        actor=actor, obj=ev, fields=("kind", "title", "url", "record_ref", "size"), operation="evidence_add"
    )
    return ev


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    _require_school_can_edit(actor, evidence.entry.assessment)
    history.record(
        actor=actor,
        obj=evidence.entry,
        action="update",
        operation="evidence_remove",
        changes={"evidence": [evidence.title, None]},
    )
    if evidence.file:
        evidence.file.delete(save=False)
    evidence.delete()


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("campaign").get(pk=assessment.pk)


def _transition(
    actor: Actor, a: Assessment, status: str, operation: str, note: str = "", **extra: Any
) -> Assessment:
    before = a.status
    a.status = status
    for k, v in extra.items():
        setattr(a, k, v)
    a.version += 1
    a.save()
    history.record(
        actor=actor,
        obj=a,
        action="status",
        operation=operation,
        changes={"status": [before, status]},
        note=note,
    )
    return a


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    a = _lock(assessment)
    if a.status in (Assessment.Status.SUBMITTED, Assessment.Status.APPROVED, Assessment.Status.PUBLISHED):
        raise Locked(_("This self-assessment has already been submitted."))
    _require_school_can_edit(actor, a)
    assessment_ensure_entries(a)
    missing = []
    for e in a.entries.select_related("criterion"):
        if (e.criterion.is_mandatory and e.met is None) or (
            not e.criterion.is_mandatory and e.points is None
        ):
            missing.append(e.criterion.code)
    if missing:
        raise ValidationFailed(
            _("Complete every criterion before submitting. Missing: %(codes)s.")
            % {"codes": ", ".join(missing)},
            code="incomplete",
        )
    recompute_results(a)
    return _transition(
        actor,
        a,
        Assessment.Status.SUBMITTED,
        "assessment_submit",
        submitted_at=timezone.now(),
        submit_count=a.submit_count + 1,
    )


def _require_review(actor: Actor, a: Assessment, *allowed: str) -> None:
    actor.scope.require(perms.REVIEW, a.unit_path)
    if a.status not in allowed:
        raise Locked(
            _("This action is not possible while the assessment is “%(s)s”.") % {"s": a.get_status_display()}
        )


@transaction.atomic
def assessment_return(
    *, actor: Actor, assessment: Assessment, comments: dict[int, str], note: str = ""
) -> Assessment:
    a = _lock(assessment)
    _require_review(actor, a, Assessment.Status.SUBMITTED)
    comments = {int(k): v.strip() for k, v in comments.items() if v and v.strip()}
    if not comments and not note.strip():
        raise ValidationFailed(_("Say what the school must fix: add a comment to at least one criterion."))
    for e in a.entries.filter(criterion_id__in=comments):
        e.review_comment = comments[e.criterion_id]
        e.save(update_fields=["review_comment"])
    text = "\n".join([note.strip()] + [f"{k}: {v}" for k, v in comments.items()]).strip()
    return _transition(
        actor, a, Assessment.Status.RETURNED, "assessment_return", note=text, review_note=note.strip()
    )


@transaction.atomic
def entry_adjust(*, actor: Actor, entry: Entry, points: Any, reason: str) -> Entry:
    a = _lock(entry.assessment)
    _require_review(actor, a, Assessment.Status.SUBMITTED, Assessment.Status.APPROVED)
    if entry.criterion.is_mandatory:
        raise ValidationFailed(_("Mandatory conditions have no points to adjust."))
    errors = ErrorCollector()
    d = _dec(points, "points", errors)
    errors.raise_if_any()
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for adjusting the points."))
    if d is not None and not (ZERO <= d <= entry.max_points):
        raise ValidationFailed(_("Points must be between 0 and %(max)s.") % {"max": entry.max_points})
    update_with_history(
        actor=actor,
        obj=entry,
        data={"reviewed_points": d, "review_reason": reason.strip()},
        fields=("reviewed_points", "review_reason"),
        operation="entry_adjust",
        note=reason.strip(),
    )
    recompute_results(a)
    return entry


@transaction.atomic
def assessment_approve(*, actor: Actor, assessment: Assessment, note: str = "") -> Assessment:
    a = _lock(assessment)
    _require_review(actor, a, Assessment.Status.SUBMITTED)
    recompute_results(a)
    return _transition(
        actor, a, Assessment.Status.APPROVED, "assessment_approve", note=note, approved_at=timezone.now()
    )


@transaction.atomic
def assessment_record_external(
    *, actor: Actor, assessment: Assessment, evaluator: str, date: dt.date, note: str
) -> Assessment:
    a = _lock(assessment)
    _require_review(
        actor, a, Assessment.Status.SUBMITTED, Assessment.Status.APPROVED, Assessment.Status.PUBLISHED
    )
    if not evaluator.strip():
        raise ValidationFailed(_("Name the team or unit that evaluated."))
    update_with_history(
        actor=actor,
        obj=a,
        data={"external_evaluator": evaluator.strip(), "external_date": date, "external_note": note.strip()},
        fields=("external_evaluator", "external_date", "external_note"),
        operation="assessment_external",
    )
    return a


@transaction.atomic
def assessment_publish(*, actor: Actor, assessment: Assessment) -> Assessment:
    a = _lock(assessment)
    _require_review(actor, a, Assessment.Status.APPROVED)
    recompute_results(a)
    return _transition(
        actor, a, Assessment.Status.PUBLISHED, "assessment_publish", published_at=timezone.now()
    )


@transaction.atomic
def campaign_publish(*, actor: Actor, campaign: Campaign) -> int:
    """Publish the levels of every approved assessment the actor supervises in the campaign."""
    actor.scope.require_any(perms.REVIEW)
    qs = campaign.assessments.filter(
        actor.scope.filter_q(perms.REVIEW, "unit_path"), status=Assessment.Status.APPROVED
    )
    n = 0
    for a in qs:
        assessment_publish(actor=actor, assessment=a)
        n += 1
    if n == 0:
        raise ValidationFailed(_("There is no approved assessment to publish."))
    return n


def require_can_assess(actor: Actor, assessment: Assessment) -> None:
    if not actor.scope.can(perms.ASSESS, assessment.unit_path):
        raise PermissionDenied()
