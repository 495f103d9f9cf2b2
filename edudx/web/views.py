import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from edudx.core import aggregates, exports
from edudx.core.rules.levels import Level
from edudx.core.rules.people import Gender, StudentStatus
from edudx.registry import selectors as registry

from . import dashboards
from .aggregates import HOME


def _chart(rows, key: str, labels: dict | None = None) -> str:
    labels = labels or {}
    return json.dumps(
        {
            "labels": [str(labels.get(r[key], r[key])) for r in rows],
            "values": [r["n"] for r in rows],
        }
    )


def _grade_label(grade) -> str:
    return _("Preschool") if grade == 0 else _("Grade %(n)s") % {"n": grade}


# At city scale the counts scan millions of rows; an overview a few minutes old is fine.
FIGURES_TTL = 300


def _scope_key(scope) -> str:
    grants = sorted((g.role, g.paths) for g in scope.grants)
    raw = repr((scope.is_system, scope.user_id if scope.has_perm("registry.view_self") else None, grants))
    return "home:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


VIEW_PEOPLE = "registry.view_people"


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
        return _from_aggregate(scope)
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


def _ward(request) -> int | None:
    raw = request.GET.get("ward", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@login_required
def home(request):
    """The role's dashboard (edudx/web/dashboards) above the headline figures and charts for the
    user's scope (aggregate queries only)."""
    scope = request.scope
    board = dashboards.build(scope, ward_id=_ward(request))
    data = _figures(scope)
    by_level, by_grade = data["by_level"], data["by_grade"]
    by_gender, by_status = data["by_gender"], data["by_status"]
    # Short level codes on the chart's axis; the full names are in the table under it.
    short_levels = {code: code.replace("_", "-") for code in Level.values}
    return render(
        request,
        "web/home.html",
        {
            "figures": data["figures"],
            "year": registry.current_year(),
            "level_chart": _chart(by_level, "level", short_levels),
            "level_rows": [(dict(Level.choices).get(r["level"], r["level"]), r["n"]) for r in by_level],
            "grade_chart": json.dumps(
                {
                    "labels": [_grade_label(r["school_class__grade"]) for r in by_grade],
                    "values": [r["n"] for r in by_grade],
                }
            ),
            "gender_chart": _chart(by_gender, "gender", dict(Gender.choices)),
            "status_rows": [
                (dict(StudentStatus.choices).get(r["status"], r["status"]), r["n"]) for r in by_status
            ],
            "has_people": bool(by_gender),
            "cached_for": FIGURES_TTL // 60,
            "as_of": data.get("as_of"),
            "board": board,
            "dx_chart": json.dumps(board.get("dx_chart") or {}),
        },
    )


@login_required
def dx_xlsx(request):
    """The DX levels the home page shows (per ward, or per school of `?ward=`), as XLSX."""
    board = dashboards.build(request.scope, ward_id=_ward(request))
    dx = board.get("dx") if board["kind"] == "authority" else None  # a principal's is their school's
    groups = dx.groups if dx else []
    headers = [
        _("Unit"),
        _("Schools"),
        _("Published"),
        _("Late"),
        _("At Level 2 or above on every group"),
        *[f"{g} · {_('Level %(n)s') % {'n': n}}" for g in groups for n in (1, 2, 3)],
    ]
    rows = [
        [
            r["name"],
            r["schools"],
            r["published"],
            r["late"],
            r["reached"],
            *[r["levels"][g][n] for g in groups for n in (1, 2, 3)],
        ]
        for r in (dx.rows if dx else [])
    ]
    return exports.xlsx_response(name=exports.dated("muc-do-cds", "xlsx"), headers=headers, rows=rows)
