"""One resource: its page, the create and edit forms, a new version, the workflow steps,
ratings and comments."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError
from edudx.core.forms import apply_domain_error
from edudx.core.views import InputRefused, typed_input

from .. import files, selectors, services
from .. import permissions as perms
from ..forms import ResourceForm, VersionForm
from ..models import Resource, State
from ..schemas import ResourceIn, ResourcePatch

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

ACTION_LABELS = {
    "create": _lazy("Created"),
    "update": _lazy("Edited"),
    "version": _lazy("New file version"),
    "unpublish": _lazy("Back to draft (new file to review)"),
    "submit": _lazy("Submitted for review"),
    "review": _lazy("Reviewed"),
    "publish": _lazy("Published"),
    "return": _lazy("Returned with comments"),
    "takedown": _lazy("Taken down"),
}


@login_required
def resource_detail(request, resource_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    actor = Actor.from_request(request)
    if r.state == State.PUBLISHED:
        services.use_record(actor=actor, resource=r, kind="view")
    scope = request.scope
    is_author = r.created_by_id == request.user.pk
    can_edit = scope.can(perms.CONTRIBUTE, r.unit_path) and r.state not in (State.SUBMITTED, State.REVIEWED)
    can_review = scope.can(perms.REVIEW, r.unit_path) and not is_author
    version = r.current_version
    kind = files.KINDS.get(version.kind) if version else None
    ctx = {
        "r": r,
        "version": version,
        "preview": kind.inline if kind else False,
        "preview_kind": version.kind if version else "",
        "versions": selectors.resource_versions(r),
        "history": [(e, ACTION_LABELS.get(e.action, e.action)) for e in selectors.resource_history(r)]
        if (can_edit or can_review or is_author)
        else [],
        "comments": selectors.resource_comments(r),
        "my_rating": selectors.user_rating(r, request.user),
        "can_edit": can_edit,
        "can_submit": can_edit and r.state in (State.DRAFT, State.RETURNED, State.TAKEN_DOWN),
        "can_review": can_review and r.state in (State.SUBMITTED, State.REVIEWED),
        "can_takedown": scope.can(perms.REVIEW, r.unit_path) and r.state == State.PUBLISHED,
        "collections": list(selectors.collection_list(scope=scope, mine_only=True)[:50])
        if scope.has_perm(perms.CONTRIBUTE)
        else [],
        "text_preview": (
            version.extracted_text[:6000] if version and version.kind in ("docx", "pptx", "xlsx") else ""
        ),
    }
    return render(request, "library/resource_detail.html", ctx)


def _resource_values(form) -> dict[str, Any]:
    """The resource form's values as ResourceIn/ResourcePatch name them."""
    return {
        **{k: form.cleaned_data[k] for k in ResourceForm.Meta.fields},
        "grades": form.cleaned_data["grades"],
    }


@login_required
def resource_create(request):
    request.scope.require_any(perms.CONTRIBUTE)
    schools = selectors.contributor_schools(scope=request.scope)
    form = ResourceForm(request.POST or None, request.FILES or None, schools=schools)
    if not schools:
        form.add_error(None, _("You are not attached to a school that contributes materials."))
    if request.method == "POST" and form.is_valid():
        school = next(s for s in schools if s.pk == form.cleaned_data["school"])
        upload = None
        if form.cleaned_data.get("file"):
            fh = form.cleaned_data["file"]
            upload = (fh.name, fh)  # the uploaded file itself: never read whole into memory
        try:
            data = typed_input(form, ResourceIn, {**_resource_values(form), "school_id": school.pk})
            r = services.resource_create(
                actor=Actor.from_request(request), school=school, data=data, upload=upload
            )
        except InputRefused:
            pass
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved as a draft. Submit it for review when it is ready."))
            return redirect("library:resource_detail", resource_id=r.pk)
    return render(request, "library/resource_form.html", {"form": form, "editing": False})


@login_required
def resource_edit(request, resource_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    request.scope.require(perms.CONTRIBUTE, r.unit_path)
    initial = {"grades": r.grades}
    form = ResourceForm(request.POST or None, instance=r, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            data = typed_input(form, ResourcePatch, _resource_values(form))
            fresh = selectors.resource_get(scope=request.scope, pk=resource_id)
            services.resource_update(actor=Actor.from_request(request), resource=fresh, data=data)
        except InputRefused:
            pass
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("library:resource_detail", resource_id=r.pk)
    return render(request, "library/resource_form.html", {"form": form, "editing": True, "r": r})


@login_required
def version_add(request, resource_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    request.scope.require(perms.CONTRIBUTE, r.unit_path)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fh = form.cleaned_data["file"]
        try:
            services.version_add(
                actor=Actor.from_request(request),
                resource=r,
                name=fh.name,
                data=fh,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("New version uploaded; earlier versions are kept."))
            return redirect("library:resource_detail", resource_id=r.pk)
    return render(request, "library/version_form.html", {"form": form, "r": r})


# step -> (service, the form field it takes as its text argument, the message when done)
WORKFLOW: dict[str, tuple[Callable[..., Resource], str | None, _StrOrPromise]] = {
    "submit": (services.resource_submit, None, _lazy("Submitted for review.")),
    "review": (services.resource_review, "comment", _lazy("Marked as reviewed.")),
    "publish": (services.resource_publish, "comment", _lazy("Published.")),
    "return": (services.resource_return, "comment", _lazy("Returned to the author with your comments.")),
    "takedown": (services.resource_takedown, "reason", _lazy("Taken down.")),
}


@login_required
@require_POST
def resource_action(request, resource_id: int, action: str):
    if action not in WORKFLOW:
        raise Http404()
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    fn, text_field, done = WORKFLOW[action]
    kwargs = {text_field: request.POST.get(text_field, "")} if text_field else {}
    try:
        fn(actor=Actor.from_request(request), resource=r, **kwargs)
    except DomainError as exc:
        messages.error(request, " ".join([str(exc.message), *[d.message for d in exc.details]]))
    else:
        messages.success(request, done)
    return redirect("library:resource_detail", resource_id=r.pk)


@login_required
@require_POST
def resource_rate(request, resource_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    try:
        services.rating_set(
            actor=Actor.from_request(request), resource=r, stars=int(request.POST.get("stars", 0))
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    return redirect("library:resource_detail", resource_id=r.pk)


@login_required
@require_POST
def resource_comment(request, resource_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    try:
        services.comment_add(actor=Actor.from_request(request), resource=r, text=request.POST.get("text", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("library:resource_detail", kwargs={"resource_id": r.pk}) + "#comments")
