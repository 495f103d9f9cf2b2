"""Class pages: list, roster and assignments, create and edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import npgettext

from edudx.core.exports import export_response
from edudx.core.filters import parse_filter
from edudx.core.ids import parse_id
from edudx.core.views import ServiceFormView, typed_input

from .. import permissions as perms
from .. import selectors, services
from ..filters import CLASS_SORTS, ClassFilter, StaffFilter
from ..forms import ClassForm
from ..models import SchoolClass
from ..schemas import ClassPatch
from .common import (
    history_rows,
    list_page,
    pid_for,
    school_filter,
    single_pk,
)

GRADES = list(range(0, 13))


def _filtered(request):
    f = parse_filter(ClassFilter, request.GET)
    if "year" not in request.GET:
        # By default a list of this year's classes; "year=" empty shows every year.
        year = selectors.current_year()
        f = f.model_copy(update={"year": year.pk if year else None})
    qs, order = selectors.class_list(scope=request.scope, filters=f)
    return f, qs, order


@login_required
def class_list(request):
    f, qs, order = _filtered(request)
    scope = request.scope
    return list_page(
        request,
        qs=qs,
        order=order,
        template="registry/class_list.html",
        table_template="registry/class_table.html",
        context={
            "filter": f,
            "sorts": CLASS_SORTS,
            **school_filter(scope, f.school),
            "years": selectors.year_list(),
            "grades": GRADES,
            "can_create": scope.has_perm(perms.CHANGE),
        },
        noun=lambda n: npgettext("list total", "class", "classes", n),
    )


@login_required
def class_export(request):
    _f, qs, order = _filtered(request)
    rows = (
        (c.school.unit.name, c.school.moet_code, c.year.code, c.grade, c.name,
         c.homeroom_teacher.full_name if c.homeroom_teacher_id else "")
        for c in qs.order_by(*order).iterator(chunk_size=2000)
    )  # fmt: skip
    headers = [_("School"), _("MOET code"), _("School year"), _("Grade"), _("Class"), _("Homeroom teacher")]
    return export_response(request, name="classes", headers=headers, rows=rows)


@login_required
def class_detail(request, class_id: int):
    scope = request.scope
    klass = selectors.class_get(scope=scope, pk=class_id)
    path = klass.school.unit.path
    can_people = scope.can(perms.VIEW_PEOPLE, path)
    show_pii = scope.can(perms.VIEW_PII, path)
    roster = []
    assignments = []
    if can_people:
        roster = [
            {"enrolment": e, "student": e.student, "pid": pid_for(e.student.personal_id, full=show_pii)}
            for e in selectors.class_roster(scope=scope, school_class=klass)
        ]
        assignments = list(selectors.class_assignments(scope=scope, school_class=klass))
    return render(
        request,
        "registry/class_detail.html",
        {
            "klass": klass,
            "roster": roster,
            "assignments": assignments,
            "can_people": can_people,
            "can_change": scope.can(perms.CHANGE, path),
            "history": history_rows(klass, show_pii=False),
        },
    )


def _teachers(scope, school_id):
    if not school_id:
        return selectors.staff_list(scope=scope, filters=StaffFilter())[0].none()
    qs, order = selectors.staff_list(scope=scope, filters=StaffFilter(school=school_id))
    return qs.order_by(*order)


class ClassCreate(ServiceFormView[None]):
    form_class = ClassForm
    permission = perms.CHANGE
    template_name = "registry/form.html"
    title = _lazy("New class")

    def form_kwargs(self, obj):
        request = self.request
        schools = selectors.schools_changeable(scope=self.scope)
        school_id = request.POST.get("school") or request.GET.get("school") or single_pk(schools)
        year = selectors.current_year()
        return {
            "initial": {"year": year.pk if year else None, **request.GET.dict(), "school": school_id},
            "schools": schools,
            "years": selectors.year_list(),
            "teachers": _teachers(self.scope, parse_id(school_id)),
        }

    def save(self, form, obj):
        d = form.cleaned_data
        return services.class_create(
            actor=self.actor,
            school=d["school"],
            year=d["year"],
            grade=d["grade"],
            name=d["name"],
            homeroom_teacher=d["homeroom_teacher"],
        )

    def success_url(self, saved, obj):
        return reverse("registry:class_detail", kwargs={"class_id": saved.pk})

    def context(self, form, obj):
        # The homeroom teacher's choices follow the chosen school.
        return {"cancel_url": reverse("registry:class_list"), "reload_field": "school"}


class ClassEdit(ServiceFormView[SchoolClass]):
    form_class = ClassForm
    permission = perms.CHANGE
    pk_kwarg = "class_id"
    template_name = "registry/form.html"
    title = _lazy("Edit class")

    def lookup(self, scope, pk):
        return selectors.class_get(scope=scope, pk=pk)

    def unit_path(self, klass):
        return klass.school.unit.path

    def form_kwargs(self, klass):
        initial = {
            "school": klass.school_id,
            "year": klass.year_id,
            "grade": klass.grade,
            "name": klass.name,
            "homeroom_teacher": klass.homeroom_teacher_id,
        }
        return {
            "initial": initial,
            "schools": selectors.schools_changeable(scope=self.scope),
            "years": selectors.year_list(),
            "teachers": _teachers(self.scope, klass.school_id),
            "editing": True,
        }

    def save(self, form, klass):
        d = form.cleaned_data
        teacher = d["homeroom_teacher"]
        values = {"grade": d["grade"], "name": d["name"], "homeroom_teacher": teacher.pk if teacher else None}
        return services.class_update(
            actor=self.actor, school_class=klass, data=typed_input(form, ClassPatch, values)
        )

    def success_url(self, saved, klass):
        return reverse("registry:class_detail", kwargs={"class_id": klass.pk})

    def context(self, form, klass):
        return {
            "subject": klass,
            "cancel_url": reverse("registry:class_detail", kwargs={"class_id": klass.pk}),
        }


class_create = ClassCreate.as_view()
class_edit = ClassEdit.as_view()
