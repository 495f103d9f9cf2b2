"""Scorecard pages: the city (wards, clusters, ranked schools), a ward or cluster (its schools),
a school (its rules), the records behind a figure; the rules (versioned settings) and the
reporting calendar. Exports: ?format=xlsx or ?format=pdf on every scorecard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from edudx.core import exports
from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.rules.levels import Level

from . import permissions as perms
from . import selectors
from .models import Dimension, ReportingDeadline, SnapshotLevel
from .schemas import DeadlineIn, RuleIn
from .scoring import catalogue
from .scoring.scores import score
from .services import rules as rule_services

DIMENSIONS = [(d.value, d.label) for d in catalogue.SCORED]
RANKED = 25


def _board(request: HttpRequest, level: str, key: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    rank = request.GET.get("rank", "overall")
    if rank not in {"overall", *(d for d, _l in DIMENSIONS)}:
        rank = "overall"
    b = selectors.board(scope=scope, level=level, key=key, rank=rank)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return _xlsx(b)
    if fmt == "pdf":
        return _pdf(b)
    schools = [r for r in b.rows if r.level == SnapshotLevel.SCHOOL]
    context: dict[str, Any] = {
        "b": b, "dimensions": DIMENSIONS, "rank": rank,
        "units": [r for r in b.rows if r.level != SnapshotLevel.SCHOOL],
        "schools": schools if level != SnapshotLevel.CITY else [],
        "worst": schools[:RANKED] if level == SnapshotLevel.CITY else [],
        "best": schools[::-1][:RANKED] if level == SnapshotLevel.CITY else [],
        "rules": _rule_rows(b),
        "outliers": _outlier_rows(b),
    }  # fmt: skip
    return render(request, "quality/scorecard.html", context)


def _rule_rows(b: selectors.Board) -> list[dict[str, Any]]:
    rows = []
    for r in b.rules:
        checked, failed = b.card.rules.get(r.code, [0, 0])
        s = score(checked, failed)
        rows.append({"rule": r, "checked": checked, "failed": failed, "score": s,
                     "below": s is not None and s < r.threshold})  # fmt: skip
    return rows


def _outlier_rows(b: selectors.Board) -> list[dict[str, Any]]:
    labels = {r.code: r.label for r in catalogue.RULES}
    names = {r.key: r.name for r in b.rows if r.level == SnapshotLevel.SCHOOL}
    if b.level == SnapshotLevel.SCHOOL:
        names[b.key] = b.name
    return [
        {**o, "label": labels.get(o["rule"], o["rule"]), "name": names.get(o["school"], "")}
        for o in b.outliers[:200]
    ]


@login_required
def city(request: HttpRequest) -> HttpResponse:
    return _board(request, SnapshotLevel.CITY, 0)


@login_required
def ward(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _board(request, SnapshotLevel.WARD, unit_id)


@login_required
def cluster(request: HttpRequest, grouping_id: int) -> HttpResponse:
    return _board(request, SnapshotLevel.CLUSTER, grouping_id)


@login_required
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    return _board(request, SnapshotLevel.SCHOOL, school_id)


@login_required
def records(request: HttpRequest, school_id: int) -> HttpResponse:
    """The records of one school a rule counted as failed (scoped, masked)."""
    from .scoring import drill

    scope = request.scope  # type: ignore[attr-defined]
    f = selectors.school_facts(scope=scope, school_id=school_id)
    try:
        rule = selectors.rule_get(scope=scope, code=request.GET.get("rule", "")[:60])
    except NotFound:
        rule = None
    b = selectors.board(scope=scope, level=SnapshotLevel.SCHOOL, key=school_id)
    school_row = {"id": school_id, "path": b.path}
    what, rows = drill.records(scope=scope, school=school_row, f=f, rule=rule) if rule else ("", [])
    return render(request, "quality/records.html", {"b": b, "rule": rule, "what": what, "rows": rows,
                                                    "limit": drill.LIMIT})  # fmt: skip


def _headers() -> list[Any]:
    return [
        _("Name"),
        _("Code"),
        _("Ward"),
        _("Overall"),
        *[label for _d, label in DIMENSIONS],
        _("Rules below target"),
    ]


def _cols(headers: list[Any], text: int) -> list[exports.Column]:
    """The first `text` columns are text, the rest numbers."""
    return [exports.Column(h, kind=exports.TEXT if i < text else exports.NUMBER, width=40 if i == 0 else 14)
            for i, h in enumerate(headers)]  # fmt: skip


def _xlsx(b: selectors.Board) -> HttpResponse:
    rows = [
        [
            r.name,
            r.code,
            r.area,
            r.card.overall,
            *[r.card.dimensions.get(d) for d, _l in DIMENSIONS],
            r.card.flags,
        ]
        for r in ([_self_row(b)] + b.rows)
    ]
    rule_rows = [[str(x["rule"].label), x["rule"].code, x["checked"], x["failed"], x["score"], x["rule"].threshold]
                 for x in _rule_rows(b)]  # fmt: skip
    sheets = [
        exports.Sheet(_("Scorecard"), _cols(_headers(), 3), rows, title=[[_("Data-quality scorecard"), b.name]]),
        exports.Sheet(_("Rules"), _cols([_("Rule"), _("Code"), _("Checked"), _("Failed"), _("Score"), _("Target")], 2),
                      rule_rows),
    ]  # fmt: skip
    response = HttpResponse(exports.xlsx_book(sheets), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.dated("quality-scorecard", "xlsx")}"'
    return response


def _self_row(b: selectors.Board) -> selectors.Row:
    return selectors.Row(b.level, b.key, b.name or _("City"), b.card)


def _pdf(b: selectors.Board) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string("quality/pdf/scorecard.html", {"b": b, "dimensions": DIMENSIONS, "rules": _rule_rows(b),
                                                           "rows": b.rows[:400], "now": timezone.localtime()})  # fmt: skip
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.dated("quality-scorecard", "pdf")}"'
    return response


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    if request.method == "POST":
        code = request.POST.get("code", "")[:60]
        try:
            data = _rule_in(request)
            rule_services.rule_update(actor=Actor.from_request(request), code=code, data=data)
            messages.success(request, _("The rule was saved as a new version."))
        except (ValueError, ValidationError):
            messages.error(request, _("A value is not a number or out of range."))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        return redirect("quality:rules")
    items = selectors.rule_list(scope=scope)
    return render(request, "quality/rules.html", {
        "rules": items, "levels": Level.choices, "dimensions": Dimension.choices,
        "can_manage": scope.has_perm(perms.MANAGE), "fields": {"students": catalogue.STUDENT_FIELDS,
                                                                "staff": catalogue.STAFF_FIELDS},
        "versions": {r.code: selectors.rule_versions(scope=scope, code=r.code)[:5] for r in items if r.version},
    })  # fmt: skip


def _rule_in(request: HttpRequest) -> RuleIn:
    """The posted form: threshold, severity, levels, active and the rule's numeric or list parameters."""
    post = request.POST
    rule = catalogue.BY_CODE.get(post.get("code", ""))
    params: dict[str, Any] = {}
    for key, default in rule.params.items() if rule else ():
        if key == "fields":
            params[key] = post.getlist("fields")
        elif key == "count_warnings":
            params[key] = post.get(key) == "on"
        elif key == "method":
            params[key] = post.get(key, "")
        elif isinstance(default, dict):
            params[key] = {
                lv: float(post[f"{key}_{lv}"].replace(",", ".")) for lv in default if post.get(f"{key}_{lv}")
            }
        elif post.get(key, "").strip():
            params[key] = float(post[key].replace(",", "."))
    return RuleIn(threshold=float(post.get("threshold", "").replace(",", ".")), severity=post.get("severity"),
                  levels=post.getlist("levels"), active=post.get("active") == "on", params=params)  # fmt: skip


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            data = DeadlineIn.model_validate(
                {"name": request.POST.get("name", ""), "due": request.POST.get("due", ""),
                 "window_days": request.POST.get("window_days") or 30}
            )  # fmt: skip
            rule_services.deadline_create(actor=Actor.from_request(request), data=data)
            messages.success(request, _("The deadline was added to the calendar."))
        except ValidationError:
            messages.error(request, _("Give a name, a date (yyyy-mm-dd) and a window of 1 to 366 days."))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        return redirect("quality:calendar")
    return render(request, "quality/calendar.html", {"deadlines": selectors.deadline_list(scope=scope),
                                                     "can_manage": scope.has_perm(perms.MANAGE)})  # fmt: skip


@login_required
@require_POST
def deadline_delete(request: HttpRequest, deadline_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    found = [d for d in selectors.deadline_list(scope=scope) if d.pk == deadline_id]
    if not found:
        raise NotFound()
    rule_services.deadline_delete(actor=Actor.from_request(request), deadline=found[0])
    messages.success(request, _("The deadline was removed from the calendar."))
    return redirect("quality:calendar")


__all__ = [
    "ReportingDeadline",
    "calendar",
    "city",
    "cluster",
    "deadline_delete",
    "records",
    "rules",
    "school",
    "ward",
]
