"""Teachers' collections: ordered resources with notes, changed only by their owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.services import create_with_history, update_with_history

from .. import permissions as perms
from ..models import (
    Collection,
    CollectionItem,
    Resource,
)
from ..schemas import CollectionIn

if TYPE_CHECKING:
    from edudx.registry.models import School


# ----- collections
COLLECTION_FIELDS = ("title", "description", "subject", "grade", "visibility")


def _require_owner(actor: Actor, collection: Collection) -> None:
    if actor.scope.is_system:
        return
    if actor.user is None or collection.owner_id != actor.user.pk:
        raise PermissionDenied(_("Only the owner changes a collection."))


@transaction.atomic
def collection_create(*, actor: Actor, school: School, data: CollectionIn) -> Collection:
    actor.scope.require(perms.CONTRIBUTE, school.unit.path)
    obj = Collection(owner=actor.user, school=school, unit_path=school.unit.path, **data.model_dump())
    create_with_history(
        actor=actor, obj=obj, fields=[*COLLECTION_FIELDS, "school"], operation="library.collection_create"
    )
    return obj


@transaction.atomic
def collection_update(*, actor: Actor, collection: Collection, data: CollectionIn) -> Collection:
    """Set the fields `data` was given (all of them when it comes from the form)."""
    _require_owner(actor, collection)
    update_with_history(
        actor=actor,
        obj=collection,
        data=data.model_dump(exclude_unset=True),
        fields=COLLECTION_FIELDS,
        operation="library.collection_update",
    )
    return collection


@transaction.atomic
def collection_add(
    *, actor: Actor, collection: Collection, resource: Resource, note: str = ""
) -> CollectionItem:
    _require_owner(actor, collection)
    if CollectionItem.objects.filter(collection=collection, resource=resource).exists():
        raise Conflict(_("The resource is already in this collection."), code="already_in_collection")
    last = collection.items.order_by("-position").values_list("position", flat=True).first() or 0
    item = CollectionItem.objects.create(
        collection=collection, resource=resource, position=last + 1, note=note
    )
    history.record(
        actor=actor,
        obj=collection,
        action="add_item",
        changes={"resource": [None, resource.pk]},
        operation="library.collection_add",
    )
    Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
    return item


@transaction.atomic
def collection_remove(*, actor: Actor, collection: Collection, item_id: int) -> None:
    _require_owner(actor, collection)
    item = collection.items.filter(pk=item_id).first()
    if item is None:
        return
    item.delete()
    history.record(
        actor=actor,
        obj=collection,
        action="remove_item",
        changes={"resource": [item.resource_id, None]},
        operation="library.collection_remove",
    )


@transaction.atomic
def collection_reorder(*, actor: Actor, collection: Collection, item_ids: list[int]) -> None:
    _require_owner(actor, collection)
    items = {i.pk: i for i in collection.items.all()}
    if set(item_ids) != set(items):
        raise ValidationFailed(_("The new order must list every item once."), code="bad_order")
    for pos, pk in enumerate(item_ids, 1):
        items[pk].position = pos
    CollectionItem.objects.bulk_update(items.values(), ["position"])
    history.record(
        actor=actor,
        obj=collection,
        action="reorder",
        changes={"order": [None, item_ids]},
        operation="library.collection_reorder",
    )


@transaction.atomic
def collection_move(*, actor: Actor, collection: Collection, item_id: int, step: int) -> None:
    """Move one item a place up (step -1) or down (+1); at either end, or for an item not in
    the collection, nothing moves."""
    _require_owner(actor, collection)
    ids = list(collection.items.order_by("position", "id").values_list("pk", flat=True))
    if item_id not in ids:
        return
    i = ids.index(item_id)
    j = i + step
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        collection_reorder(actor=actor, collection=collection, item_ids=ids)


@transaction.atomic
def collection_note(*, actor: Actor, collection: Collection, item_id: int, note: str) -> None:
    _require_owner(actor, collection)
    collection.items.filter(pk=item_id).update(note=note[:4000])
