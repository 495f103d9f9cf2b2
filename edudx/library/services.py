"""Every write to the library: resources, versions, the review workflow, use, collections."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ErrorCollector, FieldError, PermissionDenied, ValidationFailed
from edudx.core.services import create_with_history, full_clean_or_raise, update_with_history

from . import files, search
from . import permissions as perms
from .models import (
    Collection,
    CollectionItem,
    Comment,
    Rating,
    Resource,
    ResourceGrade,
    ResourceType,
    ResourceVersion,
    State,
    Use,
)
from .schemas import CollectionIn, ResourceIn, ResourcePatch

if TYPE_CHECKING:
    from edudx.registry.models import School

EDITABLE = (
    "title",
    "description",
    "resource_type",
    "subject",
    "topic",
    "outcome",
    "series",
    "language",
    "licence",
    "authors",
    "url",
)
GRADES = range(0, 13)


def _is_author(actor: Actor, resource: Resource) -> bool:
    return actor.user is not None and resource.created_by_id == actor.user.pk


def _require_contributor(actor: Actor, resource: Resource) -> None:
    """The author, or a contributor of the resource's school (colleagues edit together)."""
    actor.scope.require(perms.CONTRIBUTE, resource.unit_path)


def _require_reviewer(actor: Actor, resource: Resource) -> None:
    actor.scope.require(perms.REVIEW, resource.unit_path)
    if _is_author(actor, resource):
        raise PermissionDenied(_("A reviewer cannot review their own resource."), code="own_resource")


def _refresh_search(resource: Resource) -> None:
    text = resource.current_version.extracted_text if resource.current_version_id else ""
    resource.search_title = search.fold_title(resource.title)
    resource.search_body = search.fold_body(
        resource.description, resource.topic, resource.outcome, resource.authors, text
    )


def _set_grades(resource: Resource, grades: list[int]) -> None:
    clean = sorted({int(g) for g in grades if int(g) in GRADES})
    ResourceGrade.objects.filter(resource=resource).exclude(grade__in=clean).delete()
    have = set(ResourceGrade.objects.filter(resource=resource).values_list("grade", flat=True))
    ResourceGrade.objects.bulk_create(
        [ResourceGrade(resource=resource, grade=g) for g in clean if g not in have]
    )


def _check(*, resource_type: str, url: str, has_file: bool, grades: list[int] | None) -> None:
    errors = ErrorCollector()
    if resource_type == ResourceType.LINK and not url:
        errors.add("url", "required", _("A web link needs its address."))
    if resource_type != ResourceType.LINK and url and has_file:
        errors.add("url", "both", _("Give either a file or a web link, not both."))
    if grades is not None and not grades:
        errors.add("grades", "required", _("Choose at least one grade."))
    errors.raise_if_any()


def _new_version(
    *, actor: Actor, resource: Resource, name: str, data: files.Source, note: str
) -> ResourceVersion:
    """`data`: the bytes, or the uploaded file itself (read from its temporary file in blocks)."""
    info = files.inspect(data)
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ResourceVersion(
        resource=resource,
        number=last + 1,
        original_name=name[:255],
        extension=info.kind.extension,
        mime=info.kind.mime,
        kind=info.kind.code,
        size=info.size,
        sha256=info.sha256,
        extracted_text=files.extract_text(info.kind.code, data),
        note=note[:300],
        created_by=actor.user,
    )
    version.file.save(f"v{version.number}{info.kind.extension}", File(files.stream(data)), save=False)
    thumb = files.thumbnail(info.kind.code, data)
    if thumb:
        version.thumbnail.save("thumb.png", ContentFile(thumb), save=False)
    version.save(force_insert=True)
    history.record(
        actor=actor,
        obj=resource,
        action="version",
        changes={"version": [last or None, version.number], "file": [None, version.original_name]},
        operation="library.version_add",
        note=note,
    )
    return version


@transaction.atomic
def resource_create(
    *,
    actor: Actor,
    school: School,
    data: ResourceIn,
    upload: tuple[str, files.Source] | None = None,
) -> Resource:
    """A draft resource of `school` (`data.school_id` is the caller's choice of it, already
    resolved); its type, left empty, is taken from the uploaded file's content."""
    actor.scope.require(perms.CONTRIBUTE, school.unit.path)
    values = data.model_dump(include=set(EDITABLE))
    grades = data.grades
    if upload is not None and not values["resource_type"]:
        values["resource_type"] = files.inspect(upload[1]).kind.resource_type
    _check(
        resource_type=values["resource_type"], url=values["url"], has_file=upload is not None, grades=grades
    )
    if values["resource_type"] != ResourceType.LINK and upload is None:
        raise ValidationFailed(
            details=[
                FieldError("file", "required", str(_("Choose a file to upload, or make it a web link.")))
            ]
        )
    resource = Resource(school=school, unit_path=school.unit.path, created_by=actor.user, **values)
    _refresh_search(resource)
    create_with_history(
        actor=actor, obj=resource, fields=[*EDITABLE, "school", "state"], operation="library.resource_create"
    )
    _set_grades(resource, grades)
    if upload is not None:
        version = _new_version(actor=actor, resource=resource, name=upload[0], data=upload[1], note="")
        resource.current_version = version
        _refresh_search(resource)
        resource.save(update_fields=["current_version", "search_title", "search_body"])
    return resource


@transaction.atomic
def resource_update(*, actor: Actor, resource: Resource, data: ResourcePatch) -> Resource:
    """Set the fields `data` gives (a field left None is kept; the form gives every field)."""
    _require_contributor(actor, resource)
    if resource.state in (State.SUBMITTED, State.REVIEWED):
        raise Conflict(_("The resource is being reviewed; wait for the reviewer's answer."), code="in_review")
    values = data.model_dump(include=set(EDITABLE), exclude_none=True)
    grades = data.grades
    _check(
        resource_type=values.get("resource_type", resource.resource_type),
        url=values.get("url", resource.url),
        has_file=resource.current_version_id is not None,
        grades=grades,
    )
    update_with_history(
        actor=actor, obj=resource, data=values, fields=EDITABLE, operation="library.resource_update"
    )
    if grades is not None:
        before = resource.grades
        _set_grades(resource, grades)
        after = sorted({int(g) for g in grades})
        if before != after:
            history.record(
                actor=actor,
                obj=resource,
                action="update",
                changes={"grades": [before, after]},
                operation="library.resource_update",
            )
    _refresh_search(resource)
    resource.save(update_fields=["search_title", "search_body", "updated_at"])
    return resource


@transaction.atomic
def version_add(
    *, actor: Actor, resource: Resource, name: str, data: files.Source, note: str = ""
) -> ResourceVersion:
    """A new file for the resource; every earlier version is kept. A published resource goes
    back through review (the new file has not been reviewed)."""
    _require_contributor(actor, resource)
    if resource.is_link:
        raise ValidationFailed(_("A web link has no file versions."), code="link_has_no_file")
    if resource.state in (State.SUBMITTED, State.REVIEWED):
        raise Conflict(_("The resource is being reviewed; wait for the reviewer's answer."), code="in_review")
    version = _new_version(actor=actor, resource=resource, name=name, data=data, note=note)
    resource.current_version = version
    _refresh_search(resource)
    fields = ["current_version", "search_title", "search_body", "updated_at"]
    if resource.state == State.PUBLISHED:
        resource.reopen()
        fields.append("state")
        history.record(
            actor=actor,
            obj=resource,
            action="unpublish",
            changes={"state": [State.PUBLISHED, State.DRAFT]},
            operation="library.version_add",
            note=str(_("A new file needs review again.")),
        )
    resource.save(update_fields=fields)
    return version


# ----- workflow: the moves are Resource's transitions (models.py); here each is guarded,
# called and recorded (docs/decisions/0010).
def _transition(
    *,
    actor: Actor,
    resource: Resource,
    move: str,
    action: str,
    extra: dict[str, Any] | None = None,
    note: str = "",
) -> Resource:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    step = getattr(resource, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while the resource is “%(state)s”.")
            % {"state": resource.get_state_display()},
            code="bad_state",
        )
    extra = extra or {}
    fields = ["state", "published_at", *extra]
    before = history.snapshot(resource, fields)
    step()
    for key, value in extra.items():
        setattr(resource, key, value)
    changes = history.diff(before, history.snapshot(resource, fields))
    full_clean_or_raise(resource)
    resource.save(update_fields=[*changes, "updated_at"])
    history.record(
        actor=actor,
        obj=resource,
        action=action,
        changes=changes,
        operation=f"library.resource_{action}",
        note=note,
    )
    return resource


@transaction.atomic
def resource_submit(*, actor: Actor, resource: Resource) -> Resource:
    _require_contributor(actor, resource)
    if not resource.is_link and not resource.current_version_id:
        raise ValidationFailed(_("Upload a file before submitting."), code="no_file")
    return _transition(actor=actor, resource=resource, move="submit", action="submit")


def _licence_check(resource: Resource) -> None:
    if not resource.licence:
        raise ValidationFailed(
            _("A resource without a licence cannot be published. Return it so the author sets one."),
            code="licence_required",
            details=[],
        )


@transaction.atomic
def resource_review(*, actor: Actor, resource: Resource, comment: str = "") -> Resource:
    """Reviewed: content and licence checked, ready to publish (a second pair of eyes may publish)."""
    _require_reviewer(actor, resource)
    _licence_check(resource)
    return _transition(
        actor=actor,
        resource=resource,
        move="review",
        action="review",
        extra={"reviewed_by": actor.user, "review_comment": comment},
        note=comment,
    )


@transaction.atomic
def resource_publish(*, actor: Actor, resource: Resource, comment: str = "") -> Resource:
    _require_reviewer(actor, resource)
    _licence_check(resource)
    extra: dict[str, Any] = {"takedown_reason": ""}
    if resource.state == State.SUBMITTED:
        extra["reviewed_by"] = actor.user
    if comment:
        extra["review_comment"] = comment
    return _transition(
        actor=actor, resource=resource, move="publish", action="publish", extra=extra, note=comment
    )


@transaction.atomic
def resource_return(*, actor: Actor, resource: Resource, comment: str) -> Resource:
    _require_reviewer(actor, resource)
    if not comment.strip():
        raise ValidationFailed(
            details=[FieldError("comment", "required", str(_("Say what the author should change.")))]
        )
    return _transition(
        actor=actor,
        resource=resource,
        move="send_back",
        action="return",
        extra={"review_comment": comment.strip(), "reviewed_by": actor.user},
        note=comment,
    )


@transaction.atomic
def resource_takedown(*, actor: Actor, resource: Resource, reason: str) -> Resource:
    actor.scope.require(perms.REVIEW, resource.unit_path)
    if not reason.strip():
        raise ValidationFailed(
            details=[FieldError("reason", "required", str(_("Give the reason for the takedown.")))]
        )
    return _transition(
        actor=actor,
        resource=resource,
        move="take_down",
        action="takedown",
        extra={"takedown_reason": reason.strip()},
        note=reason,
    )


# ----- use
def use_record(*, actor: Actor, resource: Resource, kind: str, at: dt.datetime | None = None) -> None:
    Use.objects.create(
        resource=resource, kind=kind, user=actor.user, subject=resource.subject, at=at or timezone.now()
    )
    counter = {"view": "view_count", "download": "download_count"}.get(kind)
    updates: dict[str, Any] = {"use_count": F("use_count") + 1}
    if counter:
        updates[counter] = F(counter) + 1
    Resource.objects.filter(pk=resource.pk).update(**updates)


@transaction.atomic
def rating_set(*, actor: Actor, resource: Resource, stars: int) -> Rating:
    if actor.user is None:
        raise PermissionDenied()
    if not 1 <= int(stars) <= 5:
        raise ValidationFailed(_("Give from 1 to 5 stars."), code="bad_stars")
    if resource.state != State.PUBLISHED:
        raise Conflict(_("Only published resources can be rated."), code="not_published")
    rating, created = Rating.objects.get_or_create(
        resource=resource, user=actor.user, defaults={"stars": stars}
    )
    old = 0 if created else rating.stars
    if not created:
        rating.stars = stars
        rating.save(update_fields=["stars", "created_at"])
    Resource.objects.filter(pk=resource.pk).update(
        rating_sum=F("rating_sum") - old + int(stars), rating_count=F("rating_count") + (1 if created else 0)
    )
    return rating


@transaction.atomic
def comment_add(*, actor: Actor, resource: Resource, text: str) -> Comment:
    if actor.user is None:
        raise PermissionDenied()
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Write a comment first."), code="empty_comment")
    comment = Comment(resource=resource, user=actor.user, text=text[:4000])
    full_clean_or_raise(comment)
    comment.save()
    return comment


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
def collection_note(*, actor: Actor, collection: Collection, item_id: int, note: str) -> None:
    _require_owner(actor, collection)
    collection.items.filter(pk=item_id).update(note=note[:4000])
