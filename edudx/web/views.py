import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from edudx.registry import selectors as registry


@login_required
def home(request):
    scope = request.scope
    by_level = registry.schools_by_level(scope=scope)
    by_grade = registry.students_by_grade(scope=scope)
    return render(
        request,
        "web/home.html",
        {
            "figures": registry.headline_figures(scope=scope),
            "year": registry.current_year(),
            "level_chart": json.dumps(
                {"labels": [r["level"] for r in by_level], "values": [r["n"] for r in by_level]}
            ),
            "grade_chart": json.dumps(
                {"labels": [r["school_class__grade"] for r in by_grade], "values": [r["n"] for r in by_grade]}
            ),
        },
    )
