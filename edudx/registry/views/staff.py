"""Staff pages: list, record with assignments and history, create and edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import npgettext

from edudx.core.exports import csv_response, dated
from edudx.core.filters import parse_filter
from edudx.core.rules.curriculum import Subject
from edudx.core.rules.ethnicity import ETHNIC_GROUPS
from edudx.core.rules.people import Position, StaffStatus
from edudx.core.views import ServiceFormView, typed_input

from .. import permissions as perms
from .. import selectors, services
from ..filters import STAFF_SORTS, StaffFilter
from ..forms import StaffForm
from ..models import Staff
from ..schemas import StaffFields, StaffPatch
from .common import (
    email_for,
    history_rows,
    list_page,
    phone_for,
    pid_for,
    school_filter,
    single_pk,
)

EDIT_FIELDS = (
    "full_name", "moet_code", "date_of_birth", "gender", "personal_id", "ethnicity", "position",
    "subjects", "qualification", "phone", "email", "status",
)  # fmt: skip
SUBJECT_LABELS = dict(Subject.choices)


def _filtered(request):
    request.scope.require_any(perms.VIEW_PEOPLE)
    f = parse_filter(StaffFilter, request.GET)
    qs, order = selectors.staff_list(scope=request.scope, filters=f)
    return f, qs, order


def subjects_text(codes) -> str:
    return ", ".join(str(SUBJECT_LABELS.get(c, c)) for c in codes or [])


@login_required
def staff_list(request):
    f, qs, order = _filtered(request)
    scope = request.scope
    return list_page(
        request,
        qs=qs,
        order=order,
        template="registry/staff_list.html",
        table_template="registry/staff_table.html",
        context={
            "filter": f,
            "sorts": STAFF_SORTS,
            **school_filter(scope, f.school),
            "positions": Position.choices,
            "statuses": StaffStatus.choices,
            "can_create": scope.has_perm(perms.CHANGE),
            "exporter": "registry.staff",
        },
        noun=lambda n: npgettext("list total", "staff member", "staff members", n),
    )


@login_required
def staff_export(request):
    """The list as CSV, streamed (see student_export); Excel is a background job."""
    from .. import exporters

    _filtered(request)
    exp = exporters.STAFF
    rows = exp.rows(request.scope, request.GET.dict())
    return csv_response(name=dated(exp.filename, "csv"), headers=exp.headers(), rows=rows)


@login_required
def staff_detail(request, staff_id: int):
    scope = request.scope
    staff = selectors.staff_get(scope=scope, pk=staff_id)
    path = staff.school.unit.path if staff.school_id else None
    show_pii = bool(path) and scope.can(perms.VIEW_PII, path)
    return render(
        request,
        "registry/staff_detail.html",
        {
            "staff": staff,
            "pid": pid_for(staff.personal_id, full=show_pii),
            "phone": phone_for(staff.phone, full=show_pii),
            "email": email_for(staff.email, full=show_pii),
            "ethnicity": ETHNIC_GROUPS.get(staff.ethnicity, staff.ethnicity),
            "subjects": subjects_text(staff.subjects),
            "assignments": list(selectors.staff_assignments(scope=scope, staff=staff)),
            "homerooms": list(selectors.staff_homerooms(scope=scope, staff=staff)),
            "can_change": bool(path) and scope.can(perms.CHANGE, path),
            "history": history_rows(staff, show_pii=show_pii),
        },
    )


class StaffCreate(ServiceFormView[None]):
    form_class = StaffForm
    permission = perms.CHANGE
    template_name = "registry/form.html"
    title = _lazy("New staff member")

    def form_kwargs(self, obj):
        schools = selectors.schools_changeable(scope=self.scope)
        initial = {
            "school": self.request.GET.get("school") or single_pk(schools),
            "position": Position.TEACHER,
            "status": StaffStatus.WORKING,
        }
        return {"initial": initial, "schools": schools}

    def save(self, form, obj):
        data = typed_input(form, StaffFields, form.service_data())
        return services.staff_create(actor=self.actor, school=form.cleaned_data["school"], data=data)

    def success_url(self, saved, obj):
        return reverse("registry:staff_detail", kwargs={"staff_id": saved.pk})

    def context(self, form, obj):
        return {"cancel_url": reverse("registry:staff_list")}


class StaffEdit(ServiceFormView[Staff]):
    form_class = StaffForm
    permission = perms.CHANGE
    pk_kwarg = "staff_id"
    template_name = "registry/form.html"
    title = _lazy("Edit staff member")

    def lookup(self, scope, pk):
        return selectors.staff_get(scope=scope, pk=pk)

    def unit_path(self, staff):
        return staff.school.unit.path if staff.school_id else None

    def form_kwargs(self, staff):
        initial = {k: getattr(staff, k) for k in EDIT_FIELDS} | {"school": staff.school_id}
        return {
            "initial": initial,
            "schools": selectors.schools_changeable(scope=self.scope),
            "editing": True,
        }

    def save(self, form, staff):
        data = typed_input(form, StaffPatch, form.service_data(changed_only=True))
        return services.staff_update(actor=self.actor, staff=staff, data=data)

    def success_url(self, saved, staff):
        return reverse("registry:staff_detail", kwargs={"staff_id": staff.pk})

    def context(self, form, staff):
        return {
            "subject": staff,
            "cancel_url": reverse("registry:staff_detail", kwargs={"staff_id": staff.pk}),
        }


staff_create = StaffCreate.as_view()
staff_edit = StaffEdit.as_view()
