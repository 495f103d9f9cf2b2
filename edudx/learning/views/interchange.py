"""Courses and questions in and out: a course as an IMS Common Cartridge 1.3 (export, and
import into a new course); a course's question bank as QTI 2.1 (export, import) and through the
documented XLSX template (download, import)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors, services
from ..cartridge import MAX_UPLOAD, export, refuse
from ..forms import CartridgeForm


@login_required
def cartridge_export(request: HttpRequest, course_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    course = selectors.course_get(scope=scope, pk=course_id)
    out = export.build(scope=scope, course=course)
    response = HttpResponse(out.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.imscc"'
    response["X-Questions-Left-Out"] = str(out.left_out)
    return response


@login_required
def cartridge_import(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    actor.scope.require_any(perms.AUTHOR)
    classes, _order = registry.class_list(scope=actor.scope)
    choices = list(classes.filter(year__is_current=True).select_related("school")[:300])
    form = CartridgeForm(request.POST or None, request.FILES or None, classes=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size is None or upload.size > MAX_UPLOAD:
                    raise refuse("cc_too_large")
                done = services.course_import(
                    actor=actor,
                    data=upload.read(),
                    kind=form.cleaned_data["kind"],
                    class_id=form.cleaned_data["class_id"],
                    title=form.cleaned_data["title"],
                )
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                detail = "; ".join(str(d.message) for d in exc.details)
                form.add_error(None, f"{exc.message} {detail}".strip() + f" [{exc.code}]")
                status = 422
            else:
                messages.success(
                    request,
                    _("Imported: %(l)d lessons, %(b)d blocks, %(q)d questions; %(s)d items left out.")
                    % {"l": done.lessons, "b": done.blocks, "q": done.questions, "s": done.skipped},
                )
                return HttpResponseRedirect(reverse("learning:course", kwargs={"course_id": done.course.pk}))
        else:
            status = 422
    ctx = {
        "form": form,
        "title": _("Import a Common Cartridge"),
        "back": reverse("learning:course_list"),
        "multipart": True,
        "submit_label": _("Import"),
    }
    return render(request, "learning/form.html", ctx, status=status)


@login_required
def questions_qti_export(request: HttpRequest, course_id: int) -> HttpResponse:
    from .. import qti

    scope = request.scope  # type: ignore[attr-defined]
    course = selectors.course_get(scope=scope, pk=course_id)
    bank = list(selectors.bank_for_course(scope=scope, course=course).filter(course=course))
    response = HttpResponse(qti.package(bank), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.qti21.zip"'
    return response


@login_required
def questions_xlsx_template(request: HttpRequest) -> HttpResponse:
    from edudx.core.exports import XLSX_TYPE

    from .. import xlsx_questions

    request.scope.require_any(perms.AUTHOR)  # type: ignore[attr-defined]
    response = HttpResponse(xlsx_questions.template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-cau-hoi.xlsx"'
    return response


@login_required
@require_POST
def questions_import(request: HttpRequest, course_id: int) -> HttpResponse:
    """A QTI 2.1 package (or item) or the XLSX template, into the course's bank."""
    from .. import xlsx_questions

    actor = Actor.from_request(request)
    course = selectors.course_get(scope=actor.scope, pk=course_id)
    back = HttpResponseRedirect(reverse("learning:course", kwargs={"course_id": course.pk}))
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "")
    if upload is None or fmt not in ("qti", "xlsx"):
        messages.error(request, _("Choose the file and its format."))
        return back
    if upload.size is None or upload.size > MAX_UPLOAD:
        messages.error(request, str(refuse("cc_too_large").message))
        return back
    shared = request.POST.get("shared") == "on"
    call = services.questions_import_xlsx if fmt == "xlsx" else services.questions_import_qti
    try:
        done = call(actor=actor, course=course, data=upload.read(), shared=shared)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, f"{exc.message} [{exc.code}]")
        return back
    if done.errors:
        shown = "; ".join(xlsx_questions.error_text(e) for e in done.errors[:30])
        messages.error(request, _("Nothing imported: %(errors)s") % {"errors": shown})
        return back
    messages.success(request, _("%(n)d questions imported.") % {"n": len(done.created)})
    if done.skipped:
        messages.warning(request, _("Not imported (no matching kind): %(n)d.") % {"n": len(done.skipped)})
    return back
