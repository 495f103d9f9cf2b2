"""Frameworks: read the tree, clone for a new year, correct it (administrators)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core import indicators as core_indicators
from edudx.core.errors import DomainError
from edudx.core.views import InputRefused, typed_input

from .. import permissions as perms
from .. import selectors, services
from ..forms import CloneForm, CriterionForm, FrameworkForm, GroupForm, SubItemForm
from ..schemas import CriterionIn, FrameworkIn, GroupIn, SubItemIn
from .common import actor, flash_error


@login_required
def framework_list(request):
    frameworks = selectors.framework_list(scope=request.scope)
    return render(
        request,
        "monitoring/framework_list.html",
        {
            "frameworks": frameworks,
            "can_manage": request.scope.has_perm(perms.MANAGE_FRAMEWORKS),
        },
    )


@login_required
def framework_detail(request, framework_id: int):
    fw = selectors.framework_get(scope=request.scope, pk=framework_id)
    groups = selectors.framework_groups(fw)
    can_manage = request.scope.has_perm(perms.MANAGE_FRAMEWORKS)
    editable = can_manage and selectors.framework_editable(fw)
    rows = []
    for g in groups:
        crits = []
        for c in g.criteria.all():
            crits.append({"c": c, "indicators": selectors.criterion_indicators(fw, c)})
        rows.append({"g": g, "criteria": crits})
    return render(
        request,
        "monitoring/framework_detail.html",
        {
            "fw": fw,
            "groups": rows,
            "problems": selectors.framework_problems(fw, groups),
            "coverage": selectors.automatic_coverage(fw, groups),
            "scoring": selectors.scoring_coverage(fw),
            "can_manage": can_manage,
            "editable": editable,
            "form": FrameworkForm(instance=fw) if can_manage else None,
            "clone_form": CloneForm(initial={"year": fw.year + 1}),
            "indicators": core_indicators.all_indicators(),
        },
    )


def _model_data(form, fields):
    return {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data}


@login_required
@require_POST
def framework_edit(request, framework_id: int):
    fw = selectors.framework_get(scope=request.scope, pk=framework_id)
    form = FrameworkForm(request.POST, instance=_copy(fw))
    if form.is_valid():
        try:
            data = typed_input(form, FrameworkIn, _changed(fw, _model_data(form, services.FRAMEWORK_FIELDS)))
            services.framework_update(actor=actor(request), framework=fw, data=data)
            messages.success(request, _("Framework saved."))
        except InputRefused:
            messages.error(request, _("Check the fields: %(e)s") % {"e": form.errors.as_text()})
        except DomainError as exc:
            flash_error(request, exc)
    else:
        messages.error(request, _("Check the fields: %(e)s") % {"e": form.errors.as_text()})
    return redirect("monitoring:framework_detail", framework_id=fw.pk)


def _copy(obj):  # a ModelForm must not mutate the object the service diffs
    from copy import copy

    return copy(obj)


def _changed(obj, data):
    return {k: v for k, v in data.items() if getattr(obj, k) != v}


@login_required
@require_POST
def framework_clone(request, framework_id: int):
    fw = selectors.framework_get(scope=request.scope, pk=framework_id)
    form = CloneForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("monitoring:framework_detail", framework_id=fw.pk)
    try:
        clone = services.framework_clone(actor=actor(request), framework=fw, year=form.cleaned_data["year"])
    except DomainError as exc:
        flash_error(request, exc)
        return redirect("monitoring:framework_detail", framework_id=fw.pk)
    messages.success(
        request, _("Cloned for %(year)s. Correct it below, then use it in a campaign.") % {"year": clone.year}
    )
    return redirect("monitoring:framework_detail", framework_id=clone.pk)


def _form_page(request, title, form, fw, delete_url=None):
    return render(
        request,
        "monitoring/framework_form.html",
        {"title": title, "form": form, "fw": fw, "delete_url": delete_url},
    )


def _clean_bands(form):
    bands = form.cleaned_data.get("bands")
    if isinstance(bands, str):
        try:
            bands = json.loads(bands or "[]")
        except ValueError:
            bands = []
    return bands or []


@login_required
def group_edit(request, group_id: int):
    group = selectors.group_get(scope=request.scope, pk=group_id)
    request.scope.require_any(perms.MANAGE_FRAMEWORKS)
    form = GroupForm(request.POST or None, instance=_copy(group))
    if request.method == "POST" and form.is_valid():
        try:
            data = typed_input(form, GroupIn, _changed(group, _model_data(form, services.GROUP_FIELDS)))
            services.group_update(actor=actor(request), group=group, data=data)
            messages.success(request, _("Group saved."))
            return redirect("monitoring:framework_detail", framework_id=group.framework_id)
        except InputRefused:
            pass
        except DomainError as exc:
            flash_error(request, exc)
    return _form_page(request, _("Group %(code)s") % {"code": group.code}, form, group.framework)


@login_required
def criterion_create(request, group_id: int):
    group = selectors.group_get(scope=request.scope, pk=group_id)
    request.scope.require_any(perms.MANAGE_FRAMEWORKS)
    form = CriterionForm(request.POST or None, initial={"order": group.criteria.count() + 1})
    if request.method == "POST" and form.is_valid():
        data = _model_data(form, services.CRITERION_FIELDS)
        data["bands"] = _clean_bands(form)
        try:
            services.criterion_create(
                actor=actor(request), group=group, data=typed_input(form, CriterionIn, data)
            )
            messages.success(request, _("Criterion added."))
            return redirect("monitoring:framework_detail", framework_id=group.framework_id)
        except InputRefused:
            pass
        except DomainError as exc:
            flash_error(request, exc)
    return _form_page(
        request, _("New criterion in group %(code)s") % {"code": group.code}, form, group.framework
    )


@login_required
def criterion_edit(request, criterion_id: int):
    crit = selectors.criterion_get(scope=request.scope, pk=criterion_id)
    request.scope.require_any(perms.MANAGE_FRAMEWORKS)
    form = CriterionForm(request.POST or None, instance=_copy(crit))
    if request.method == "POST" and form.is_valid():
        data = _model_data(form, services.CRITERION_FIELDS)
        data["bands"] = _clean_bands(form)
        try:
            services.criterion_update(
                actor=actor(request),
                criterion=crit,
                data=typed_input(form, CriterionIn, _changed(crit, data)),
            )
            messages.success(request, _("Criterion saved."))
            return redirect("monitoring:framework_detail", framework_id=crit.group.framework_id)
        except InputRefused:
            pass
        except DomainError as exc:
            flash_error(request, exc)
    fw = crit.group.framework
    return render(
        request,
        "monitoring/criterion_form.html",
        {
            "title": f"{crit.code} {crit.name}",
            "form": form,
            "fw": fw,
            "crit": crit,
            "subitems": crit.subitems.all(),
            "sub_form": SubItemForm(initial={"order": crit.subitems.count() + 1}),
        },
    )


@login_required
@require_POST
def criterion_delete(request, criterion_id: int):
    crit = selectors.criterion_get(scope=request.scope, pk=criterion_id)
    fw_id = crit.group.framework_id
    try:
        services.criterion_delete(actor=actor(request), criterion=crit)
        messages.success(request, _("Criterion removed."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("monitoring:framework_detail", framework_id=fw_id)


@login_required
@require_POST
def subitem_create(request, criterion_id: int):
    crit = selectors.criterion_get(scope=request.scope, pk=criterion_id)
    form = SubItemForm(request.POST)
    if form.is_valid():
        try:
            data = typed_input(form, SubItemIn, _model_data(form, services.SUBITEM_FIELDS))
            services.subitem_create(actor=actor(request), criterion=crit, data=data)
            messages.success(request, _("Sub-item added."))
        except InputRefused:
            messages.error(request, form.errors.as_text())
        except DomainError as exc:
            flash_error(request, exc)
    else:
        messages.error(request, form.errors.as_text())
    return redirect("monitoring:criterion_edit", criterion_id=crit.pk)


@login_required
def subitem_edit(request, subitem_id: int):
    item = selectors.subitem_get(scope=request.scope, pk=subitem_id)
    request.scope.require_any(perms.MANAGE_FRAMEWORKS)
    form = SubItemForm(request.POST or None, instance=_copy(item))
    if request.method == "POST":
        if request.POST.get("delete"):
            try:
                services.subitem_delete(actor=actor(request), subitem=item)
                messages.success(request, _("Sub-item removed."))
            except DomainError as exc:
                flash_error(request, exc)
            return redirect("monitoring:criterion_edit", criterion_id=item.criterion_id)
        if form.is_valid():
            try:
                data = typed_input(
                    form, SubItemIn, _changed(item, _model_data(form, services.SUBITEM_FIELDS))
                )
                services.subitem_update(actor=actor(request), subitem=item, data=data)
                messages.success(request, _("Sub-item saved."))
                return redirect("monitoring:criterion_edit", criterion_id=item.criterion_id)
            except InputRefused:
                pass
            except DomainError as exc:
                flash_error(request, exc)
    return _form_page(
        request, _("Sub-item %(code)s") % {"code": item.code}, form, item.criterion.group.framework
    )
