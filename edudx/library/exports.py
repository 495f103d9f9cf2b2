"""The library's spreadsheet of learning materials (search results, a contributor's own list),
written by `core.exports`: the one formula guard, numbers (uses, rating) kept as numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from edudx.core.exports import xlsx_response

if TYPE_CHECKING:
    from .models import Resource

# The most rows one download holds (the page's filters narrow a bigger list).
EXPORT_LIMIT = 5000


def headers() -> list[str]:
    return [
        _("Title"), _("Subject"), _("Grades"), _("Type"), _("Textbook series"), _("Licence"), _("Authors"),
        _("School"), _("State"), _("Uses"), _("Rating"),
    ]  # fmt: skip


def row(r: Resource) -> tuple[Any, ...]:
    return (
        r.title, r.get_subject_display(), ", ".join(map(str, r.grades)), r.get_resource_type_display(),
        r.get_series_display(), r.licence, r.authors, r.school.name, r.get_state_display(), r.use_count,
        r.rating,
    )  # fmt: skip


def resources_xlsx(resources: Iterable[Resource], filename: str) -> HttpResponse:
    return xlsx_response(
        name=filename,
        headers=headers(),
        rows=(row(r) for r in resources),
        sheet=_("Learning materials"),
    )
