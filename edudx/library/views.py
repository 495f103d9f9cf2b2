"""HTML pages of the library: thin — parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.filters import parse_filter
from edudx.core.forms import apply_domain_error
from edudx.core.pagination import paginate
from edudx.core.rules.curriculum import Subject
from edudx.core.views import InputRefused, typed_input
from edudx.registry import selectors as registry

from . import files, search, selectors, services
from . import permissions as perms
from .exports import EXPORT_LIMIT, resources_xlsx
from .filters import OwnFilter, ResourceFilter
from .forms import GRADE_CHOICES, CollectionForm, ResourceForm, VersionForm
from .models import Collection, Licence, ResourceType, Series, State
from .schemas import CollectionIn, ResourceIn, ResourcePatch

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
FACET_LABELS = {
    "subject": dict(Subject.choices),
    "resource_type": dict(ResourceType.choices),
    "licence": dict(Licence.choices),
    "series": dict(Series.choices),
    "grade": {str(k): v for k, v in GRADE_CHOICES},
}


def contributor_schools(scope):
    """Schools where the user may contribute (usually exactly one: their own)."""
    qs, _order = registry.school_list(scope=scope)
    return [s for s in qs[:200] if scope.can(perms.CONTRIBUTE, s.unit.path)]


# ----- search
@login_required
def resource_list(request):
    f = parse_filter(ResourceFilter, request.GET)
    if request.GET.get("export") == "xlsx":
        result = selectors.resource_search(
            scope=request.scope, filters=f, limit=EXPORT_LIMIT, with_facets=False
        )
        return resources_xlsx(result.page.items, "hoc-lieu.xlsx")
    result = selectors.resource_search(scope=request.scope, filters=f, cursor=request.GET.get("cursor"))
    facets = [
        (
            name,
            _label_of_facet(name),
            [(v, FACET_LABELS[name].get(v, v), n) for v, n in result.facets.get(name, [])],
        )
        for name in ("subject", "grade", "resource_type", "licence", "series")
    ]
    ctx = {
        "f": f,
        "result": result,
        "facets": facets,
        "facet_cap": search.FACET_CAP,
        "sorts": [("relevance", _("Relevance")), ("newest", _("Newest")), ("most_used", _("Most used"))],
        "can_contribute": request.scope.has_perm(perms.CONTRIBUTE),
    }
    if not f.q and not request.GET.get("cursor"):
        since = selectors.usage_month_start(timezone.localtime())
        ctx["most_used_since"] = since
        ctx["most_used"] = selectors.most_used(scope=request.scope, since=since, subject=f.subject, limit=5)
    template = (
        "library/_results.html"
        if request.htmx and request.htmx.target == "results"
        else "library/resource_list.html"
    )
    return render(request, template, ctx)


def _label_of_facet(name):
    return {
        "subject": _("Subject"),
        "grade": _("Grade"),
        "resource_type": _("Type"),
        "licence": _("Licence"),
        "series": _("Textbook series"),
    }[name]


@login_required
def suggest(request):
    items = selectors.suggestions(scope=request.scope, q=request.GET.get("q", ""))
    return render(request, "library/_suggest.html", {"items": items})


@login_required
def most_used(request):
    since = selectors.usage_month_start(timezone.localtime())
    by_subject = selectors.most_used_by_subject(scope=request.scope, since=since)
    labels = dict(Subject.choices)
    return render(
        request,
        "library/most_used.html",
        {"groups": [(labels.get(s, s), rows) for s, rows in by_subject.items()], "since": since},
    )


# ----- own work and review
@login_required
def my_resources(request):
    request.scope.require_any(perms.CONTRIBUTE)
    f = parse_filter(OwnFilter, request.GET)
    qs, order = selectors.own_list(scope=request.scope, user=request.user, filters=f)
    if request.GET.get("export") == "xlsx":
        rows = list(qs.order_by(*order).prefetch_related("grade_rows")[:EXPORT_LIMIT])
        return resources_xlsx(rows, "hoc-lieu-cua-toi.xlsx")
    page = paginate(qs, order=order, cursor=request.GET.get("cursor"), limit=50)
    return render(request, "library/my_resources.html", {"page": page, "f": f, "states": State.choices})


@login_required
def review_queue(request):
    request.scope.require_any(perms.REVIEW)
    qs = selectors.review_queue(scope=request.scope, state=request.GET.get("state", ""))
    page = paginate(qs, order=("updated_at", "id"), cursor=request.GET.get("cursor"), limit=50)
    return render(request, "library/review_queue.html", {"page": page})


# ----- one resource
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
    schools = contributor_schools(request.scope)
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


WORKFLOW = {
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


# ----- files: never inline HTML/SVG from our origin
def _file_response(version, *, inline: bool, name: str | None = None) -> FileResponse:
    fh = version.file.open("rb")
    kind = files.KINDS.get(version.kind)
    inline = inline and bool(kind and kind.inline)
    resp = FileResponse(fh, content_type=version.mime if inline else "application/octet-stream")
    filename = name or version.original_name or f"file{version.extension}"
    if not filename.lower().endswith(version.extension):
        filename += version.extension
    ascii_name = filename.encode("ascii", "ignore").decode() or f"file{version.extension}"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    resp["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    resp["X-Content-Type-Options"] = "nosniff"
    if version.kind != "pdf":
        # Browsers refuse to run their PDF viewer in a sandboxed document; a PDF is not HTML and
        # nosniff keeps it from being read as such.
        resp["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    resp["Cross-Origin-Resource-Policy"] = "same-origin"
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


def _version(request, resource_id: int, version_id: int):
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    return r, selectors.version_get(scope=request.scope, resource=r, pk=version_id)


@login_required
def version_download(request, resource_id: int, version_id: int):
    r, v = _version(request, resource_id, version_id)
    if r.state == State.PUBLISHED:
        services.use_record(actor=Actor.from_request(request), resource=r, kind="download")
    return _file_response(v, inline=False)


@login_required
def version_preview(request, resource_id: int, version_id: int):
    _r, v = _version(request, resource_id, version_id)
    kind = files.KINDS.get(v.kind)
    if not (kind and kind.inline):
        raise NotFound()
    resp = _file_response(v, inline=True)
    resp["X-Frame-Options"] = "SAMEORIGIN"
    return resp


@login_required
def version_thumbnail(request, resource_id: int, version_id: int):
    _r, v = _version(request, resource_id, version_id)
    if not v.thumbnail:
        raise NotFound()
    resp = FileResponse(v.thumbnail.open("rb"), content_type="image/png")
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, max-age=86400"
    return resp


@login_required
def resource_go(request, resource_id: int):
    """Open a web link resource (counted as a use); only http(s) addresses are followed."""
    r = selectors.resource_get(scope=request.scope, pk=resource_id)
    if not r.url.lower().startswith(("https://", "http://")):
        raise NotFound()
    if r.state == State.PUBLISHED:
        services.use_record(actor=Actor.from_request(request), resource=r, kind="view")
    return HttpResponseRedirect(r.url)


# ----- collections
@login_required
def collection_list(request):
    mine = request.GET.get("mine") == "1"
    qs = selectors.collection_list(scope=request.scope, mine_only=mine, q=request.GET.get("q", ""))
    page = paginate(qs, order=("-updated_at", "-id"), cursor=request.GET.get("cursor"), limit=50)
    return render(
        request,
        "library/collection_list.html",
        {"page": page, "mine": mine, "can_create": request.scope.has_perm(perms.CONTRIBUTE)},
    )


@login_required
def collection_create(request):
    request.scope.require_any(perms.CONTRIBUTE)
    schools = contributor_schools(request.scope)
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not schools:
            form.add_error(None, _("You are not attached to a school that contributes materials."))
        else:
            try:
                c = services.collection_create(
                    actor=Actor.from_request(request),
                    school=schools[0],
                    data=typed_input(form, CollectionIn, form.cleaned_data),
                )
            except InputRefused:
                pass
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return redirect("library:collection_detail", collection_id=c.pk)
    return render(request, "library/collection_form.html", {"form": form})


@login_required
def collection_edit(request, collection_id: int):
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    form = CollectionForm(request.POST or None, instance=c)
    if request.method == "POST" and form.is_valid():
        try:
            data = typed_input(form, CollectionIn, form.cleaned_data)
            fresh = selectors.collection_get(scope=request.scope, pk=collection_id)
            services.collection_update(actor=Actor.from_request(request), collection=fresh, data=data)
        except InputRefused:
            pass
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("library:collection_detail", collection_id=c.pk)
    return render(request, "library/collection_form.html", {"form": form, "c": c})


@login_required
def collection_detail(request, collection_id: int):
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    items = selectors.collection_items(scope=request.scope, collection=c)
    return render(
        request,
        "library/collection_detail.html",
        {
            "c": c,
            "items": items,
            "is_owner": c.owner_id == request.user.pk,
            "visibility": Collection.Visibility,
        },
    )


@login_required
@require_POST
def collection_items(request, collection_id: int):
    """Add, remove, move or annotate items (the item is named in the form, not the URL)."""
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    actor = Actor.from_request(request)
    op = request.POST.get("op")
    try:
        if op == "add":
            r = selectors.resource_get(scope=request.scope, pk=int(request.POST.get("resource", 0)))
            services.collection_add(actor=actor, collection=c, resource=r, note=request.POST.get("note", ""))
            messages.success(request, _("Added to “%(title)s”.") % {"title": c.title})
            if request.POST.get("back") == "resource":
                return redirect("library:resource_detail", resource_id=r.pk)
        elif op in ("up", "down", "remove", "note"):
            item_id = int(request.POST.get("item", 0))
            ids = [i.pk for i in c.items.order_by("position", "id")]
            if op == "remove":
                services.collection_remove(actor=actor, collection=c, item_id=item_id)
            elif op == "note":
                services.collection_note(
                    actor=actor, collection=c, item_id=item_id, note=request.POST.get("note", "")
                )
            elif item_id in ids:
                i = ids.index(item_id)
                j = i - 1 if op == "up" else i + 1
                if 0 <= j < len(ids):
                    ids[i], ids[j] = ids[j], ids[i]
                    services.collection_reorder(actor=actor, collection=c, item_ids=ids)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except ValueError:
        messages.error(request, _("The request is not valid."))
    return redirect("library:collection_detail", collection_id=c.pk)


@login_required
def collection_cartridge(request, collection_id: int):
    from . import cartridge

    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    items = selectors.collection_items(scope=request.scope, collection=c)
    data = cartridge.build(c, items, base_url=request.build_absolute_uri("/"))
    resp = HttpResponse(data, content_type="application/vnd.ims.imsccv1p3")
    resp["Content-Disposition"] = f'attachment; filename="collection-{c.pk}.imscc"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
