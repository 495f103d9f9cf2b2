"""School pages: list, profile, register and edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, PermissionDenied
from edudx.core.exports import export_response
from edudx.core.filters import parse_filter
from edudx.core.forms import apply_domain_error
from edudx.core.rules.levels import Level, Ownership
from edudx.orgs import selectors as orgs

from .. import permissions as perms
from .. import selectors, services
from ..filters import SCHOOL_SORTS, ClassFilter, SchoolFilter
from ..forms import SchoolForm
from .common import history_rows, list_page


def _filtered(request):
    f = parse_filter(SchoolFilter, request.GET)
    qs, order = selectors.school_list(scope=request.scope, filters=f)
    return f, qs, order


@login_required
def school_list(request):
    f, qs, order = _filtered(request)
    scope = request.scope
    return list_page(
        request,
        qs=qs,
        order=order,
        template="registry/school_list.html",
        table_template="registry/school_table.html",
        context={
            "filter": f,
            "sorts": SCHOOL_SORTS,
            "levels": Level.choices,
            "ownerships": Ownership.choices,
            "areas": orgs.area_list(scope=scope),
            "groupings": orgs.grouping_list(scope=scope).order_by("name"),
            # Registering a school needs the right to change a ward/commune, not just a school.
            "can_create": scope.has_perm(perms.CHANGE) and _parents(scope).exists(),
        },
        noun=lambda n: npgettext("list total", "school", "schools", n),
    )


@login_required
def school_export(request):
    _f, qs, order = _filtered(request)
    rows = (
        (s.moet_code, s.unit.name, s.get_level_display(), s.get_ownership_display(),
         s.unit.parent.name if s.unit.parent_id else "", s.address, s.phone, s.email)
        for s in qs.order_by(*order).iterator(chunk_size=2000)
    )  # fmt: skip
    headers = [_("MOET code"), _("School name"), _("School level"), _("Ownership"),
               _("Ward/commune"), _("Address"), _("Phone"), _("Email")]  # fmt: skip
    return export_response(request, name="schools", headers=headers, rows=rows)


@login_required
def school_detail(request, school_id: int):
    scope = request.scope
    school = selectors.school_get(scope=scope, pk=school_id)
    year = selectors.current_year()
    classes = []
    if year:
        classes_qs, order = selectors.class_list(
            scope=scope, filters=ClassFilter(school=school.pk, year=year.pk)
        )
        classes = list(classes_qs.order_by(*order))
    return render(
        request,
        "registry/school_detail.html",
        {
            "school": school,
            "year": year,
            "groupings": selectors.school_groupings(school),
            "classes": classes,
            "counts": selectors.school_counts(scope=scope, school=school),
            "can_change": scope.can(perms.CHANGE, school.unit.path),
            "can_people": scope.can(perms.VIEW_PEOPLE, school.unit.path),
            "history": history_rows(school, show_pii=False, also=(school.unit,)),
        },
    )


def _parents(scope):
    areas = orgs.area_list(scope=scope)
    allowed = [a.pk for a in areas if scope.can(perms.CHANGE, a.path)]
    return areas.filter(pk__in=allowed)


@login_required
def school_create(request):
    scope = request.scope
    parents = _parents(scope)
    if not parents.exists():
        raise PermissionDenied()
    form = SchoolForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            school = services.school_register(
                actor=Actor.from_request(request),
                parent=d["parent"],
                moet_code=d["moet_code"].strip(),
                name=d["name"],
                data={k: d[k] for k in ("level", "ownership", "address", "phone", "email")},
            )
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"code": "moet_code"})
        else:
            return redirect("registry:school_detail", school_id=school.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("Register a school"), "cancel_url": reverse("registry:school_list")},
    )


@login_required
def school_edit(request, school_id: int):
    scope = request.scope
    school = selectors.school_get(scope=scope, pk=school_id)
    scope.require(perms.CHANGE, school.unit.path)
    initial = {
        "name": school.unit.name,
        "moet_code": school.moet_code,
        "parent": school.unit.parent_id,
        **{k: getattr(school, k) for k in ("level", "ownership", "address", "phone", "email")},
    }
    parents = _parents(scope) | orgs.area_list(scope=scope).filter(pk=school.unit.parent_id)
    form = SchoolForm(request.POST or None, initial=initial, parents=parents.distinct(), editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.school_update(
                actor=Actor.from_request(request),
                school=school,
                name=d["name"],
                parent=d["parent"],
                data={k: d[k] for k in ("level", "ownership", "address", "phone", "email")},
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("registry:school_detail", school_id=school.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("Edit school"), "subject": school, "cancel_url": _detail_url(school)},
    )


def _detail_url(school):
    return reverse("registry:school_detail", kwargs={"school_id": school.pk})
