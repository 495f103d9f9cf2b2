"""What every registry page shares: filter parsing, list pages with cursor pagination,
history rows (exports use core.exports), and mapping domain errors
onto form fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from edudx.core import history, scoped_figures
from edudx.core.errors import NotFound
from edudx.core.models import HistoryEntry
from edudx.core.pagination import paginate
from edudx.core.rules.dates import format_vn
from edudx.core.rules.personal_id import mask, mask_email, mask_phone
from edudx.core.search import page_ids_first

from .. import permissions as perms
from .. import selectors
from ..filters import SchoolFilter

PAGE_SIZE = 50
SEARCH_COUNT_CAP = 1_000
# A school filter lists the schools as a drop-down up to this many; a department-wide scope
# (3,500 schools) reaches one school's records from the school's page instead.
SCHOOL_SELECT_MAX = 300


def school_filter(scope, current: int | None) -> dict[str, Any]:
    """Context for a list's school filter: the choices, or only the chosen school when the
    scope holds too many schools for a drop-down."""
    qs, order = selectors.school_list(scope=scope, filters=SchoolFilter())
    # The same choices for every user of a scope: read once per minute (core.scoped_figures).
    options = scoped_figures.get(
        "registry.school_choices",
        scoped_figures.scope_key(scope),
        lambda: list(qs.order_by(*order)[: SCHOOL_SELECT_MAX + 1]),
        aggregates_read=(),
    )
    if len(options) <= SCHOOL_SELECT_MAX:
        return {"schools": options, "chosen_school": None}
    chosen = None
    if current:
        try:
            chosen = selectors.school_get(scope=scope, pk=current)
        except NotFound:
            chosen = None
    return {"schools": None, "chosen_school": chosen}


def pid_for(value: str | None, *, full: bool) -> str:
    return (value or "") if full else mask(value)


def email_for(value: str | None, *, full: bool) -> str:
    return (value or "") if full else mask_email(value)


def phone_for(value: str | None, *, full: bool) -> str:
    return (value or "") if full else mask_phone(value)


def list_page(
    request: HttpRequest,
    *,
    qs: QuerySet,
    order: tuple[str, ...],
    template: str,
    table_template: str,
    context: dict[str, Any],
    noun: Callable[[int], str] | None = None,
    count_qs: QuerySet | None = None,
    search_count: Callable[[int], int | None] | None = None,
) -> HttpResponse:
    """One page of the list and its total ("1.234 học sinh": `noun(n)` says what is counted).
    Each row of people carries `pii_visible`: personal data is shown in full only where the
    reader holds registry.view_pii over that row's school — a reader may hold it at one school
    and only see another (a principal who also leads a cluster). `count_qs`: the same rows
    planned for a capped count (a name search's selectors, `counting=True`); `search_count(cap)`:
    that count from the name index alone where it is the list's, else None."""
    # On PostgreSQL a search's page ids come first, then its rows (core.pagination): a broad
    # name search walks the list's covering index testing each name and reads only the
    # page's rows (core.search.names.page_ids_first).
    searching = bool(request.GET.get("q"))
    page = paginate(
        qs,
        order=order,
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_SIZE,
        ids_first=searching and page_ids_first(),
    )
    scope = request.scope  # type: ignore[attr-defined]
    for row in page.items:
        if hasattr(row, "personal_id"):
            school = getattr(row, "school", None)
            row.pii_visible = school is not None and scope.can(perms.VIEW_PII, school.unit.path)
    # A name search counts its matches up to SEARCH_COUNT_CAP ("more than 1,000 students"):
    # "nguyen van" matches 82,000 pupils of a city, and counting them all costs more than the
    # page (core.search.names).
    more = False
    if searching:
        total = search_count(SEARCH_COUNT_CAP) if search_count is not None else None
        if total is None:
            counted = count_qs if count_qs is not None else qs
            total = counted.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count()
        more, total = total > SEARCH_COUNT_CAP, min(total, SEARCH_COUNT_CAP)
    else:
        # A list's total over a scope (2.5 M pupils for the department) is the same for every
        # user of the scope and filter: counted once per change of the registry's maintained
        # figures (web.home: pupils, staff, classes per school) and at least once a minute.
        filters = tuple(sorted((k, tuple(v)) for k, v in request.GET.lists() if k != "cursor"))
        total = scoped_figures.get(
            "registry.list_total",
            (scoped_figures.scope_key(scope), request.path, filters),
            qs.count,
            aggregates_read=["web.home"],
        )
    ctx = {
        **context,
        "page": page,
        "table_template": table_template,
        "total": total,
        "total_more": more,
        "total_label": noun(total) if noun else npgettext("list total", "row", "rows", total),
    }
    # htmx asks for the table only (live search); a plain GET gets the whole page.
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, table_template, ctx)
    return render(request, template, ctx)


# ----- history
_MASKED_FIELDS = {"personal_id": mask}


def history_rows(obj, *, show_pii: bool, also: tuple = ()) -> list[dict[str, Any]]:
    """History entries of `obj` ready for the page: field label and before → after, with
    personal IDs and parents' phones masked for readers without registry.view_pii."""
    actions = dict(HistoryEntry.Action.choices)
    vias = {
        "ui": _("web page"),
        "api": _("API"),
        "import": _("import"),
        "cli": _("command line"),
        "system": _("system"),
    }
    entries = history.entries_for(obj)
    if also:
        # e.g. a school's unit: its renames and moves belong to the school's story.
        entries = sorted(
            [*entries, *(e for other in also for e in history.entries_for(other))],
            key=lambda e: (e.at, e.pk),
            reverse=True,
        )
    school_ids = {v for e in entries for v in (e.changes or {}).get("school", []) if isinstance(v, int)}
    schools = selectors.school_names(pks=sorted(school_ids)) if school_ids else {}
    rows = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class() or type(obj)
        label = field_labeller(model)
        changes = []
        for field, pair in (entry.changes or {}).items():
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            if field == "school":
                before, after = schools.get(before, before), schools.get(after, after)
            choices = _choices(model, field)
            if choices:
                before, after = choices.get(before, before), choices.get(after, after)
            if not show_pii and field == "personal_id":
                before, after = mask(before), mask(after)
            elif not show_pii and field == "parent_phone":
                before, after = phone_for(before, full=False), phone_for(after, full=False)
            changes.append(
                {
                    "field": label(field),
                    "before": _show(before),
                    "after": _show(after),
                }
            )
        rows.append(
            {
                "entry": entry,
                "action": actions.get(entry.action, entry.action),
                "via": vias.get(entry.via, entry.via),
                "changes": changes,
            }
        )
    return rows


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_vn(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _choices(model, name: str) -> dict[Any, Any]:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - history may name fields that no longer exist
        return {}
    return dict(field.choices) if getattr(field, "choices", None) else {}


def field_labeller(model) -> Callable[[str], str]:
    extra = {"class": _("Class"), "school": _("School"), "import_row": _("Row in the imported file")}

    def label(name: str) -> str:
        if name in extra:
            return str(extra[name])
        try:
            return str(model._meta.get_field(name).verbose_name).capitalize()
        except Exception:  # noqa: BLE001 - history may name fields that no longer exist
            return name

    return label


# ----- forms
def single_pk(qs) -> int | None:
    """The one choice when there is exactly one (a principal's own school), else None."""
    pks = list(qs.values_list("pk", flat=True)[:2])
    return pks[0] if len(pks) == 1 else None
