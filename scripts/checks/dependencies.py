"""Gate: pyproject.toml declares what the code imports, and nothing it does not use.

Compares the top-level modules imported under edudx/, config/, bench/, tests/, scripts/ (and
conftest.py) with the distributions declared in [project].dependencies and
[dependency-groups].dev, through the installed distributions' top-level names
(importlib.metadata.packages_distributions()). It fails on:

  - an import whose distribution is not declared (it arrives through another package today
    and can leave with it: declare it);
  - runtime code (edudx/, config/ outside tests and the test kit) importing a dev-only one;
  - a declared distribution that no code imports or names, unless NOT_IMPORTED says how it is
    used (a command, a pytest or mypy plugin, a backend Django loads by name).

Findings the lead has still to apply to pyproject.toml are listed in PENDING; a PENDING line that
no longer matches a finding fails too, so the list empties as pyproject.toml is fixed.

Run: .venv/bin/python scripts/checks/run.py dependencies
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["edudx", "config", "bench", "tests", "scripts", "conftest.py"]
FIRST_PARTY = {"edudx", "config", "bench", "tests", "scripts", "conftest"}

# Declared distributions used without an import statement, and how.
NOT_IMPORTED = {
    "gunicorn": "the production server (./run, docs)",
    "psycopg": "Django's PostgreSQL backend loads it (DATABASE_URL=postgresql://…)",
    "argon2-cffi": "Argon2PasswordHasher loads it (PASSWORD_HASHERS)",
    "ruff": "command in ./test",
    "mypy": "command in ./test",
    "django-stubs": "mypy plugin ([tool.mypy] plugins)",
    "import-linter": "command in ./test (lint-imports)",
    "pytest-django": "pytest plugin (DJANGO_SETTINGS_MODULE in [tool.pytest.ini_options])",
    "pytest-xdist": "pytest plugin (-n in ./test)",
    "pytest-playwright": "pytest plugin (the page fixture of tests/browser)",
}

# Imported but deliberately not declared: module -> why.
NOT_DECLARED = {
    "xlwt": "edudx/ingest/tests/fixtures/make_fixtures.py, run by hand with uv --with (its docstring)",
    "odf": "edudx/ingest/tests/fixtures/make_fixtures.py, run by hand with uv --with (its docstring)",
}

# Findings waiting for the lead's pyproject.toml edit (issue #19): "kind:distribution" -> the edit.
PENDING: dict[str, str] = {
    # Declared ahead of the apps that import them (one lock change for helpers working in parallel);
    # the line fails the check as soon as the import lands, and is then deleted.
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(req: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
    assert m, req
    return normalise(m.group(1))


def with_extras(reqs: list[str]) -> set[str]:
    """Distribution names of `reqs`, plus what their requested extras bring (`pyjwt[crypto]`
    asks for cryptography by name: importing it is declared)."""
    names: set[str] = set()
    for req in reqs:
        name = requirement_name(req)
        names.add(name)
        extras = set(re.findall(r"\[([^\]]*)\]", req)[0].replace(" ", "").split(",")) if "[" in req else set()
        for sub in (md.requires(name) if extras else None) or []:
            m = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", sub)
            if m and m.group(1) in extras:
                names.add(requirement_name(sub))
    return names


def requirements(root: Path, group: str = "") -> list[str]:
    """Requirement strings of [project].dependencies (group "runtime"), the dev group, or both."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = list(data["project"]["dependencies"])
    # {include-group = …} tables name no distribution
    dev = [r for r in data.get("dependency-groups", {}).get("dev", []) if isinstance(r, str)]
    return {"runtime": runtime, "dev": dev}.get(group, runtime + dev)


def declared(root: Path) -> tuple[set[str], set[str]]:
    """(runtime, dev) distribution names from pyproject.toml, with what requested extras bring."""
    return with_extras(requirements(root, "runtime")), with_extras(requirements(root, "dev"))


def files(root: Path) -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        p = root / name
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(f for f in sorted(p.rglob("*.py")) if "migrations" not in f.parts)
    return out


def is_runtime(rel: Path) -> bool:
    parts = rel.parts
    if parts[0] not in {"edudx", "config"} or "tests" in parts:
        return False
    return parts[:3] != ("edudx", "core", "testing")


def scan(source: str) -> tuple[set[str], set[str]]:
    """(top-level modules imported, first components of dotted names in string constants)."""
    tree = ast.parse(source)
    imported: set[str] = set()
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"[A-Za-z_]\w*(\.\w+)+", node.value)  # "axes.middleware.AxesMiddleware"
        ):
            named.add(node.value.split(".")[0])
    return imported, named


def check(root: Path = ROOT) -> list[str]:
    runtime, dev = declared(root)
    dists_of = {mod: {normalise(d) for d in ds} for mod, ds in md.packages_distributions().items()}
    stdlib = set(sys.stdlib_module_names)
    findings: dict[str, str] = {}
    used: set[str] = set()
    for path in files(root):
        rel = path.relative_to(root)
        imported, named = scan(path.read_text(encoding="utf-8"))
        for mod in sorted(named):
            used.update(dists_of.get(mod, set()))
        for mod in sorted(imported):
            if mod in stdlib or mod in FIRST_PARTY or mod in NOT_DECLARED or mod.startswith("_"):
                continue
            if (path.parent / f"{mod}.py").exists() or (path.parent / mod).is_dir():
                continue  # a sibling module of a script (bench/*.py import each other)
            dists = dists_of.get(mod)
            if not dists:
                findings.setdefault(
                    f"unknown:{mod}", f"{rel}: imports {mod}, which no installed distribution provides"
                )
                continue
            used.update(dists)
            if not dists & (runtime | dev):
                dist = sorted(dists)[0]
                group = "[project].dependencies" if is_runtime(rel) else "[dependency-groups].dev"
                findings.setdefault(
                    f"undeclared:{dist}",
                    f"{rel}: imports {mod} from {dist}, not declared — add it to {group}",
                )
            elif is_runtime(rel) and not dists & runtime:
                dist = sorted(dists)[0]
                findings.setdefault(
                    f"dev-only:{dist}",
                    f"{rel}: runtime code imports {mod} from {dist}, declared only for dev — "
                    f"move it to [project].dependencies",
                )
    direct = {requirement_name(r) for r in requirements(root)}  # extras' packages are not ours to drop
    for dist in sorted(direct - used - set(NOT_IMPORTED)):
        where = "[project].dependencies" if dist in runtime else "[dependency-groups].dev"
        findings[f"unused:{dist}"] = (
            f"{dist}: declared in {where} but nothing imports or names it — remove it, "
            f"or say how it is used in NOT_IMPORTED (scripts/checks/dependencies.py)"
        )
    problems = [msg for key, msg in sorted(findings.items()) if key not in PENDING]
    problems += [
        f"PENDING {key!r} no longer found — delete its line in scripts/checks/dependencies.py"
        for key in sorted(set(PENDING) - set(findings))
    ]
    return problems
