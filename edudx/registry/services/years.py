"""School years: created, made current and closed by the department's administrators (or the
console), each step with its history entry. Exactly one year is current, and only when someone
says so: creating a year never makes it current by itself, and no year stops being current
except by another one being chosen.

A closed year is history: it cannot become current again; it stays readable. The current year
cannot be closed — choose the next one first (`edudx school_year set-current`)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, ValidationFailed
from edudx.core.services import create_with_history, update_with_history
from edudx.orgs import selectors as org_selectors

from .. import permissions as perms
from ..models import SchoolYear

YEAR_CODE = re.compile(r"^(\d{4})-(\d{4})$")
YEAR_FIELDS = ("code", "start_date", "end_date", "is_current", "closed_at")


def _require(actor: Actor) -> None:
    """Years are city-wide: the permission must hold at a top-level unit (on an empty database,
    before any unit exists, only the console may)."""
    root = org_selectors.root_units().first()
    actor.scope.require(perms.MANAGE_YEARS, root.path if root else None)


def school_year_code_check(code: str, start_date: dt.date, end_date: dt.date) -> None:
    """2026-2027: two consecutive years; it opens in the first and ends in the second."""
    match = YEAR_CODE.match(code.strip())
    if match is None or int(match[2]) != int(match[1]) + 1:
        raise ValidationFailed(
            _("A school year is written as two consecutive years, e.g. 2026-2027."),
            code="school_year_code_invalid",
        )
    if end_date <= start_date:
        raise ValidationFailed(
            _("The school year must end after it starts."), code="school_year_dates_invalid"
        )
    if start_date.year != int(match[1]) or end_date.year != int(match[2]):
        raise ValidationFailed(
            _("School year %(code)s opens in %(first)s and ends in %(second)s.")
            % {"code": code, "first": match[1], "second": match[2]},
            code="school_year_dates_invalid",
        )


def _unset_current(actor: Actor) -> None:
    for other in SchoolYear.objects.select_for_update().filter(is_current=True):
        update_with_history(
            actor=actor,
            obj=other,
            data={"is_current": False},
            fields=YEAR_FIELDS,
            operation="school_year_set_current",
        )


@transaction.atomic
def school_year_create(
    *, actor: Actor, code: str, start_date: dt.date, end_date: dt.date, is_current: bool = False
) -> SchoolYear:
    _require(actor)
    code = code.strip()
    school_year_code_check(code, start_date, end_date)
    if SchoolYear.objects.filter(code=code).exists():
        raise Conflict(_("School year %(code)s already exists.") % {"code": code}, code="school_year_exists")
    if is_current:
        _unset_current(actor)
    year = SchoolYear(code=code, start_date=start_date, end_date=end_date, is_current=is_current)
    return create_with_history(actor=actor, obj=year, fields=YEAR_FIELDS, operation="school_year_create")


@transaction.atomic
def school_year_set_current(*, actor: Actor, year: SchoolYear) -> SchoolYear:
    """Make `year` the current one (the one imports and lists default to); the previous current
    year stops being current, in the same transaction."""
    _require(actor)
    year = SchoolYear.objects.select_for_update().get(pk=year.pk)
    if year.closed_at is not None:
        raise Conflict(
            _("School year %(code)s is closed; it cannot become the current year.") % {"code": year.code},
            code="school_year_closed",
        )
    if year.is_current:
        return year
    _unset_current(actor)
    update_with_history(
        actor=actor,
        obj=year,
        data={"is_current": True},
        fields=YEAR_FIELDS,
        operation="school_year_set_current",
    )
    return year


@transaction.atomic
def school_year_close(*, actor: Actor, year: SchoolYear) -> SchoolYear:
    """Close a finished year. Closing a closed year changes nothing (a re-run is harmless)."""
    _require(actor)
    year = SchoolYear.objects.select_for_update().get(pk=year.pk)
    if year.is_current:
        raise Conflict(
            _("School year %(code)s is the current year: choose the next current year before closing it.")
            % {"code": year.code},
            code="school_year_is_current",
        )
    if year.closed_at is None:
        update_with_history(
            actor=actor, obj=year, data={"closed_at": timezone.now()}, fields=YEAR_FIELDS,
            operation="school_year_close",
        )  # fmt: skip
    return year
