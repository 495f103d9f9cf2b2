"""A training course's competences and its staff (the author's forms on the course page), and
the staff member's training lessons (on their lessons page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied

from .. import selectors, services
from ..schemas import CompetenceIn, TrainingEnrolIn


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit() and len(v.strip()) < 18]


@login_required
@require_POST
def training_action(request: HttpRequest, course_id: int, action: str) -> HttpResponse:
    actor = Actor.from_request(request)
    course = selectors.course_get(scope=actor.scope, pk=course_id)
    back = HttpResponseRedirect(reverse("learning:course", kwargs={"course_id": course.pk}))
    try:
        if action == "competences":
            items = []
            for cid in _ids(request.POST.getlist("competence"))[:30]:
                level = _ids([request.POST.get(f"level_{cid}", "")])
                items.append(CompetenceIn(competence_id=cid, level_id=level[0] if level else None))
            services.course_competences_set(actor=actor, course=course, items=items)
            messages.success(request, _("The course's competences are saved."))
        elif action == "enrol":
            staff = _ids(request.POST.get("staff_ids", "").replace(",", " ").split())[:2000]
            school = _ids([request.POST.get("school_id", "")])
            n = services.training_enrol(
                actor=actor,
                course=course,
                data=TrainingEnrolIn(staff_ids=staff, school_id=school[0] if school else None),
            )
            messages.success(request, _("%(n)d staff enrolled.") % {"n": n})
        else:
            raise NotFound()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        detail = "; ".join(str(d.message) for d in exc.details)
        messages.error(request, f"{exc.message} {detail}".strip())
    return back
