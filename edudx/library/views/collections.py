"""Teachers' collections: list, create, edit, items, and the Common Cartridge export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, ValidationFailed
from edudx.core.ids import parse_id
from edudx.core.pagination import paginate
from edudx.core.views import ServiceFormView, typed_input

from .. import permissions as perms
from .. import selectors, services
from ..forms import CollectionForm
from ..models import Collection
from ..schemas import CollectionIn


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


class CollectionCreate(ServiceFormView[None]):
    """A new collection of the caller's school (the first school they contribute to)."""

    form_class = CollectionForm
    permission = perms.CONTRIBUTE
    template_name = "library/collection_form.html"

    def save(self, form, obj):
        schools = selectors.contributor_schools(scope=self.scope)
        if not schools:
            raise ValidationFailed(
                _("You are not attached to a school that contributes materials."), code="no_school"
            )
        data = typed_input(form, CollectionIn, form.cleaned_data)
        return services.collection_create(actor=self.actor, school=schools[0], data=data)

    def success_url(self, saved, obj):
        return reverse("library:collection_detail", kwargs={"collection_id": saved.pk})


class CollectionEdit(ServiceFormView[Collection]):
    """Anyone who sees the collection reaches the form; only its owner's save is taken (the
    service's rule), as before."""

    form_class = CollectionForm
    permission = perms.VIEW
    pk_kwarg = "collection_id"
    template_name = "library/collection_form.html"

    def lookup(self, scope, pk):
        return selectors.collection_get(scope=scope, pk=pk)

    def unit_path(self, collection):
        return collection.unit_path

    def form_kwargs(self, collection):  # the record's values, never `instance=` (docs/developing.md)
        return {"initial": model_to_dict(collection, fields=CollectionForm.Meta.fields)}

    def save(self, form, collection):
        data = typed_input(form, CollectionIn, form.cleaned_data)
        return services.collection_update(actor=self.actor, collection=collection, data=data)

    def success_url(self, saved, collection):
        return reverse("library:collection_detail", kwargs={"collection_id": collection.pk})

    def context(self, form, collection):
        return {"c": collection}


collection_create = CollectionCreate.as_view()
collection_edit = CollectionEdit.as_view()


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


def _posted_id(request, name: str) -> int:
    """The id a form field names; ValueError (a refused request) when it is not an id the
    database can hold — a 20-digit number would otherwise reach the driver and fail there."""
    value = parse_id(request.POST.get(name))
    if value is None:
        raise ValueError(name)
    return value


@login_required
@require_POST
def collection_items(request, collection_id: int):
    """Add, remove, move or annotate items (the item is named in the form, not the URL)."""
    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    actor = Actor.from_request(request)
    op = request.POST.get("op")
    try:
        if op == "add":
            r = selectors.resource_get(scope=request.scope, pk=_posted_id(request, "resource"))
            services.collection_add(actor=actor, collection=c, resource=r, note=request.POST.get("note", ""))
            messages.success(request, _("Added to “%(title)s”.") % {"title": c.title})
            if request.POST.get("back") == "resource":
                return redirect("library:resource_detail", resource_id=r.pk)
        elif op in ("up", "down", "remove", "note"):
            item_id = _posted_id(request, "item")
            if op == "remove":
                services.collection_remove(actor=actor, collection=c, item_id=item_id)
            elif op == "note":
                services.collection_note(
                    actor=actor, collection=c, item_id=item_id, note=request.POST.get("note", "")
                )
            else:
                step = -1 if op == "up" else 1
                services.collection_move(actor=actor, collection=c, item_id=item_id, step=step)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except ValueError:
        messages.error(request, _("The request is not valid."))
    return redirect("library:collection_detail", collection_id=c.pk)


@login_required
def collection_cartridge(request, collection_id: int):
    from .. import cartridge

    c = selectors.collection_get(scope=request.scope, pk=collection_id)
    items = selectors.collection_items(scope=request.scope, collection=c)
    data = cartridge.build(c, items, base_url=request.build_absolute_uri("/"))
    resp = HttpResponse(data, content_type="application/vnd.ims.imsccv1p3")
    resp["Content-Disposition"] = f'attachment; filename="collection-{c.pk}.imscc"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
