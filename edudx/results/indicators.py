"""Results indicators offered to the monitoring module as automatic evidence.

4725 criterion II.3 sub-item c asks whether the school keeps an electronic score book and
transcript ("Sổ điểm điện tử, học bạ điện tử"): evidenced here by the score books its
school-management software exported into the platform this school year — the share of the
school's classes of the current year whose results (at least one semester) are imported.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from edudx.core.indicators import indicator
from edudx.registry import selectors as registry

from .models import ClassTerm


@indicator(
    code="results.scorebook_share",
    name=_("Classes whose electronic score book was imported this school year"),
    unit="percent",
    formula=_(
        "Classes of the current school year whose score book (at least one semester) was imported from "
        "the school-management software ÷ classes of the school in the current school year × 100"
    ),
    freshness=_("Learning results imported into the platform, live (one note per class and semester)"),
    criteria=("4725:II.3",),
)
def scorebook_share(school_ids: Iterable[int]) -> dict[int, float | None]:
    ids = list(school_ids)
    year = registry.current_year()
    if year is None:
        return dict.fromkeys(ids)
    classes = {sid: sum(g.values()) for sid, g in registry.class_counts_by_grade(ids, year=year).items()}
    kept = dict(
        ClassTerm.objects.filter(school_id__in=ids, school_class__year=year)
        .order_by()
        .values("school_id")
        .annotate(n=Count("school_class_id", distinct=True))
        .values_list("school_id", "n")
    )
    return {
        sid: (round(100.0 * kept.get(sid, 0) / classes[sid], 1) if classes.get(sid) else None) for sid in ids
    }
