"""Student pages: list, record with enrolments and history, create, edit, status, transfer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import npgettext

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, PermissionDenied
from edudx.core.exports import csv_response, dated
from edudx.core.filters import parse_filter
from edudx.core.forms import apply_domain_error
from edudx.core.ids import parse_id
from edudx.core.rules.ethnicity import ETHNIC_GROUPS
from edudx.core.rules.people import Gender, StudentStatus
from edudx.core.views import ServiceFormView, typed_input

from .. import permissions as perms
from .. import selectors, services
from ..filters import STUDENT_SORTS, ClassFilter, SchoolFilter, StudentFilter
from ..forms import StudentForm, StudentStatusForm, TransferForm
from ..models import Student
from ..schemas import StudentFields, StudentPatch
from .common import (
    history_rows,
    list_page,
    phone_for,
    pid_for,
    school_filter,
    single_pk,
)

EDIT_FIELDS = (
    "full_name", "moet_code", "date_of_birth", "gender", "personal_id", "ethnicity", "disability",
    "father_name", "mother_name", "guardian_name", "parent_phone", "address", "place_of_birth",
)  # fmt: skip


def _filtered(request):
    scope = request.scope
    if not (scope.has_perm(perms.VIEW_PEOPLE) or scope.has_perm(perms.VIEW_SELF)):
        raise PermissionDenied()
    f = parse_filter(StudentFilter, request.GET)
    qs, order = selectors.student_list(scope=request.scope, filters=f)
    return f, qs, order


def _school_choices(scope):
    qs, order = selectors.school_list(scope=scope, filters=SchoolFilter())
    return qs.order_by(*order)


def _class_choices(scope, school_id):
    year = selectors.current_year()
    if not school_id or year is None:
        return []
    qs, order = selectors.class_list(scope=scope, filters=ClassFilter(school=school_id, year=year.pk))
    return list(qs.order_by(*order))


@login_required
def student_list(request):
    f, qs, order = _filtered(request)
    scope = request.scope
    return list_page(
        request,
        qs=qs,
        order=order,
        count_qs=selectors.student_list(scope=scope, filters=f, counting=True)[0] if f.q else None,
        search_count=lambda cap: selectors.student_match_count(scope=scope, filters=f, cap=cap),
        template="registry/student_list.html",
        table_template="registry/student_table.html",
        context={
            "filter": f,
            "sorts": STUDENT_SORTS,
            **school_filter(scope, f.school),
            "classes": _class_choices(scope, f.school),
            "grades": list(range(0, 13)),
            "genders": Gender.choices,
            "statuses": StudentStatus.choices,
            "can_create": scope.has_perm(perms.CHANGE),
            "exporter": "registry.students",
        },
        noun=lambda n: npgettext("list total", "student", "students", n),
    )


@login_required
def student_export(request):
    """The list as CSV, streamed as the client reads it (any size, memory flat), in the list's
    order and filters, masked as the list. Excel is a background job (the list's form posts to
    exports:job_start with the same exporter)."""
    from .. import exporters

    _filtered(request)  # who may export, as who may list
    exp = exporters.STUDENTS
    rows = exp.rows(request.scope, request.GET.dict())
    return csv_response(name=dated(exp.filename, "csv"), headers=exp.headers(), rows=rows)


@login_required
def student_detail(request, student_id: int):
    scope = request.scope
    student = selectors.student_get(scope=scope, pk=student_id)
    path = student.school.unit.path if student.school_id else None
    show_pii = bool(path) and scope.can(perms.VIEW_PII, path)
    enrolments = list(selectors.student_enrolments(scope=scope, student=student))
    return render(
        request,
        "registry/student_detail.html",
        {
            "student": student,
            "pid": pid_for(student.personal_id, full=show_pii),
            "parent_phone": phone_for(student.parent_phone, full=show_pii),
            "ethnicity": ETHNIC_GROUPS.get(student.ethnicity, student.ethnicity),
            "show_pii": show_pii,
            "enrolments": enrolments,
            "current": next((e for e in enrolments if e.state == "active"), None),
            "can_change": bool(path) and scope.can(perms.CHANGE, path),
            "history": history_rows(student, show_pii=show_pii),
        },
    )


class StudentCreate(ServiceFormView[None]):
    form_class = StudentForm
    permission = perms.CHANGE
    template_name = "registry/form.html"
    title = _lazy("New student")

    def form_kwargs(self, obj):
        schools = selectors.schools_changeable(scope=self.scope)
        return {
            "initial": {"school": self.request.GET.get("school") or single_pk(schools)},
            "schools": schools,
        }

    def save(self, form, obj):
        data = typed_input(form, StudentFields, form.service_data())
        return services.student_create(actor=self.actor, school=form.cleaned_data["school"], data=data)

    def success_url(self, saved, obj):
        return _url(saved)

    def context(self, form, obj):
        return {"cancel_url": reverse("registry:student_list")}


def _changeable(request, student_id):
    scope = request.scope
    student = selectors.student_get(scope=scope, pk=student_id)
    scope.require(perms.CHANGE, student.school.unit.path if student.school_id else None)
    return student


class StudentEdit(ServiceFormView[Student]):
    form_class = StudentForm
    permission = perms.CHANGE
    pk_kwarg = "student_id"
    template_name = "registry/form.html"
    title = _lazy("Edit student")

    def lookup(self, scope, pk):
        return selectors.student_get(scope=scope, pk=pk)

    def unit_path(self, student):
        return student.school.unit.path if student.school_id else None

    def form_kwargs(self, student):
        initial = {k: getattr(student, k) for k in EDIT_FIELDS} | {"school": student.school_id}
        return {
            "initial": initial,
            "schools": selectors.schools_changeable(scope=self.scope),
            "editing": True,
        }

    def save(self, form, student):
        data = typed_input(form, StudentPatch, form.service_data(changed_only=True))
        return services.student_update(actor=self.actor, student=student, data=data)

    def success_url(self, saved, student):
        return _url(student)

    def context(self, form, student):
        return {"subject": student, "cancel_url": _url(student)}


student_create = StudentCreate.as_view()
student_edit = StudentEdit.as_view()


@login_required
def student_status(request, student_id: int):
    student = _changeable(request, student_id)
    form = StudentStatusForm(
        request.POST or None, initial={"status": student.status, "on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.student_set_status(
                actor=Actor.from_request(request),
                student=student,
                status=d["status"],
                on=d["on"],
                note=d["note"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("registry:student_detail", student_id=student.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": _("Change status"), "subject": student, "cancel_url": _url(student)},
    )


@login_required
def student_transfer(request, student_id: int):
    scope = request.scope
    student = _changeable(request, student_id)
    data = request.POST or None
    raw_school = (request.POST.get("to_school") or request.GET.get("to_school") or "").strip()
    school_id = parse_id(raw_school) or student.school_id
    classes = _class_choices(scope, school_id)
    form = TransferForm(
        data,
        initial={"on": timezone.localdate(), **request.GET.dict(), "to_school": school_id},
        schools=_school_choices(scope),
        classes=selectors.class_list(scope=scope, filters=ClassFilter())[0].filter(
            pk__in=[c.pk for c in classes]
        ),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.enrolment_transfer(
                actor=Actor.from_request(request),
                student=student,
                to_class=d["to_class"],
                on=d["on"],
                note=d["note"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("registry:student_detail", student_id=student.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "title": _("Transfer"),
            "subject": student,
            "cancel_url": _url(student),
            "reload_field": "to_school",
            "help": _(
                "Moving a student to another school changes both schools' records: only a user "
                "who may change both schools can do it."
            ),
        },
    )


def _url(student):
    return reverse("registry:student_detail", kwargs={"student_id": student.pk})
