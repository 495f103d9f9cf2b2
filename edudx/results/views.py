"""Results pages: outcomes analytics for the scope (drill ward → school → class → pupil), a
school against its ward and the city with its pupils at risk, a class's score book, a pupil's
results with signals and follow-up notes. Each page calls selectors; the note form one service."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import DomainError

from . import permissions as perms
from . import selectors, services
from .models import YEAR, Comment, Promotion, Result, SubjectLevel

GROUPS = {"ward": _lazy("Ward"), "school": _lazy("School"), "ownership": _lazy("School type"), "grade": _lazy("Grade"),
          "subject": _lazy("Subject (score bands)"), "ethnicity": _lazy("Ethnicity")}  # fmt: skip
RESULT_CODES = ("T", "K", "D", "C", "G", "H", "N")
AT_RISK_SHOWN = 100  # the page lists the first (most signals first); the export holds all
ROWS_PER_PAGE = 200  # a city by school is 3,500+ rows: drawn 200 at a time (the export holds all)


def _period(request: HttpRequest) -> int | None:
    v = request.GET.get("period")
    return int(v) if v in ("1", "2", "3") else None


def _periods() -> list[tuple[int, str]]:
    return [(1, _("Semester 1")), (2, _("Semester 2")), (YEAR, _("Whole year"))]


def _chart(summary: selectors.OutcomeSummary) -> dict[str, Any]:
    bands = [sum(b[i] for b in summary.bands.values()) for i in range(5)]
    labels = dict(Result.choices)
    codes = [c for c in RESULT_CODES if summary.learning.get(c)]
    return {
        "bands": {"labels": list(selectors.BANDS), "values": bands},
        "levels": {"labels": [str(labels[c]) for c in codes], "values": [summary.learning[c] for c in codes]},
    }


@login_required
def outcomes(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    by = request.GET.get("by") or "ward"
    by = by if by in GROUPS else "ward"
    year = (request.GET.get("year") or "")[:9] or None
    summary = selectors.outcome_summary(scope=scope, year=year, period=_period(request))
    rows, y, p = selectors.breakdown(scope=scope, by=by, year=summary.year or year, period=summary.period)  # type: ignore[arg-type]
    labels = dict(Result.choices)
    if request.GET.get("format") in ("csv", "xlsx"):
        keys = list(selectors.BANDS) if by == "subject" else list(RESULT_CODES)
        return exports.export_response(
            request,
            name=f"ket-qua-hoc-tap-{y}-{p}",
            headers=[str(GROUPS[by]), _("Pupils"), *[str(labels.get(k, k)) for k in keys], _("Passed (%)")],
            rows=(
                [r["label"], r["pupils"], *[r["counts"].get(k) for k in keys], r["passed_share"]]
                for r in rows
            ),
        )
    codes = (
        list(selectors.BANDS)
        if by == "subject"
        else [c for c in RESULT_CODES if any(r["counts"].get(c) for r in rows)]
    )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for r in page.object_list:
        r["cells"] = [r["counts"].get(c) for c in codes]
    return render(request, "results/outcomes.html", {
        "summary": summary, "rows": page.object_list, "page": page, "by": by, "groups": [(k, str(v)) for k, v in GROUPS.items()],
        "years": selectors.years(scope=scope), "year": y, "period": p, "periods": _periods(),
        "head": codes if by == "subject" else [str(labels[c]) for c in codes], "chart": json.dumps(_chart(summary)),
        "suppress": selectors.SUPPRESS_BELOW,
    })  # fmt: skip


@login_required
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    year = (request.GET.get("year") or "")[:9] or None
    compared = selectors.comparison(scope=scope, school_id=school_id, year=year, period=_period(request))
    mine = compared[0]
    pupils, _y, _p = selectors.at_risk_pupils(
        scope=scope, school_id=school_id, year=mine.year, period=mine.period
    )
    labels = dict(Result.choices)
    codes = [c for c in RESULT_CODES if any(x.learning.get(c) for x in compared)]
    signal_labels = {k: str(v) for k, v in selectors.SIGNAL_LABELS.items()}
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.export_response(
            request,
            name=f"hoc-sinh-can-quan-tam-{mine.year}-{mine.period}",
            headers=[_("Pupil"), _("Class"), _("Learning result"), _("Mean of averages"), _("Fall"), _("Days absent"), _("Signals")],
            rows=([a.name, a.class_name, str(labels.get(a.learning, "")), a.mean, a.fall, a.absences,
                   "; ".join(signal_labels.get(x, x) for x in a.signals)] for a in pupils),
        )  # fmt: skip
    shown = pupils[:AT_RISK_SHOWN]
    return render(request, "results/school.html", {
        "school_id": school_id, "mine": mine, "periods": _periods(), "chart": json.dumps(_chart(mine)),
        "head": [str(labels[c]) for c in codes],
        "compared": [{"label": x.label, "pupils": x.pupils, "share": x.passed_share, "at_risk": x.at_risk,
                      "cells": [x.learning.get(c, 0) for c in codes]} for x in compared],
        "pupils": [{"p": a, "learning": str(labels.get(a.learning, "")),
                    "signals": [signal_labels.get(s, s) for s in a.signals]} for a in shown],
        "at_risk_total": len(pupils),
        "classes": selectors.classes_with_results(scope=scope, school_id=school_id, year=mine.year),
    })  # fmt: skip


@login_required
def class_book(request: HttpRequest, class_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    semester = 2 if request.GET.get("semester") == "2" else 1
    cls, rows, subjects = selectors.score_book(
        scope=scope,
        class_id=class_id,
        subject=(request.GET.get("subject") or "")[:16] or None,
        semester=semester,
    )
    subject = (
        rows
        and request.GET.get("subject") in subjects
        and request.GET.get("subject")
        or (subjects[0] if subjects else "")
    )
    comments, levels = dict(Comment.choices), dict(SubjectLevel.choices)
    for r in rows:
        r["comment_label"] = str(comments.get(r["comment"], "")) if r["comment"] else ""
        r["level_label"] = str(levels.get(r["level"], "")) if r["level"] else ""
    width = max([len(r["regular"]) for r in rows] or [0])
    for r in rows:
        r["tx"] = r["regular"] + [None] * (width - len(r["regular"]))
    return render(request, "results/class.html", {
        "cls": cls, "rows": rows, "subjects": subjects, "subject": subject, "semester": semester,
        "tx_head": [f"TX{i + 1}" for i in range(width)],
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def pupil(request: HttpRequest, student_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    # No require_any: a pupil (the student account a family uses) reads their own record; the
    # registry's scoped selector finds only the pupils the caller may see.
    data = selectors.pupil_results(scope=scope, student_id=student_id)
    if request.method == "POST":
        p = data["pupil"]
        try:
            services.followup_add(actor=Actor.from_request(request), student_id=p.pk, school_id=p.school_id,
                                  school_path=p.school.unit.path if p.school_id else "", text=request.POST.get("text", "")[:4000])  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Note saved."))
        return redirect("results:pupil", student_id=p.pk)
    can_note = scope.can(perms.NOTE, data["pupil"].school.unit.path) if data["pupil"].school_id else False
    comments, levels, promo = dict(Comment.choices), dict(SubjectLevel.choices), dict(Promotion.choices)
    signal_labels, periods = {k: str(v) for k, v in selectors.SIGNAL_LABELS.items()}, dict(_periods())
    for r in data["subjects"]:
        r["comment_label"] = str(comments.get(r["comment"], "")) if r["comment"] else ""
        r["level_label"] = str(levels.get(r["level"], "")) if r["level"] else ""
        r["tx"] = ", ".join(f"{x:g}".replace(".", ",") for x in r["regular"])
    for t in data["terms"]:
        t["period_label"] = periods.get(t["period"], "")
        t["promotion_label"] = str(promo.get(t["promotion"], "")) if t["promotion"] else ""
        t["signal_labels"] = [signal_labels.get(s, s) for s in t["signals"]]
    return render(request, "results/pupil.html", {**data, "can_note": can_note})


@login_required
def scorebook_example(request: HttpRequest) -> HttpResponse:
    """An example workbook in the vnEdu/SMAS score-book layout the `results` import reads."""
    from .scorebook_example import build

    response = HttpResponse(
        build(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="so-diem-mau-vnedu.xlsx"'
    return response
