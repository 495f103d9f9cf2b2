from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core import scoped_figures
from edudx.core.actor import Actor
from edudx.core.exports import csv_response
from edudx.core.ids import parse_id
from edudx.core.rules.personal_id import mask

from . import permissions as perms
from . import selectors, services
from .forms import RunForm
from .models import PersonKind, Status
from .templatetags.identity import differing_labels


def _int(value: str | None) -> int | None:
    return parse_id(value)  # None for "", a non-number, or a number no id can be


def _q(request) -> str:
    """The searched text; NUL dropped (PostgreSQL cannot compare it; the filter refuses it)."""
    return request.GET.get("q", "")[:100].replace("\x00", "")


def _school_options(scope, school_id: int | None) -> str:
    """The schools' <option>s, escaped once per scope and minute (core.scoped_figures) for every
    officer of that scope: 3,500 schools escaped on each view were ~a third of the department's
    page (issue #21). A school added shows within the minute."""
    options = scoped_figures.get(
        "identity.school_options",
        scoped_figures.scope_key(scope),
        lambda: format_html_join(
            "", '<option value="{}">{}</option>', selectors.schools_to_verify(scope=scope)
        ),
        aggregates_read=(),
    )
    if school_id is None:
        return options
    chosen = f'<option value="{school_id}">'
    return mark_safe(options.replace(chosen, f'<option value="{school_id}" selected>', 1))  # noqa: S308 - escaped above


@login_required
def dashboard(request):
    scope = request.scope
    scope.require_any(perms.VIEW)
    kind = request.GET.get("kind") if request.GET.get("kind") in PersonKind.values else PersonKind.STUDENT
    school_id = _int(request.GET.get("school"))
    status = request.GET.get("status", "")
    counts, as_of = selectors.status_figures(scope=scope, kind=kind, school_id=school_id)
    labels = dict(Status.choices)
    page, rows = selectors.problem_page(
        scope=scope, kind=kind, school_id=school_id, status=status, q=_q(request),
        cursor=request.GET.get("cursor") or None,
    )  # fmt: skip
    problems = [{"person": p, "verification": rows.get(p.pk)} for p in page.items]
    return render(
        request,
        "identity/dashboard.html",
        {
            "kind": kind,
            "kinds": PersonKind.choices,
            "school_id": school_id,
            "status": status,
            "problem_statuses": [(s, labels[s]) for s in selectors.PROBLEM_STATUSES],
            "counts": [{"status": s, "label": labels[s], "n": n} for s, n in counts.items()],
            "total": sum(counts.values()),
            "chart": {
                "labels": [str(labels[s]) for s in counts],
                "values": list(counts.values()),
                "keys": list(counts),
            },
            "page": page,
            "problems": problems,
            # One <option> list for both pickers, built once: 3,500 schools × two template
            # loops was most of the department's page.
            "school_options": _school_options(scope, school_id),
            "runs": selectors.run_list(scope=scope, limit=5),
            "can_verify": scope.has_perm(perms.VERIFY),
            "as_of": as_of,
        },
    )


EXPORT_CHUNK = 2000


@login_required
def problems_export(request):
    """The problem list as CSV (UTF-8 with BOM for Excel); personal IDs masked."""
    scope = request.scope
    kind = request.GET.get("kind") if request.GET.get("kind") in PersonKind.values else PersonKind.STUDENT
    qs = selectors.problem_queryset(
        scope=scope, kind=kind, school_id=_int(request.GET.get("school")),
        status=request.GET.get("status", ""), q=_q(request),
    )  # fmt: skip
    labels = dict(Status.choices)

    def rows():
        last = 0
        while True:
            chunk = list(qs.filter(pk__gt=last).order_by("pk")[:EXPORT_CHUNK])
            if not chunk:
                break
            last = chunk[-1].pk
            found = selectors.verifications_for(kind=kind, people=chunk)
            for p in chunk:
                v = found.get(p.pk)
                yield (
                    p.school.name if p.school_id else "", p.moet_code, p.full_name, p.date_of_birth,
                    mask(p.personal_id), labels.get(v.status, "") if v else "",
                    differing_labels(v.differing_fields) if v else "", v.checked_at if v else None,
                )  # fmt: skip

    headers = [_("School"), _("MOET code"), _("Full name"), _("Date of birth"), _("Personal ID"),
               _("Status"), _("Fields that differ"), _("Checked")]  # fmt: skip
    return csv_response(name="identity-problems.csv", headers=headers, rows=rows())


@login_required
@require_POST
def run_start(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to verify."))
        return redirect("identity:dashboard")
    run = services.run_start(
        actor=Actor.from_request(request),
        kind=form.cleaned_data["kind"] or PersonKind.STUDENT,
        school_id=form.cleaned_data["school"],
    )
    messages.success(request, _("Verification started."))
    return redirect("identity:run_detail", verification_run_id=run.pk)


@login_required
def run_detail(request, verification_run_id: int):
    run = selectors.run_get(scope=request.scope, pk=verification_run_id)
    return render(request, "identity/run_detail.html", {"run": run, "labels": dict(Status.choices)})


@login_required
def run_progress(request, verification_run_id: int):
    run = selectors.run_get(scope=request.scope, pk=verification_run_id)
    return render(request, "identity/_run_progress.html", {"run": run, "labels": dict(Status.choices)})
