"""Gate: every setting read with a fallback is declared in config/settings/base.py.

`getattr(settings, "X", default)` hides a setting from the one place that lists them all
(../shared/docs/conventions.md, "Settings": everything declared in base, environments change
values only). This check parses edudx/ and config/ and fails on a setting name read that way —
directly, or through a helper such as `def limit(name, default): return getattr(settings, name,
default)` called with a constant — that base.py does not assign. Declare it in base.py with the
same default, from the environment (`env.int("EDUDX_…", default=…)`) when operators may tune it.

Run: .venv/bin/python scripts/checks/run.py settings_declared
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE = "config/settings/base.py"


def declared(root: Path) -> set[str]:
    """Upper-case names that base.py assigns at module level."""
    tree = ast.parse((root / BASE).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            for n in ast.walk(target):
                if isinstance(n, ast.Name) and n.id.isupper():
                    names.add(n.id)
    return names


def _is_settings_getattr(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "settings"
    )


def reads_in(source: str, filename: str = "<source>") -> list[tuple[int, str, bool]]:
    """(line, setting name, has a default) for each `getattr(settings, …)` read in `source`,
    including calls of helpers in the same module that pass their first parameter to getattr."""
    tree = ast.parse(source, filename=filename)
    helpers: set[str] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.args.args:
            first = fn.args.args[0].arg
            for node in ast.walk(fn):
                if _is_settings_getattr(node):
                    arg = node.args[1]
                    if isinstance(arg, ast.Name) and arg.id == first:
                        helpers.add(fn.name)
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _is_settings_getattr(node):
            arg = node.args[1]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((node.lineno, arg.value, len(node.args) > 2))
        elif (
            isinstance(node.func, ast.Name)
            and node.func.id in helpers
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value.isupper()
        ):
            found.append((node.lineno, node.args[0].value, True))
    return found


def _helpers_across_modules(root: Path, files: list[Path]) -> dict[str, set[str]]:
    """module name -> helper names it defines (for `from .receive import limit` elsewhere)."""
    out: dict[str, set[str]] = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in tree.body:
            if isinstance(fn, ast.FunctionDef) and fn.args.args:
                first = fn.args.args[0].arg
                if any(
                    _is_settings_getattr(n) and isinstance(n.args[1], ast.Name) and n.args[1].id == first
                    for n in ast.walk(fn)
                ):
                    out.setdefault(path.stem, set()).add(fn.name)
    return out


def python_files(root: Path) -> list[Path]:
    files = [*sorted((root / "edudx").rglob("*.py")), *sorted((root / "config").rglob("*.py"))]
    return [f for f in files if not {"tests", "migrations"} & set(f.relative_to(root).parts)]


def check(root: Path = ROOT) -> list[str]:
    names = declared(root)
    files = python_files(root)
    helpers = _helpers_across_modules(root, files)
    problems: list[str] = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        if rel == BASE:
            continue
        source = path.read_text(encoding="utf-8")
        # Helpers imported from another module (`from .receive import limit`) count as well.
        imported: set[str] = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                defined = helpers.get(node.module.rsplit(".", 1)[-1], set())
                imported.update(a.asname or a.name for a in node.names if a.name in defined)
        if imported:
            prelude = "".join(
                f"def {h}(name, default):\n    return getattr(settings, name, default)\n" for h in imported
            )
            reads = [(line - 2 * len(imported), name, d) for line, name, d in reads_in(prelude + source, rel)]
        else:
            reads = reads_in(source, rel)
        for line, name, has_default in reads:
            if has_default and name not in names:
                problems.append(
                    f"{rel}:{line}: setting {name} is read with a default but not declared in {BASE} — "
                    f"declare it there with the same default (from the environment if operators tune it)"
                )
    return problems
