"""Run convention gates by name: `python scripts/checks/run.py personal_data module_size …`.

Each gate is a module beside this file with `check() -> list[str]` (the problems, each saying
what to do); this prints every problem of every gate named and exits 1 if there was any.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(name: str) -> list[str]:
    path = HERE / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"edudx_check_{name}", path)
    if not path.is_file() or spec is None or spec.loader is None:
        return [f"no gate named {name!r} in {HERE}"]
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check()


def main(names: list[str]) -> int:
    failed = False
    for name in names:
        problems = run(name)
        for p in problems:
            print(p, file=sys.stderr)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
