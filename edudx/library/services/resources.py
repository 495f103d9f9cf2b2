"""Resources and their file versions: create, edit, a new version (every earlier one is kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ErrorCollector, FieldError, ValidationFailed
from edudx.core.services import create_with_history, update_with_history

from .. import files, search
from .. import permissions as perms
from ..models import (
    Resource,
    ResourceGrade,
    ResourceType,
    ResourceVersion,
    State,
)
from ..schemas import ResourceIn, ResourcePatch

if TYPE_CHECKING:
    from edudx.registry.models import School

from .access import require_contributor

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


def _refresh_search(resource: Resource) -> None:
    version = resource.current_version
    text = version.extracted_text if version is not None else ""
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
    require_contributor(actor, resource)
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
    require_contributor(actor, resource)
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
