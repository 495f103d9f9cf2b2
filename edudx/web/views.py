import json

from django.contrib.auth.decorators import login_required
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


@login_required
def home(request):
    """Headline figures and charts for the user's scope (aggregate queries only)."""
    scope = request.scope
    by_level = registry.schools_by_level(scope=scope)
    by_grade = registry.students_by_grade(scope=scope)
    by_gender = registry.students_by(scope=scope, field="gender")
    by_status = registry.students_by(scope=scope, field="status")
    # Short level names on the axis; the long ones are in the tooltip-free legend below.
    short_levels = {code: code.replace("_", "-") for code in Level.values}
    return render(
        request,
        "web/home.html",
        {
            "figures": registry.headline_figures(scope=scope),
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
        },
    )
