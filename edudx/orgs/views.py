"""The organisation tree browser and groupings. Department administrators rename and move
units here; every change shows in the unit's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import DomainError
from edudx.core.forms import apply_domain_error
from edudx.core.scope import subtree_q

from . import permissions as perms
from . import selectors, services
from .forms import MoveForm, RenameForm


def _move_form(request, unit, data=None) -> MoveForm:
    parents = (
        selectors.unit_list(scope=request.scope)
        .filter(request.scope.filter_q(perms.MANAGE, "path"))
        .exclude(subtree_q(unit.path, "path"))
        .exclude(kind="school")
    )
    return MoveForm(data, parents=parents, initial={"new_parent": unit.parent_id})


@login_required
def unit_tree(request):
    """The top of the caller's part of the tree: the shallowest units they may see."""
    units = list(selectors.unit_list(scope=request.scope).exclude(kind="school")[:500])
    roots = [u for u in units if not any(u.path.startswith(o.path) and u.pk != o.pk for o in units)]
    return render(request, "orgs/unit_tree.html", {"units": units, "roots": roots})


def _unit_page(request, unit, rename=None, move=None, status=200):
    can_manage = request.scope.can(perms.MANAGE, unit.path)
    visible = selectors.unit_list(scope=request.scope)
    ancestors = [a for a in selectors.ancestors(unit) if request.scope.can(perms.VIEW, a.path)]
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": visible.filter(parent=unit),
            "groupings": selectors.grouping_list(scope=request.scope).filter(memberships__unit=unit),
            "history": history.entries_for(unit),
            "can_manage": can_manage,
            "rename": rename or (RenameForm(initial={"name": unit.name}) if can_manage else None),
            "move": move or (_move_form(request, unit) if can_manage and unit.parent_id else None),
        },
        status=status,
    )


@login_required
def unit_detail(request, unit_id: int):
    return _unit_page(request, selectors.unit_get(scope=request.scope, pk=unit_id))


@login_required
@require_POST
def unit_rename(request, unit_id: int):
    unit = selectors.unit_get(scope=request.scope, pk=unit_id)
    request.scope.require(perms.MANAGE, unit.path)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.unit_update(actor=Actor.from_request(request), unit=unit, name=form.cleaned_data["name"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit renamed."))
            return redirect("orgs:unit_detail", unit_id=unit.pk)
    return _unit_page(request, unit, rename=form, status=422)


@login_required
@require_POST
def unit_move(request, unit_id: int):
    unit = selectors.unit_get(scope=request.scope, pk=unit_id)
    request.scope.require(perms.MANAGE, unit.path)
    form = _move_form(request, unit, request.POST)
    if form.is_valid():
        try:
            services.unit_move(
                actor=Actor.from_request(request), unit=unit, new_parent=form.cleaned_data["new_parent"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit moved."))
            return redirect("orgs:unit_detail", unit_id=unit.pk)
    return _unit_page(request, unit, move=form, status=422)


@login_required
def grouping_list(request):
    groupings = selectors.grouping_list(scope=request.scope).order_by("code", "id")[:500]
    return render(request, "orgs/grouping_list.html", {"groupings": groupings})


@login_required
def grouping_detail(request, grouping_id: int):
    grouping = selectors.grouping_get(scope=request.scope, pk=grouping_id)
    # Only the members the caller may see: a cluster can span areas outside their scope.
    members = selectors.unit_list(scope=request.scope).filter(grouping_memberships__grouping=grouping)
    return render(
        request,
        "orgs/grouping_detail.html",
        {"grouping": grouping, "members": members, "history": history.entries_for(grouping)},
    )
