"""What the monitoring services share: refusals, the clock, points parsing, level rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.errors import Conflict, ErrorCollector

from ..models import Assessment

ZERO = Decimal("0")


class Locked(Conflict):
    """The self-assessment, campaign or framework may not change in its present state (409)."""

    code = "locked"
    default_message = _("This self-assessment is locked: it has been submitted or the campaign is closed.")


class DeadlinePassed(Conflict):
    """The self-assessment's deadline has passed; an officer may extend it (409)."""

    code = "deadline_passed"


def today() -> dt.date:
    return timezone.localdate()


def parse_points(value: object, field: str, errors: ErrorCollector) -> Decimal | None:
    """A number of points as typed ("7,5" too), to two decimals; empty is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors.add(field, "invalid", _("Enter a number."))
        return None
    try:
        if not d.is_finite():
            raise InvalidOperation
        return d.quantize(Decimal("0.01"))  # "1e999999" cannot be: refused, never a 500
    except InvalidOperation:
        errors.add(field, "invalid", _("Enter a number."))
        return None


def level_for(points: Decimal, *, level2_min: Decimal, level3_above: Decimal, mandatory_met: bool) -> int:
    """Level 1 below `level2_min`, Level 2 up to `level3_above`, Level 3 above it.
    An unmet mandatory condition means no level (0)."""
    if not mandatory_met:
        return 0
    if points > level3_above:
        return 3
    if points >= level2_min:
        return 2
    return 1


def lock(assessment: Assessment) -> Assessment:
    """The assessment row, locked for this transaction (with its campaign)."""
    return Assessment.objects.select_for_update().select_related("campaign").get(pk=assessment.pk)
