"""Gate: no view, API module or task reads a personal-data model through its manager.

Personal data is read through the owning app's selectors, which take the caller's Scope
(docs/developing.md, "Rules that hold everywhere"). This check parses every view, API and
task module under edudx/ and fails on `<Model>.objects` (or `_default_manager` /
`_base_manager`, or `apps.get_model(..., "<Model>")`) for a model in PERSONAL_MODELS.
Templates cannot call managers, so they need no check.

Run: .venv/bin/python scripts/checks/run.py personal_data
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Models whose rows are about a person, by class name (the check sees names, not classes).
PERSONAL_MODELS = {
    # registry: pupils and staff, their class history and teaching
    "Student",
    "Staff",
    "Enrolment",
    "TeachingAssignment",
    # identity: each person's check against the population registry
    "Verification",
    # lrs: xAPI statements name an agent (actor_key, data), keys index agents, documents
    # (agent profiles, states) and attachments belong to those statements
    "Statement",
    "StatementKey",
    "StatementAttachment",
    "Attachment",
    "Document",
    # accounts: users (names, e-mails) and who holds which role where
    "User",
    "Membership",
    # core: history entries keep the before/after value of every field written, personal ones too
    "HistoryEntry",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Reverse relations that reach those models from another row (`school.students.all()`), by
# related_name, and the queryset methods that read through them.
RELATED_MANAGERS = {
    "students": "Student",
    "staff": "Staff",
    "enrolments": "Enrolment",
    "assignments": "TeachingAssignment",
    "memberships": "Membership",
    "role_memberships": "Membership",
}
READS = {
    "all", "filter", "exclude", "get", "first", "last", "count", "exists", "values", "values_list",
    "order_by", "select_related", "prefetch_related", "annotate", "aggregate", "only", "defer",
    "in_bulk", "iterator",
}  # fmt: skip

# Existing violations, "path:Model" -> why it is still there (each one is to be cleared).
ALLOWLIST: dict[str, str] = {}


def target_files(root: Path) -> list[Path]:
    """Views (views.py, views_*.py, views/), API modules (api.py, api_*.py) and tasks.py of each app."""
    app_dirs = [p for p in sorted((root / "edudx").iterdir()) if p.is_dir()]
    files: set[Path] = set()
    for app in app_dirs:
        files.update(app.glob("views*.py"))
        files.update(app.glob("views/**/*.py"))
        files.update(app.glob("api*.py"))
        files.update(app.glob("tasks.py"))
    return sorted(f for f in files if "/tests/" not in f.as_posix())


def _model_name(node: ast.expr, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):  # models.Student, registry_models.Student
        return node.attr
    if isinstance(node, ast.Call):  # get_user_model().objects
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return "User" if name == "get_user_model" else None
    return None


def violations_in(path: Path, source: str) -> list[tuple[int, str, str]]:
    """(line, model, what) for each manager access on a personal-data model in `source`."""
    tree = ast.parse(source, filename=str(path))
    aliases: dict[str, str] = {}  # local name -> class name (`import Student as S`, `M = Student`)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            model = (
                _model_name(node.value, aliases) if isinstance(node.value, ast.Name | ast.Attribute) else None
            )
            if model in PERSONAL_MODELS:
                aliases[node.targets[0].id] = model
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _model_name(node.value, aliases)
            if model in PERSONAL_MODELS:
                found.append((node.lineno, model, f"{model}.{node.attr}"))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in READS
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in RELATED_MANAGERS
        ):
            model = RELATED_MANAGERS[node.value.attr]
            found.append((node.lineno, model, f".{node.value.attr}.{node.attr}() ({model} rows)"))
        elif (  # getattr(Student, "objects")
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in MANAGERS
        ):
            model = _model_name(node.args[0], aliases)
            if model in PERSONAL_MODELS:
                found.append((node.lineno, model, f"getattr({model}, {node.args[1].value!r})"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    model = arg.value.rsplit(".", 1)[-1]
                    model = next((m for m in PERSONAL_MODELS if m.lower() == model.lower()), None)
                    if model:
                        found.append((node.lineno, model, f"get_model({arg.value!r})"))
    return sorted(found)


def check(root: Path = ROOT) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for path in target_files(root):
        rel = path.relative_to(root).as_posix()
        for line, model, what in violations_in(path, path.read_text(encoding="utf-8")):
            key = f"{rel}:{model}"
            seen.add(key)
            if key not in ALLOWLIST:
                problems.append(
                    f"{rel}:{line}: {what} — personal data read past the selectors; "
                    f"read it through the app's selector with the caller's scope"
                )
    for key in sorted(set(ALLOWLIST) - seen):
        problems.append(f"{key}: allowlisted but no longer found — delete its ALLOWLIST line")
    return problems
