"""Infrastructure indicators offered to the monitoring module as automatic evidence.

4725 criterion I.7 scores the share of classrooms with a projector/display and Internet, the
capacity to teach Informatics, and a studio for making digital materials.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.indicators import indicator

from . import readiness, thresholds
from .models import Room, RoomKind

FRESHNESS = _("Live: computed from the school's equipment inventory in edudx at the time of viewing.")


def _results(school_ids):
    from .selectors import compute_inputs

    t = thresholds.current()
    inputs = compute_inputs(list(school_ids), today=timezone.localdate(), t=t)
    return readiness.compute(inputs, t, thresholds.unit_costs())


@indicator(
    code="infrastructure.presentation_share",
    name=_("Share of classrooms with a projector or display and Internet"),
    unit="percent",
    formula=_(
        "Classrooms with a working projector/interactive display and Internet ÷ classrooms in use × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:I.7",),
)
def presentation_share(school_ids):
    return {
        sid: (round(r.presentation_share * 100, 1) if r.presentation_share is not None else None)
        for sid, r in _results(school_ids).items()
    }


@indicator(
    code="infrastructure.lab_ratio",
    name=_("Computer-lab capacity against Informatics periods"),
    unit="ratio",
    formula=_(
        "Computer labs × periods a lab hosts per week ÷ (classes learning Informatics × periods per week)"
    ),
    freshness=FRESHNESS,
    criteria=("4725:I.7",),
)
def lab_ratio(school_ids):
    return {
        sid: (round(r.lab_ratio, 2) if r.lab_ratio is not None else None)
        for sid, r in _results(school_ids).items()
    }


@indicator(
    code="infrastructure.has_studio",
    name=_("Has a studio for making digital materials"),
    unit="boolean",
    formula=_("At least one room of kind 'digital-content studio' in use"),
    freshness=FRESHNESS,
    criteria=("4725:I.7",),
)
def has_studio(school_ids):
    ids = list(school_ids)
    with_studio = set(
        Room.objects.filter(school_id__in=ids, kind=RoomKind.STUDIO, is_active=True).values_list(
            "school_id", flat=True
        )
    )
    return {sid: sid in with_studio for sid in ids}


@indicator(
    code="infrastructure.pupils_per_computer",
    name=_("Pupils per working computer"),
    unit="ratio",
    formula=_("Pupils studying ÷ desktops, laptops and tablets in use"),
    freshness=FRESHNESS,
)
def pupils_per_computer(school_ids):
    return {
        sid: (round(r.pupils_per_computer, 1) if r.pupils_per_computer is not None else None)
        for sid, r in _results(school_ids).items()
    }


@indicator(
    code="infrastructure.digital_record_share",
    name=_("Share of equipment under digital records"),
    unit="percent",
    formula=_("Devices recorded in edudx ÷ equipment on the school's asset books × 100 (target 80 %)"),
    freshness=FRESHNESS,
)
def digital_record_share(school_ids):
    return {
        sid: (round(r.digital_record_share * 100, 1) if r.digital_record_share is not None else None)
        for sid, r in _results(school_ids).items()
    }
