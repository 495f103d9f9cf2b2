"""Self-assessment: the school fills in one criterion at a time (autosaved), adds evidence and
submits; after the deadline every write is refused with `deadline_passed` until an officer
extends it (`deadlines.py`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history, roles
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, DomainError, ErrorCollector, PermissionDenied, ValidationFailed
from edudx.core.scope import Scope
from edudx.core.services import create_with_history

from .. import permissions as perms
from ..models import Assessment, Campaign, Criterion, Entry, Evidence, GroupResult
from ..schemas import EntryIn
from .common import ZERO, DeadlinePassed, Locked, level_for, lock, parse_points, today

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


def edit_refusal(assessment: Assessment) -> DomainError | None:
    """Why the school may not change its self-assessment now, or None when it may. The page
    shows the same refusal as a banner (and no form); every write raises it."""
    if not assessment.is_editable_by_school:
        return Locked()
    campaign = assessment.campaign
    if campaign.state not in (Campaign.State.OPEN, Campaign.State.REVIEW):
        return Locked(_("The campaign is not open for self-assessment."))
    # Under review, only a returned assessment or a school with a running extension may still
    # edit; the others' self-assessment time is over.
    extended = assessment.extended_until is not None and assessment.extended_until >= today()
    returned = assessment.status == Assessment.Status.RETURNED
    if campaign.state != Campaign.State.OPEN and not (extended or returned):
        return Locked(_("The campaign is not open for self-assessment."))
    if today() > assessment.deadline:
        return DeadlinePassed(
            _("The deadline has passed (%(date)s); contact %(unit)s to have it extended.")
            % {"date": assessment.deadline.strftime("%d/%m/%Y"), "unit": assessment.supervisor.name}
        )
    return None


def assessment_prepare(*, actor: Actor, assessment: Assessment) -> tuple[DomainError | None, bool]:
    """What the self-assessment page needs before it shows: why the school may not edit now
    (or None) and whether this actor may edit; when they may, the entry rows exist."""
    refusal = edit_refusal(assessment)
    can_edit = refusal is None and may_self_assess(actor.scope, assessment)
    if can_edit:
        assessment_ensure_entries(assessment)
    return refusal, can_edit


def may_self_assess(scope: Scope, assessment: Assessment) -> bool:
    """A school's self-assessment is its principal's (`assess` on the school); an authority's
    (3806) is its own officers': `assess_authority` held on that very unit — a department
    officer does not fill in a ward's self-assessment, the ward does."""
    if not assessment.is_authority:
        return scope.can(perms.ASSESS, assessment.unit_path)
    if scope.is_system:
        return True
    allowed = roles.roles_with(perms.ASSESS_AUTHORITY)
    return any(g.role in allowed and assessment.unit_path in g.paths for g in scope.grants)


def require_school_can_edit(actor: Actor, assessment: Assessment) -> None:
    if not may_self_assess(actor.scope, assessment):
        raise PermissionDenied()
    refusal = edit_refusal(assessment)
    if refusal is not None:
        raise refusal


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


ENTRY_FIELDS = ("value", "points", "met", "sub_points", "comment", "override_reason")


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
            d = parse_points(raw.get(s.code), f"sub_{s.code}", errors)
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
        out["points"] = parse_points(data["points"], "points", errors)
    if out.get("points") is not None and not (ZERO <= out["points"] <= entry.max_points):
        errors.add(
            "points", "above_max", _("Points must be between 0 and %(max)s.") % {"max": entry.max_points}
        )
    _check_override(entry, data, out, errors)
    errors.raise_if_any()
    return out


def _check_override(entry: Entry, data: dict[str, Any], out: dict[str, Any], errors: ErrorCollector) -> None:
    """Points other than the automatic ones need the school's reason (kept, and in the history)."""
    reason = str(data.get("override_reason") or "").strip()
    if reason:
        out["override_reason"] = reason[:2000]
    if reason or entry.override_reason:
        return
    for auto in entry.auto_points.all():
        if auto.points is None:
            continue
        given = (out.get("sub_points") or {}).get(auto.key) if auto.key else out.get("points")
        if given is not None and Decimal(str(given)) != auto.points:
            errors.add(
                "override_reason",
                "override_reason_required",
                _("%(field)s differs from the automatic points (%(points)s): give the reason for the change.")
                % {"field": f"{entry.criterion.code}{auto.key}", "points": auto.points},
            )
            return


@transaction.atomic
def entry_save(*, actor: Actor, entry: Entry, data: EntryIn, version: int) -> Entry:
    """Save the fields `data` was given on one criterion of a self-assessment. `version` is the
    version the user saw: a save over someone else's newer save is refused (their entry is
    never silently lost)."""
    # Locking the assessment row serialises a save with a concurrent submit (which locks it
    # too); saves of different criteria still never overwrite each other (one row each).
    assessment = lock(entry.assessment)
    require_school_can_edit(actor, assessment)
    clean = _clean_entry(entry, data.model_dump(exclude_unset=True))
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
    if can_proceed(assessment.start):
        assessment.start()
        history.record(
            actor=actor,
            obj=assessment,
            action="status",
            operation="assessment_start",
            changes={"status": [Assessment.Status.NOT_STARTED, assessment.status]},
        )
    assessment.version += 1
    assessment.save(update_fields=["status", "version", "updated_at"])
    recompute_results(assessment)
    return entry


def _check_upload(upload: UploadedFile[bytes]) -> str:
    size, name = upload.size or 0, upload.name or ""
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(
            _("The file is %(size)s MB; evidence files may be at most %(max)s MB.")
            % {"size": round(size / 1048576, 1), "max": MAX_EVIDENCE_BYTES // 1048576}
        )
    if size == 0:
        raise ValidationFailed(_("The file is empty."))
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    ext = (name.rsplit(".", 1)[-1] if "." in name else "").lower()
    if kind is None or kind.mime not in EVIDENCE_TYPES or ext not in EVIDENCE_TYPES[kind.mime]:
        raise ValidationFailed(
            _(
                "This file is not an accepted evidence type (PDF, image, Word, Excel or PowerPoint), "
                "or its content does not match its name."
            )
        )
    return str(kind.mime)


@transaction.atomic
def evidence_add(
    *,
    actor: Actor,
    entry: Entry,
    kind: str,
    title: str = "",
    upload: UploadedFile[bytes] | None = None,
    url: str = "",
    record_ref: str = "",
) -> Evidence:
    require_school_can_edit(actor, entry.assessment)
    ev = Evidence(entry=entry, kind=kind, created_by=actor.user)
    if kind == Evidence.Kind.FILE:
        if upload is None:
            raise ValidationFailed(_("Choose a file."))
        ev.content_type = _check_upload(upload)
        name = upload.name or "evidence"
        ev.size = upload.size or 0
        ev.title = (title or name)[:255]
        ev.file.save(name[-100:], upload, save=False)
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
    require_school_can_edit(actor, evidence.entry.assessment)
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


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    a = lock(assessment)
    if not can_proceed(a.submit):
        raise Locked(_("This self-assessment has already been submitted."))
    require_school_can_edit(actor, a)
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
    a.submit_count += 1
    return record_move(actor, a, a.submit, "assessment_submit")


def record_move(actor: Actor, a: Assessment, move: Any, operation: str, note: str = "") -> Assessment:
    """Make one move of the workflow (a transition of `Assessment`, whose state the caller has
    checked with `can_proceed`), save the assessment and record the move in its history."""
    before = a.status
    move()
    a.version += 1
    a.save()
    history.record(
        actor=actor,
        obj=a,
        action="status",
        operation=operation,
        changes={"status": [before, a.status]},
        note=note,
    )
    return a


def require_can_assess(actor: Actor, assessment: Assessment) -> None:
    if not may_self_assess(actor.scope, assessment):
        raise PermissionDenied()
