from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import ErrorCollector, ValidationFailed
from edudx.core.rules import levels
from edudx.core.services import create_with_history, full_clean_or_raise, update_with_history
from edudx.core.text import fold, tidy_spaces
from edudx.orgs import services as org_services
from edudx.orgs.services import UnitKind

from .. import permissions as perms
from .. import selectors
from ..models import School, SchoolClass, SchoolYear
from ..schemas import ClassPatch

if TYPE_CHECKING:
    from edudx.orgs.models import OrgUnit

SCHOOL_FIELDS = ("moet_code", "level", "ownership", "address", "phone", "email")
CLASS_FIELDS = ("school", "year", "grade", "name", "homeroom_teacher")


@transaction.atomic
def school_register(
    *, actor: Actor, parent: OrgUnit, moet_code: str, name: str, data: dict[str, Any]
) -> School:
    """Register a school: its unit in the tree (under `parent`) and its registry profile."""
    actor.scope.require(perms.CHANGE, parent.path)
    unit = org_services.unit_create(
        actor=actor,
        code=moet_code,
        name=tidy_spaces(name),
        kind=UnitKind.SCHOOL,
        parent=parent,
        permission=perms.CHANGE,
    )
    school = School(unit=unit, moet_code=moet_code, name_key=fold(name), **data)
    return create_with_history(actor=actor, obj=school, fields=SCHOOL_FIELDS, operation="school_register")


@transaction.atomic
def school_update(
    *,
    actor: Actor,
    school: School,
    data: dict[str, Any],
    name: str | None = None,
    parent: OrgUnit | None = None,
) -> School:
    actor.scope.require(perms.CHANGE, school.unit.path)
    if "moet_code" in data and data["moet_code"] != school.moet_code:
        raise ValidationFailed(_("A MOET code never changes."), code="moet_code_immutable")
    if name is not None and tidy_spaces(name) != school.unit.name:
        org_services.unit_update(actor=actor, unit=school.unit, name=name, permission=perms.CHANGE)
        School.objects.filter(pk=school.pk).update(name_key=fold(name))
        school.name_key = fold(name)
    if parent is not None and parent.pk != school.unit.parent_id:
        org_services.unit_move(actor=actor, unit=school.unit, new_parent=parent, permission=perms.CHANGE)
    update_with_history(actor=actor, obj=school, data=data, fields=SCHOOL_FIELDS, operation="school_update")
    return school


def _check_class(errors: ErrorCollector, school: School, grade: int, name: str) -> None:
    if not levels.grade_allowed(school.level, grade):
        errors.add(
            "grade",
            "grade_not_in_level",
            _("Grade %(grade)s is not taught at a school of this level.") % {"grade": grade},
        )
    implied = levels.grade_from_class_name(name)
    if implied is not None and implied != grade:
        errors.add(
            "name",
            "class_name_grade_mismatch",
            _("The class name suggests grade %(implied)s, not %(grade)s.")
            % {"implied": implied, "grade": grade},
        )


@transaction.atomic
def class_create(
    *, actor: Actor, school: School, year: SchoolYear, grade: int, name: str, homeroom_teacher=None
) -> SchoolClass:
    actor.scope.require(perms.CHANGE, school.unit.path)
    errors = ErrorCollector()
    name = tidy_spaces(name).upper() if name[:1].isdigit() else tidy_spaces(name)
    _check_class(errors, school, grade, name)
    errors.raise_if_any()
    obj = SchoolClass(school=school, year=year, grade=grade, name=name, homeroom_teacher=homeroom_teacher)
    return create_with_history(actor=actor, obj=obj, fields=CLASS_FIELDS, operation="class_create")


@transaction.atomic
def class_update(*, actor: Actor, school_class: SchoolClass, data: ClassPatch) -> SchoolClass:
    """Set the fields `data` was given. The homeroom teacher is named by id and read with the
    actor's scope (someone the actor cannot see is NotFound); they must work at the class's
    school."""
    actor.scope.require(perms.CHANGE, school_class.school.unit.path)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    if values.get("homeroom_teacher") is not None:
        teacher = selectors.staff_get(scope=actor.scope, pk=values["homeroom_teacher"])
        values["homeroom_teacher"] = teacher
        if teacher.school_id != school_class.school_id:
            raise ValidationFailed(
                details=[],
                message=_("The homeroom teacher must work at the same school."),
                code="teacher_other_school",
            )
    errors = ErrorCollector()
    _check_class(
        errors,
        school_class.school,
        values.get("grade", school_class.grade),
        values.get("name", school_class.name),
    )
    errors.raise_if_any()
    full_clean_or_raise(school_class)
    update_with_history(
        actor=actor,
        obj=school_class,
        data=values,
        fields=("grade", "name", "homeroom_teacher"),
        operation="class_update",
    )
    return school_class
