"""Library indicators offered to the monitoring module as automatic evidence.

4725 criterion I.4 asks for the volume of digital learning materials a school has; I.6 for
teachers' capacity to build digital materials (here: the share of teachers who contributed).
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from edudx.core.indicators import indicator
from edudx.core.scope import Scope

from .models import Resource, State

FRESHNESS = _("Live: computed from the shared learning-materials repository at the time of viewing.")
CONTRIBUTED = (State.SUBMITTED, State.REVIEWED, State.PUBLISHED)


@indicator(
    code="library.materials_volume",
    name=_("Published digital learning materials contributed by the school"),
    unit="count",
    formula=_("Resources of the school in the shared repository in the state “published”"),
    freshness=FRESHNESS,
    criteria=("4725:I.4",),
)
def materials_volume(school_ids):
    ids = list(school_ids)
    counts = dict(
        Resource.objects.filter(school_id__in=ids, state=State.PUBLISHED)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    return {sid: counts.get(sid, 0) for sid in ids}


@indicator(
    code="library.teachers_contributing_share",
    name=_("Share of teachers who built digital learning materials"),
    unit="percent",
    formula=_(
        "Teachers of the school who authored at least one resource submitted for review or published "
        "÷ teachers of the school × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:I.6",),
)
def teachers_contributing_share(school_ids):
    from edudx.core.rules.people import Position
    from edudx.registry import selectors as registry
    from edudx.registry.filters import StaffFilter

    ids = list(school_ids)
    staff_qs, _order = registry.staff_list(
        scope=Scope.system(), filters=StaffFilter(position=Position.TEACHER)
    )
    teachers = dict(
        staff_qs.filter(school_id__in=ids)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    teacher_users = {
        (sid, uid)
        for sid, uid in staff_qs.filter(school_id__in=ids, user__isnull=False).values_list(
            "school_id", "user_id"
        )
    }
    authors = set(
        Resource.objects.filter(Q(school_id__in=ids), state__in=CONTRIBUTED, created_by__isnull=False)
        .values_list("school_id", "created_by_id")
        .distinct()
    )
    contributing: dict[int, int] = {}
    for sid, _uid in authors & teacher_users:
        contributing[sid] = contributing.get(sid, 0) + 1
    return {
        sid: (round(100 * contributing.get(sid, 0) / teachers[sid], 1) if teachers.get(sid) else None)
        for sid in ids
    }


@indicator(
    code="library.teachers_using_materials_share",
    name=_("Share of teachers using digital learning materials in their teaching"),
    unit="percent",
    formula=_(
        "Teachers of the school who, in the last 12 months, downloaded a resource, picked one into an "
        "LMS or put one in a lesson collection ÷ teachers of the school × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:I.6",),
)
def teachers_using_materials_share(school_ids):
    import datetime as dt

    from django.utils import timezone

    from edudx.core.rules.people import Position
    from edudx.registry import selectors as registry

    from .models import Collection, Use

    ids = list(school_ids)
    since = timezone.now() - dt.timedelta(days=365)
    staff_qs, _order = registry.staff_list(scope=Scope.system())
    teachers = staff_qs.filter(school_id__in=ids, position=Position.TEACHER, status="working").order_by()
    counts = dict(teachers.values("school_id").annotate(n=Count("id")).values_list("school_id", "n"))
    users = set(
        Use.objects.filter(at__gte=since, user__isnull=False)
        .exclude(kind=Use.Kind.VIEW)
        .values_list("user_id", flat=True)
        .distinct()
    )
    users |= set(Collection.objects.filter(school_id__in=ids).values_list("owner_id", flat=True).distinct())
    using: dict[int, int] = {}
    for sid, uid in teachers.filter(user__isnull=False).values_list("school_id", "user_id"):
        if uid in users:
            using[sid] = using.get(sid, 0) + 1
    return {
        sid: (round(100 * using.get(sid, 0) / counts[sid], 1) if counts.get(sid) else None) for sid in ids
    }
