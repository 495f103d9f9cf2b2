import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from edudx.core.rules.levels import Level
from edudx.core.rules.people import Gender, StudentStatus
from edudx.registry import selectors as registry


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


def _figures(scope) -> dict:
    """Every aggregate of the overview, cached per scope (users with the same grants share it)."""
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


@login_required
def home(request):
    """Headline figures and charts for the user's scope (aggregate queries only)."""
    scope = request.scope
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
        },
    )
