import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from edudx.core import aggregates, documents, exports, scoped_figures
from edudx.core.errors import NotFound
from edudx.core.rules.levels import Level
from edudx.core.rules.people import Gender, StudentStatus
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry

from . import dashboards
from .aggregates import HOME
from .dashboards import tables


def _chart(rows, key: str, labels: dict | None = None, link: str = "") -> str:
    """A chart's data; with `link` (a list's address), a click on a bar opens the list filtered
    by the bar's key (`?<key>=<value>`)."""
    labels = labels or {}
    data: dict = {
        "labels": [str(labels.get(r[key], r[key])) for r in rows],
        "values": [r["n"] for r in rows],
    }
    if link:
        data["urls"] = [f"{link}?{key}={r[key]}" for r in rows]
    return json.dumps(data)


def _grade_label(grade) -> str:
    return _("Preschool") if grade == 0 else _("Grade %(n)s") % {"n": grade}


# At city scale the counts scan millions of rows; an overview a few minutes old is fine.
FIGURES_TTL = 300


def _scope_key(scope) -> str:
    grants = sorted((g.role, g.paths) for g in scope.grants)
    raw = repr((scope.is_system, scope.user_id if scope.has_perm("registry.view_self") else None, grants))
    return "home:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


VIEW_PEOPLE = "registry.view_people"
SIGNERS = {"department": "GIÁM ĐỐC", "school": "HIỆU TRƯỞNG", "ward": "CHỦ TỊCH"}


def _sum(rows, schools, part: str) -> dict:
    total: dict = {}
    for sid in schools:
        for k, n in rows.get(sid, {}).get(part, {}).items():
            total[k] = total.get(k, 0) + n
    return total


def _from_aggregate(scope) -> dict:
    """The overview summed from the maintained per-school figures (edudx/web/aggregates.py):
    the schools the scope sees, and those whose people it sees."""
    seen = list(registry.school_ids_in_scope(scope=scope))
    people = (
        list(registry.school_ids_in_scope(scope=scope, permission=VIEW_PEOPLE))
        if scope.has_perm(VIEW_PEOPLE)
        else []
    )
    stored = aggregates.read(HOME, None if len(seen) > aggregates.CHUNK else set(seen) | set(people))
    rows = {sid: stored.data[sid] for sid in {*seen, *people} if sid in stored.data}
    figures = {"schools": len(seen)}
    if scope.has_perm(VIEW_PEOPLE):
        figures["students"] = sum(rows[s]["students"] for s in people if s in rows)
        figures["staff"] = sum(rows[s]["staff"] for s in people if s in rows)
    year = registry.current_year()
    if year:
        figures["classes"] = sum(rows[s]["classes"] for s in seen if s in rows)
    levels: dict[str, int] = {}
    for s in seen:
        if s in rows:
            levels[rows[s]["level"]] = levels.get(rows[s]["level"], 0) + 1
    grades = _sum(rows, people, "grade") if year else {}
    return {
        "figures": figures,
        "by_level": [{"level": k, "n": n} for k, n in sorted(levels.items())],
        "by_grade": [
            {"school_class__grade": int(g), "n": n}
            for g, n in sorted(grades.items(), key=lambda kv: int(kv[0]))
        ],
        "by_gender": [{"gender": k, "n": n} for k, n in sorted(_sum(rows, people, "gender").items())],
        "by_status": [{"status": k, "n": n} for k, n in sorted(_sum(rows, people, "status").items())],
        "as_of": stored.as_of,
    }


def _figures(scope) -> dict:
    """Every aggregate of the overview. Scopes by unit read the maintained per-school figures;
    a scope limited to the user's own records (registry.view_self) is counted live, cached per
    user (users with the same grants share it)."""
    if not scope.has_perm("registry.view_self"):
        # The same sums for every user of one scope: once per change of the figures, per process.
        key = scoped_figures.scope_key(scope)
        return scoped_figures.get("web.home", key, lambda: _from_aggregate(scope), aggregates_read=[HOME])
    key = _scope_key(scope)
    data = cache.get(key)
    if data is None:
        data = {
            "figures": registry.headline_figures(scope=scope),
            "by_level": registry.schools_by_level(scope=scope),
            "by_grade": registry.students_by_grade(scope=scope),
            "by_gender": registry.students_by(scope=scope, field="gender"),
            "by_status": registry.students_by(scope=scope, field="status"),
        }
        cache.set(key, data, FIGURES_TTL)
    return data


def _id_param(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _ward(request) -> int | None:
    return _id_param(request, "ward")


def _school(request) -> int | None:
    return _id_param(request, "school")


@login_required
def home(request):
    """The role's dashboard (edudx/web/dashboards) above the headline figures and charts for the
    user's scope (aggregate queries only)."""
    scope = request.scope
    ward_id, school_id = _ward(request), _school(request)
    board = dashboards.build(scope, ward_id=ward_id, school_id=school_id)
    data = _figures(scope)
    drill_qs = f"?school={school_id}" if school_id is not None else (f"?ward={ward_id}" if ward_id else "")
    by_level, by_grade = data["by_level"], data["by_grade"]
    by_gender, by_status = data["by_gender"], data["by_status"]
    # Short level codes on the chart's axis; the full names are in the table under it.
    short_levels = {code: code.replace("_", "-") for code in Level.values}
    students = reverse("registry:student_list")
    return render(
        request,
        "web/home.html",
        {
            "figures": data["figures"],
            "year": registry.current_year(),
            "level_chart": _chart(by_level, "level", short_levels, reverse("registry:school_list")),
            "level_rows": [(dict(Level.choices).get(r["level"], r["level"]), r["n"]) for r in by_level],
            "grade_chart": json.dumps(
                {
                    "labels": [_grade_label(r["school_class__grade"]) for r in by_grade],
                    "values": [r["n"] for r in by_grade],
                    "urls": [f"{students}?grade={r['school_class__grade']}" for r in by_grade],
                }
            ),
            "gender_chart": _chart(
                by_gender, "gender", dict(Gender.choices), reverse("registry:student_list")
            ),
            "status_rows": [
                (dict(StudentStatus.choices).get(r["status"], r["status"]), r["n"]) for r in by_status
            ],
            "has_people": bool(by_gender),
            "cached_for": FIGURES_TTL // 60,
            "as_of": data.get("as_of"),
            "board": board,
            "drill_qs": drill_qs,
            "equity_rows": [
                (tables.equity_label(r["key"]), r) for r in (board.get("equity") or {}).get("rows", [])
            ],
            "dx_chart": json.dumps(board.get("dx_chart") or {}),
        },
    )


def _panel_table(request, panel: str) -> tables.Table:
    scope = request.scope
    board = dashboards.build(scope, ward_id=_ward(request), school_id=_school(request))
    found = tables.table(panel, board, _figures(scope))
    if found is None:
        raise NotFound(_("This figure is not on your home page."), code="panel_not_found")
    return found


@login_required
@require_safe
def dx_xlsx(request):
    """The DX levels the home page shows (per ward, or per school of `?ward=`), as XLSX."""
    return panel_xlsx(request, "dx")


@login_required
@require_safe
def panel_xlsx(request, panel: str):
    """One figure of the home page (`?ward=`, `?school=` as on the page) as XLSX."""
    t = _panel_table(request, panel)
    title: list[list] = [[t.title]]
    columns = [exports.Column(h, width=40 if i == 0 else 16) for i, h in enumerate(t.headers)]
    data = exports.xlsx_book([exports.Sheet(name=_("Figures"), columns=columns, rows=t.rows, title=title)])
    response = HttpResponse(data, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.dated("so-lieu-" + panel, "xlsx")}"'
    return response


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    return str(value)


@login_required
@require_safe
def panel_pdf(request, panel: str):
    """One figure of the home page as a report in the form of a Vietnamese administrative
    document (Decree 30/2020, core.documents), issued by the caller's own unit."""
    t = _panel_table(request, panel)
    unit = org_selectors.unit_list(scope=request.scope).first()
    name = unit.name if unit else ""
    parent = unit.parent.name if unit and unit.parent else ""
    body = render_to_string(
        "web/pdf/panel_body.html",
        {"t": t, "rows": [[_shown(v) for v in row] for row in t.rows], "now": timezone.localtime()},
    )
    doc = documents.AdminDocument(
        parent_unit=parent,
        issuing_unit=name.upper(),
        symbol="BC",
        kind="BÁO CÁO",
        summary=f"Số liệu: {t.title}",
        recipients=[*([parent] if parent else []), "Lưu: VT"],
        signer_title=SIGNERS.get(unit.kind if unit else "", "THỦ TRƯỞNG ĐƠN VỊ"),
    )
    response = HttpResponse(
        documents.pdf(doc, body, landscape=len(t.headers) > 6), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.dated("bao-cao-" + panel, "pdf")}"'
    return response
