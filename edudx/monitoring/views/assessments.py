"""One school's self-assessment: entry with autosave, evidence, submit; and its review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed

from .. import permissions as perms
from .. import selectors, services
from ..forms import ExternalForm, LinkEvidenceForm
from ..models import Assessment, Evidence
from ..schemas import EntryIn
from .common import actor, error_text, flash_error


def _context(request, a: Assessment):
    scope = request.scope
    # the same refusal the writes raise: the school gets no form; everyone sees why
    refusal, can_edit = services.assessment_prepare(actor=actor(request), assessment=a)
    entries = selectors.assessment_entries(a)
    can_review = scope.can(perms.REVIEW, a.review_path)
    sugg = selectors.suggestions(a, entries)
    groups: list[dict[str, Any]] = []
    for e in entries:
        if not groups or groups[-1]["group"].pk != e.criterion.group_id:
            groups.append({"group": e.criterion.group, "entries": []})
        groups[-1]["entries"].append(e)
    return {
        "a": a,
        "c": a.campaign,
        "groups": groups,
        "results": selectors.assessment_results(a),
        "suggestions": sugg,
        "autos": selectors.assessment_auto_points(a),
        "can_edit": can_edit,
        # past the deadline the page is read-only and says whom to ask for more time
        "overdue": refusal if isinstance(refusal, services.DeadlinePassed) else None,
        "closed": refusal if a.is_editable_by_school and isinstance(refusal, services.Locked) else None,
        "can_extend": a.is_editable_by_school and scope.can(perms.EXTEND_DEADLINE, a.unit_path),
        "can_review": can_review,
        "review_open": can_review and a.status == Assessment.Status.SUBMITTED,
        "history": _history_rows(selectors.assessment_history(a, entries)),
        "external_form": ExternalForm(
            initial={"evaluator": a.external_evaluator, "date": a.external_date, "note": a.external_note}
        ),
        "link_form": LinkEvidenceForm(),
        "deadline": a.deadline,
    }


def _history_rows(entries):
    labels = dict(Assessment.Status.choices)
    out = []
    for h in entries:
        st = h.changes.get("status") if isinstance(h.changes, dict) else None
        out.append(
            {"entry": h, "status": [labels.get(st[0], st[0]), labels.get(st[1], st[1])] if st else None}
        )
    return out


@login_required
def assessment_detail(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    return render(request, "monitoring/assessment_detail.html", _context(request, a))


@login_required
@require_POST
def entry_save(request, assessment_id: int, criterion_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    entry = selectors.entry_get(scope=request.scope, assessment=a, criterion_id=criterion_id)
    post = request.POST
    fields: dict[str, Any] = {"value": post.get("value", ""), "comment": post.get("comment", "")}
    if entry.criterion.is_mandatory:
        fields["met"] = post.get("met", "")
    elif entry.criterion.subitems.all():
        fields["sub_points"] = {s.code: post.get(f"sub_{s.code}", "") for s in entry.criterion.subitems.all()}
    else:
        fields["points"] = post.get("points", "")
    if "override_reason" in post:
        fields["override_reason"] = post.get("override_reason", "")
    data = EntryIn(**fields)
    try:
        version = int(request.POST.get("version", "-1"))
    except ValueError:
        version = -1
    error, conflict, refused = None, False, None
    try:
        services.entry_save(actor=actor(request), entry=entry, data=data, version=version)
    except PermissionDenied:
        raise
    except (services.Locked, services.DeadlinePassed) as exc:  # Conflicts too: caught first
        error, refused = error_text(exc), exc
    except Conflict as exc:
        error, conflict = error_text(exc), True
    except DomainError as exc:
        error = error_text(exc)
    entry = selectors.entry_get(scope=request.scope, assessment=a, criterion_id=criterion_id)
    if request.headers.get("HX-Request"):
        # Only the status line (and, out of band, the new version and total) is swapped: a field
        # the user is typing in meanwhile is never overwritten.
        resp = render(
            request,
            "monitoring/_entry_status.html",
            {"a": a, "e": entry, "error": error, "conflict": conflict},
            status=refused.status if refused else 200,
        )
        if refused is not None:
            # The assessment is locked or past its deadline: the code says which, and the page
            # reloads as read-only with its banner (htmx swaps no 409 body).
            resp["X-Error-Code"] = refused.code
            resp["HX-Refresh"] = "true"
        elif error is None:
            resp["HX-Trigger"] = "assessment-saved"
        return resp
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect(
        reverse("monitoring:assessment_detail", kwargs={"assessment_id": a.pk}) + f"#crit-{criterion_id}"
    )


@login_required
def results_panel(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    return render(request, "monitoring/_results.html", {"a": a, "results": selectors.assessment_results(a)})


@login_required
@require_POST
def evidence_add(request, assessment_id: int, criterion_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    entry = selectors.entry_get(scope=request.scope, assessment=a, criterion_id=criterion_id)
    kind = request.POST.get("kind", "file")
    try:
        if kind == Evidence.Kind.LINK:
            form = LinkEvidenceForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed(_("Enter a valid link (https://…)."))
            services.evidence_add(
                actor=actor(request),
                entry=entry,
                kind=kind,
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
            )
        elif kind == Evidence.Kind.RECORD:
            services.evidence_add(
                actor=actor(request),
                entry=entry,
                kind=kind,
                record_ref=request.POST.get("record_ref", ""),
                title=request.POST.get("title", ""),
            )
        else:
            services.evidence_add(
                actor=actor(request),
                entry=entry,
                kind=Evidence.Kind.FILE,
                upload=request.FILES.get("file"),
                title=request.POST.get("title", ""),
            )
        messages.success(request, _("Evidence added."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(
        reverse("monitoring:assessment_detail", kwargs={"assessment_id": a.pk}) + f"#crit-{criterion_id}"
    )


@login_required
def evidence_download(request, evidence_id: int):
    ev = selectors.evidence_get(scope=request.scope, pk=evidence_id)
    if ev.kind == Evidence.Kind.LINK:
        return redirect(ev.url)
    if not ev.file:
        raise ValidationFailed(_("This evidence has no file."))
    resp = FileResponse(ev.file.open("rb"), content_type=ev.content_type or "application/octet-stream")
    extension = (ev.file.name or "").rsplit(".", 1)[-1]
    resp["Content-Disposition"] = f'attachment; filename="evidence-{ev.pk}.{extension}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_POST
def evidence_delete(request, evidence_id: int):
    ev = selectors.evidence_get(scope=request.scope, pk=evidence_id)
    a_id, c_id = ev.entry.assessment_id, ev.entry.criterion_id
    try:
        services.evidence_remove(actor=actor(request), evidence=ev)
        messages.success(request, _("Evidence removed."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(reverse("monitoring:assessment_detail", kwargs={"assessment_id": a_id}) + f"#crit-{c_id}")


@login_required
@require_POST
def assessment_autoscore(request, assessment_id: int):
    """The school asks for its automatic points again (new data since the campaign opened)."""
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    try:
        services.assessment_autoscore(actor=actor(request), assessment=a)
        messages.success(request, _("Automatic points updated from the latest data."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("monitoring:assessment_detail", assessment_id=a.pk)


@login_required
@require_POST
def assessment_submit(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    try:
        services.assessment_submit(actor=actor(request), assessment=a)
        messages.success(request, _("Self-assessment submitted. It is locked until the reviewer decides."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("monitoring:assessment_detail", assessment_id=a.pk)


@login_required
@require_POST
def assessment_review(request, assessment_id: int):
    """One form for the reviewer: adjustments with reasons, per-criterion comments, then
    return, approve, or only save the adjustments."""
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    action = request.POST.get("action", "") or "save"
    adjustments = {
        int(k.split("_", 1)[1]): (v, request.POST.get(f"reason_{k.split('_', 1)[1]}", ""))
        for k, v in request.POST.items()
        if k.startswith("adjust_") and k.split("_", 1)[1].isdigit() and len(k.split("_", 1)[1]) <= 18
    }
    comments = {
        int(k.split("_", 1)[1]): v
        for k, v in request.POST.items()
        if k.startswith("comment_") and k.split("_", 1)[1].isdigit() and len(k.split("_", 1)[1]) <= 18
    }
    try:
        services.assessment_review(
            actor=actor(request),
            assessment=a,
            adjustments=adjustments,
            action=action,
            comments=comments,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        done = {
            "return": _("Returned to the school with your comments."),
            "approve": _("Approved."),
        }
        messages.success(request, done.get(action, _("Adjustments saved.")))
    return redirect("monitoring:assessment_detail", assessment_id=a.pk)


@login_required
@require_POST
def assessment_publish(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    try:
        services.assessment_publish(actor=actor(request), assessment=a)
        messages.success(request, _("Levels published."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("monitoring:assessment_detail", assessment_id=a.pk)


@login_required
@require_POST
def assessment_external(request, assessment_id: int):
    a = selectors.assessment_get(scope=request.scope, pk=assessment_id)
    form = ExternalForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
    else:
        try:
            services.assessment_record_external(actor=actor(request), assessment=a, **form.cleaned_data)
            messages.success(request, _("External evaluation recorded."))
        except DomainError as exc:
            flash_error(request, exc)
    return redirect("monitoring:assessment_detail", assessment_id=a.pk)
