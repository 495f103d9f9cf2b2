"""Pupils' competence levels (issue #16 item 5): the counts per unit (every skills reader) and a
class's entry page (the teachers and the principal of the pupil's school only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from pydantic import ValidationError

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied
from edudx.registry import selectors as registry

from .. import permissions as perms
from ..schemas import PupilLevelEntry, PupilLevelsIn
from ..selectors import pupils as pupil_selectors
from ..services import pupils as pupil_services
from . import _area, _int


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    year = registry.current_year()
    comps = pupil_selectors.learner_competences()
    chosen = _int(request.GET.get("competence"))
    competence_id = chosen if chosen in {c.pk for c in comps} else None
    area, area_name = _area(request)
    data = pupil_selectors.counts(
        scope=scope, school_year=year.code if year else "", area=area, competence_id=competence_id
    )
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.export_response(
            request,
            name="nang-luc-so-hoc-sinh",
            headers=[
                _("Unit"),
                _("Competence"),
                _("Assessed"),
                _("At the grade band's level"),
                *data["levels"],
            ],
            rows=(
                [
                    r["unit"],
                    r["competence"],
                    r["assessed"],
                    r["at_band"],
                    *(r["by_level"].get(c, 0) for c in data["levels"]),
                ]
                for r in data["rows"]
            ),
        )
    rows = [
        {
            **r,
            "cells": [r["by_level"].get(c, 0) for c in data["levels"]],
            "share": round(100 * r["at_band"] / r["assessed"]) if r["assessed"] else 0,
        }
        for r in data["rows"]
    ]
    return render(
        request,
        "skills/pupils.html",
        {
            "year": year,
            "rows": rows,
            "levels": data["levels"],
            "competences": comps,
            "competence_id": competence_id,
            "area": area,
            "area_name": area_name,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def class_levels(request: HttpRequest, class_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    school_class = registry.class_get(scope=actor.scope, pk=class_id)
    actor.scope.require(perms.ASSESS_PUPILS, school_class.school.unit.path)
    comps = pupil_selectors.learner_competences()
    if not comps:
        raise NotFound()
    chosen = _int(request.GET.get("competence") or request.POST.get("competence"))
    competence = next((c for c in comps if c.pk == chosen), comps[0])
    levels = pupil_selectors.school_levels(competence.framework_id)
    if request.method == "POST":
        rows = pupil_selectors.class_levels(
            scope=actor.scope, school_class=school_class, competence=competence
        )
        try:
            data = PupilLevelsIn(
                competence_id=competence.pk,
                default_level_id=_int(request.POST.get("default_level")),
                levels=[
                    PupilLevelEntry(
                        student_id=r["student_id"],
                        level_id=_int(request.POST.get(f"level_{r['student_id']}")),
                    )
                    for r in rows
                    if f"level_{r['student_id']}" in request.POST
                    and request.POST.get(f"level_{r['student_id']}")
                ],
            )
            done = pupil_services.pupil_levels_set(actor=actor, school_class=school_class, data=data)
            messages.success(request, _("Saved: %(n)s levels.") % {"n": done["set"]})
        except ValidationError:
            messages.error(request, _("A level is not valid."))
        except DomainError as exc:
            if isinstance(exc, PermissionDenied | NotFound):
                raise
            messages.error(request, str(exc.message))
        return redirect(f"{request.path}?competence={competence.pk}")
    rows = pupil_selectors.class_levels(scope=actor.scope, school_class=school_class, competence=competence)
    band = pupil_selectors.band_rank(levels, school_class.grade)
    return render(
        request,
        "skills/class_levels.html",
        {
            "school_class": school_class,
            "competences": comps,
            "competence": competence,
            "levels": levels,
            "band": band,
            "rows": rows,
        },
    )


@login_required
def my_classes(request: HttpRequest) -> HttpResponse:
    """The classes of this school year whose pupils the user assesses (their school's)."""
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.ASSESS_PUPILS)
    year = registry.current_year()
    qs, order = registry.class_list(scope=scope)
    classes = [
        c
        for c in qs.filter(year=year).order_by("school_id", "grade", "name")[:500]
        if scope.can(perms.ASSESS_PUPILS, c.school.unit.path)
    ]
    return render(request, "skills/my_classes.html", {"classes": classes, "year": year})
