"""Gate: no module under edudx/ grows past 400 lines unless it is listed here with a reason.

The conventions turn a file into a package when it passes ~400 lines, split by subject
(../shared/docs/conventions.md, "Layout"). Migrations, tests and locale files are not counted.
A listed module that has come back under the limit (or is gone) must leave the list.

Run: .venv/bin/python scripts/checks/run.py module_size
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400

# Modules over the limit today -> why, and what splitting them waits for.
ALLOWLIST: dict[str, str] = {}


def counted(root: Path) -> dict[str, int]:
    """Line count of each counted module under edudx/, by path relative to root."""
    sizes: dict[str, int] = {}
    for path in sorted((root / "edudx").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        parts = set(path.relative_to(root).parts)
        if parts & {"migrations", "tests", "locale"}:
            continue
        with path.open("rb") as f:
            sizes[rel] = sum(1 for _ in f)
    return sizes


def check(root: Path = ROOT) -> list[str]:
    sizes = counted(root)
    problems = [
        f"{rel}: {n} lines (limit {LIMIT}) — split it by subject into a package, "
        f"or add it to ALLOWLIST in scripts/checks/module_size.py with the reason"
        for rel, n in sizes.items()
        if n > LIMIT and rel not in ALLOWLIST
    ]
    problems += [
        f"{rel}: allowlisted but now {sizes[rel]} lines — delete its ALLOWLIST line"
        if rel in sizes
        else f"{rel}: allowlisted but gone — delete its ALLOWLIST line"
        for rel in ALLOWLIST
        if sizes.get(rel, 0) <= LIMIT
    ]
    return problems
