"""Every figure of a home dashboard as a table (title, headers, rows), so that each panel
downloads as XLSX and as a PDF in the Decree 30/2020 form (core.documents) with the same numbers
the page shows. `tables(board, data)` maps a panel's slug to its table; a panel the caller's home
does not show is absent (its download is a 404)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from edudx.core.rules.levels import Level
from edudx.core.rules.people import Gender, StudentStatus


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _dx(board: dict[str, Any]) -> Table | None:
    # a principal's board holds their school's status instead: the ward table is empty for them
    dx = board.get("dx") if board["kind"] == "authority" else None
    groups = dx.groups if dx else []
    headers = [
        _("School") if board.get("ward_id") else _("Unit"),
        _("Schools"),
        _("Published"),
        _("Late"),
        _("At Level 2 or above on every group"),
        *[f"{g} · {_('Level %(n)s') % {'n': n}}" for g in groups for n in (1, 2, 3)],
    ]
    rows = [
        [r["name"], r["schools"], r["published"], r["late"], r["reached"],
         *[r["levels"][g][n] for g in groups for n in (1, 2, 3)]]
        for r in (dx.rows if dx else [])
    ]  # fmt: skip
    title = _("Digital transformation levels")
    if board.get("ward_name"):
        title = f"{title} · {board['ward_name']}"
    return Table(title, headers, rows)


def _readiness(board: dict[str, Any]) -> Table | None:
    r = board.get("readiness")
    if board["kind"] != "authority" or not r:
        return None
    return Table(
        _("Infrastructure readiness"),
        [_("Figure"), _("Number")],
        [[_("Schools"), r["schools"]], [_("Schools below the thresholds"), r["below"]],
         [_("Devices"), r["devices"]], [_("Devices broken"), r["broken"]]],
    )  # fmt: skip


def _results(board: dict[str, Any]) -> Table | None:
    s = board.get("results")
    if board["kind"] != "authority" or s is None:
        return None
    rows: list[list[Any]] = [[_("Pupils with results"), s.pupils], [_("Pupils at risk"), s.at_risk]]
    if s.passed_share is not None:
        rows.append([_("Share at Đạt or above (%)"), s.passed_share])
    return Table(f"{_('Learning results')} · {s.year}", [_("Figure"), _("Number")], rows)


def equity_label(key: str) -> str:
    return {
        "ready": _("Schools at the readiness thresholds"),
        "below": _("Schools below the readiness thresholds"),
    }.get(key, _("Schools without readiness figures"))


def _equity(board: dict[str, Any]) -> Table | None:
    eq = board.get("equity")
    if not eq:
        return None
    return Table(
        f"{_('Learning results by infrastructure readiness')} · {eq['year']}",
        [_("Schools"), _("Number of schools"), _("Pupils with results"), _("Đạt or above"), _("Chưa đạt"),
         _("Share at Đạt or above (%)")],
        [[equity_label(r["key"]), r["schools"], r["pupils"], r["passed"], r["not_passed"], r["passed_share"]]
         for r in eq["rows"]],
    )  # fmt: skip


def _learning(board: dict[str, Any]) -> Table | None:
    la = board.get("learning")
    if board["kind"] != "authority" or not la:
        return None
    return Table(
        _("Learning activity"),
        [_("Figure"), _("Number")],
        [
            [_("Learners"), la["learners"]],
            [_("Active learners"), la["active"]],
            [_("Courses"), la["courses"]],
        ],
    )


def _classes(board: dict[str, Any]) -> Table | None:
    school = board.get("school")
    if not school:
        return None
    return Table(
        f"{_('Classes')} · {school['name']}",
        [_("Class"), _("Grade"), _("Pupils"), _("Results imported")],
        [
            [c["name"], c["grade"], c["pupils"], _("Yes") if c["results"] else _("No")]
            for c in school["classes"]
        ],
    )


def _todo(board: dict[str, Any]) -> Table | None:
    if board["kind"] != "principal":
        return None
    labels = {
        "assessment_returned": _("The self-assessment was returned: see the reviewer's comments"),
        "assessment_late": _("The self-assessment is past its deadline"),
        "import_failed": _("An import failed"),
        "devices_broken": _("Devices broken"),
        "pupils_at_risk": _("Pupils at risk"),
    }
    rows = [[labels.get(t["code"], t["code"]), t.get("n", t.get("name", ""))] for t in board["todo"]]
    return Table(_("To do"), [_("Item"), _("Number")], rows)


def _school_dx(board: dict[str, Any]) -> Table | None:
    dx = board.get("dx")
    if board["kind"] != "principal" or not dx or not dx.get("campaign"):
        return None
    rows = [[f"{_('Group')} {g['code']}", float(g["points"]), g["level"], g["target"]] for g in dx["groups"]]
    return Table(
        f"{_('Digital transformation against the target')} · {dx['campaign'].name}",
        [_("Group"), _("Points"), _("Level"), _("Target level")],
        rows,
    )


def _comparison(board: dict[str, Any]) -> Table | None:
    compared = board.get("comparison")
    if not compared:
        return None
    return Table(
        _("Learning results: the school, its ward and the city"),
        [_("Unit"), _("Pupils with results"), _("Share at Đạt or above (%)"), _("Pupils at risk")],
        [[s.label, s.pupils, s.passed_share, s.at_risk] for s in compared],
    )


def _figures(data: dict[str, Any]) -> Table:
    names = {"schools": _("Schools"), "students": _("Students"), "staff": _("Staff"),
             "classes": _("Classes this year")}  # fmt: skip
    return Table(
        _("Overview"), [_("Figure"), _("Number")], [[names.get(k, k), v] for k, v in data["figures"].items()]
    )


def _levels(data: dict[str, Any]) -> Table:
    names = dict(Level.choices)
    return Table(
        _("Schools by level"),
        [_("Level"), _("Schools")],
        [[str(names.get(r["level"], r["level"])), r["n"]] for r in data["by_level"]],
    )


def _grade(grade: int) -> str:
    return _("Preschool") if grade == 0 else _("Grade %(n)s") % {"n": grade}


def _people(data: dict[str, Any], key: str) -> Table | None:
    if not data["by_gender"]:
        return None
    if key == "grades":
        rows = [[_grade(r["school_class__grade"]), r["n"]] for r in data["by_grade"]]
        return Table(_("Students by grade"), [_("Grade"), _("Students")], rows)
    if key == "genders":
        names = dict(Gender.choices)
        rows = [[str(names.get(r["gender"], r["gender"])), r["n"]] for r in data["by_gender"]]
        return Table(_("Students by gender"), [_("Gender"), _("Students")], rows)
    names = dict(StudentStatus.choices)
    rows = [[str(names.get(r["status"], r["status"])), r["n"]] for r in data["by_status"]]
    return Table(_("Students by status"), [_("Status"), _("Students")], rows)


BOARD: dict[str, Callable[[dict[str, Any]], Table | None]] = {
    "dx": _dx,
    "readiness": _readiness,
    "results": _results,
    "equity": _equity,
    "learning": _learning,
    "classes": _classes,
    "todo": _todo,
    "school-dx": _school_dx,
    "comparison": _comparison,
}
PANELS = (*BOARD, "figures", "levels", "grades", "genders", "statuses")


def table(panel: str, board: dict[str, Any], data: dict[str, Any]) -> Table | None:
    """The panel's table, or None when the caller's home does not show that panel."""
    if panel in BOARD:
        return BOARD[panel](board)
    if panel == "figures":
        return _figures(data)
    if panel == "levels":
        return _levels(data)
    if panel in ("grades", "genders", "statuses"):
        return _people(data, panel)
    return None
