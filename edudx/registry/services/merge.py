"""Merge two records of one person, and undo it exactly (issue #14 item 2).

`person_merge` keeps one record (the survivor), takes the other's value for each field the
caller chose, moves every row of every module that points at the other record to the survivor
(found generically through `_meta.related_objects`, so a module added later is moved too) and
deletes the other record. Everything needed to undo it goes into the returned snapshot: both
records' full rows, the rows moved (model, field, ids) and, serialised in full, the rows that
could not be moved because the survivor already had one (an active enrolment in the same year):
a merge never loses a value. `person_unmerge` puts all of it back, the deleted record under its
own id, and both records' history says what happened. The caller (quality.services) checks
that the actor may change both records' schools and keeps the snapshot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any, cast

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, NotFound, ValidationFailed

from .. import permissions as perms
from ..models import School, Staff, Student

MODELS: dict[str, type[Student] | type[Staff]] = {"students": Student, "staff": Staff}
# The fields a reviewer chooses between, per kind (the rest of the survivor's row stays).
CHOOSABLE: dict[str, tuple[str, ...]] = {
    "students": (
        "full_name", "date_of_birth", "gender", "personal_id", "moet_code", "ethnicity", "school",
        "status", "father_name", "mother_name", "guardian_name", "parent_phone", "address",
        "place_of_birth", "disability",
    ),
    "staff": (
        "full_name", "date_of_birth", "gender", "personal_id", "moet_code", "ethnicity", "school",
        "status", "position", "qualification", "phone", "email", "subjects",
    ),
}  # fmt: skip
OPERATION = "registry.person_merge"


class _Exact(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps milliseconds only: a restored timestamp must be the same."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def _row(obj: models.Model) -> dict[str, Any]:
    """The record's whole row, JSON-safe, through Django's serializer (restorable exactly)."""
    data = serializers.serialize("python", [obj])[0]
    return cast(dict[str, Any], json.loads(json.dumps(data, cls=_Exact)))


def _restore(rows: list[dict[str, Any]]) -> None:
    for item in serializers.deserialize("python", rows):
        item.save()  # raw: no auto_now, no save() override — the row as it was


def _locked(kind: str, pk: int) -> Student | Staff:
    model = MODELS[kind]
    try:
        return model.objects.select_for_update(of=("self",)).select_related("school__unit").get(pk=pk)
    except model.DoesNotExist as exc:
        raise NotFound() from exc


def _path(obj: Student | Staff) -> str | None:
    return obj.school.unit.path if obj.school is not None else None


def _related(model: type[models.Model]) -> list[Any]:
    """Every relation of any module pointing at the model (FK, one-to-one, many-to-many)."""
    return [r for r in model._meta.related_objects if not r.field.model._meta.abstract]


def _move_references(kind: str, survivor: models.Model, merged: models.Model) -> tuple[list[Any], list[Any]]:
    """Point every row that points at `merged` to `survivor`. A row whose move breaks a unique
    rule (the survivor already has one) is kept whole in the snapshot and goes with `merged`."""
    moved: list[Any] = []
    kept: list[Any] = []
    for rel in _related(type(merged)):
        if rel.many_to_many:
            through = rel.through
            src = next(f for f in through._meta.fields if f.related_model is type(merged))
            qs = through._default_manager.filter(**{src.name: merged.pk})
            fname = src.name
            related_model = through
        else:
            related_model = rel.related_model
            fname = rel.field.name
            qs = related_model._default_manager.filter(**{fname: merged.pk})
        ids = list(qs.values_list("pk", flat=True))
        done: list[Any] = []
        for pk in ids:
            try:
                with transaction.atomic():
                    related_model._default_manager.filter(pk=pk).update(**{fname: survivor.pk})
                done.append(pk)
            except IntegrityError:
                kept.extend(_row(o) for o in related_model._default_manager.filter(pk=pk))
        if done:
            moved.append({"model": related_model._meta.label, "field": fname, "ids": done})
    return moved, kept


@transaction.atomic
def person_merge(
    *, actor: Actor, kind: str, survivor_id: int, merged_id: int, take: list[str], note: str = ""
) -> dict[str, Any]:
    """Merge record `merged_id` into `survivor_id`; `take` names the fields whose value comes from
    the merged record. Returns the snapshot `person_unmerge` needs."""
    if kind not in MODELS or survivor_id == merged_id:
        raise ValidationFailed(_("Choose two different records of one kind."), code="merge_same_record")
    unknown = [f for f in take if f not in CHOOSABLE[kind]]
    if unknown:
        raise ValidationFailed(_("These fields cannot be chosen: %(f)s") % {"f": ", ".join(unknown)},
                               code="merge_unknown_field")  # fmt: skip
    first, second = sorted((survivor_id, merged_id))  # lock in one order: no deadlock between two merges
    locked = {first: _locked(kind, first), second: _locked(kind, second)}
    survivor, merged = locked[survivor_id], locked[merged_id]
    for rec in (survivor, merged):
        actor.scope.require(perms.CHANGE, _path(rec))
    before = {"survivor": _row(survivor), "merged": _row(merged)}
    changes: dict[str, list[Any]] = {}
    for name in take:
        old, new = history.snapshot(survivor, [name])[name], history.snapshot(merged, [name])[name]
        if old != new:
            changes[name] = [old, new]
    moved, kept = _move_references(kind, survivor, merged)
    merged_repr, merged_pk = str(merged), merged.pk
    history.record(actor=actor, obj=merged, action="merge", operation=OPERATION, note=note,
                   changes={"merged_into": [None, survivor.pk]})  # fmt: skip
    merged.delete()  # its unique values (code, personal ID, user) are free for the survivor now
    for name in take:
        attname = cast("models.Field[Any, Any]", survivor._meta.get_field(name)).attname
        setattr(survivor, attname, getattr(merged, attname))
    survivor.save()
    history.record(actor=actor, obj=survivor, action="merge", operation=OPERATION, note=note,
                   changes={**changes, "merged_from": [None, merged_pk]})  # fmt: skip
    return {
        "kind": kind, "survivor_id": survivor.pk, "merged_id": merged_pk, "merged_repr": merged_repr,
        "take": list(take), "before": before, "moved": moved, "kept": kept,
    }  # fmt: skip


@transaction.atomic
def person_unmerge(*, actor: Actor, snapshot: dict[str, Any], note: str = "") -> None:
    """Undo `person_merge` from its snapshot: the survivor's row as it was before, the merged
    record back under its own id, the moved rows pointed back, the kept rows recreated."""
    kind = snapshot["kind"]
    model = MODELS[kind]
    survivor = _locked(kind, snapshot["survivor_id"])
    actor.scope.require(perms.CHANGE, _path(survivor))
    if model.objects.filter(pk=snapshot["merged_id"]).exists():
        raise Conflict(
            _("The merged record exists again: this merge was already undone."), code="merge_undone"
        )
    school_id = snapshot["before"]["merged"]["fields"].get("school")
    if school_id is not None:  # the merged record's school must be the actor's too
        school = School.objects.select_related("unit").filter(pk=school_id).first()
        actor.scope.require(perms.CHANGE, school.unit.path if school else None)
    after = history.snapshot(survivor, snapshot["take"])
    _restore([snapshot["before"]["survivor"]])
    _restore([snapshot["before"]["merged"]])
    for group in snapshot["moved"]:
        rel_model = _model(group["model"])
        rel_model._default_manager.filter(pk__in=group["ids"]).update(
            **{group["field"]: snapshot["merged_id"]}
        )
    _restore(snapshot["kept"])
    survivor.refresh_from_db()
    merged = model.objects.get(pk=snapshot["merged_id"])
    back = history.snapshot(survivor, snapshot["take"])
    history.record(actor=actor, obj=survivor, action="unmerge", operation=OPERATION, note=note,
                   changes={**history.diff(after, back), "merged_from": [snapshot["merged_id"], None]})  # fmt: skip
    history.record(actor=actor, obj=merged, action="unmerge", operation=OPERATION, note=note,
                   changes={"merged_into": [survivor.pk, None]})  # fmt: skip


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def person_values(*, kind: str, pk: int) -> dict[str, Any]:
    """The choosable values of a record (for the side-by-side page), or NotFound."""
    model = MODELS[kind]
    try:
        obj = model.objects.select_related("school__unit").get(pk=pk)
    except model.DoesNotExist as exc:
        raise NotFound() from exc
    return history.snapshot(obj, CHOOSABLE[kind])


def person_labels(kind: str) -> dict[str, str]:
    """The choosable fields' names as a reader reads them (the models' verbose names)."""
    model = MODELS[kind]
    return {f: str(getattr(model._meta.get_field(f), "verbose_name", f)) for f in CHOOSABLE[kind]}


def person_shown(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Values (`person_values`, possibly masked) as a reader reads them: a choice by its label, a
    date as dd/mm/yyyy, the school by its name. What it cannot read stays as it is."""
    model = MODELS[kind]
    out = dict(values)
    for name, value in values.items():
        if value in (None, ""):
            continue
        f = model._meta.get_field(name)
        if name == "school":
            out[name] = School.objects.filter(pk=value).values_list("unit__name", flat=True).first() or value
        elif getattr(f, "choices", None):
            out[name] = str(dict(getattr(f, "flatchoices", ())).get(value, value))
        elif isinstance(f, models.DateField) and isinstance(value, str):
            with contextlib.suppress(ValueError):
                out[name] = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return out


def person_history(*, kind: str, pk: int, limit: int = 50) -> list[Any]:
    """The history of a record by id — also of a record merged away (its entries stay)."""
    return list(history.entries_for(MODELS[kind](pk=pk), limit=limit))


__all__ = [
    "CHOOSABLE",
    "MODELS",
    "person_history",
    "person_labels",
    "person_merge",
    "person_shown",
    "person_unmerge",
    "person_values",
]
