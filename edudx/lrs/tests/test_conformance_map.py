"""docs/lrs-conformance.md stays true: every requirement id of the ADL conformance suite
appears exactly once per xAPI version, and every test it points to exists."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "lrs-conformance.md"
ROW = re.compile(r"^\| (XAPI-\d{5}) \| (.+?) \| (.+) \|$")
REF = re.compile(r"`([\w/.]+\.py)::(\w+)(?:\[([^\]]+)\])?`")
EXPECTED = {
    "1.0.3": {f"XAPI-{i:05d}" for i in range(1, 337)},
    "2.0": {f"XAPI-{i:05d}" for i in range(1, 336)},  # the 2.0 suite drops XAPI-00336
}


def _sections() -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## xAPI "):
            current = line.split()[2]
            out[current] = []
        elif current and (m := ROW.match(line)):
            out[current].append(m.groups())
    return out


@cache
def _tests_in(path: str) -> tuple[set[str], str]:
    src = (ROOT / path).read_text(encoding="utf-8")
    names = {
        n.name
        for n in ast.walk(ast.parse(src))
        if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    }
    return names, src


def test_each_requirement_appears_once_per_version():
    sections = _sections()
    assert set(sections) == set(EXPECTED)
    for version, rows in sections.items():
        ids = [r[0] for r in rows]
        assert len(ids) == len(set(ids)), f"{version}: an id is listed twice"
        assert set(ids) == EXPECTED[version], f"{version}: {sorted(set(ids) ^ EXPECTED[version])}"


def test_every_row_names_a_test_or_a_reason():
    for version, rows in _sections().items():
        for rid, summary, cell in rows:
            assert summary.strip(), (version, rid)
            assert cell.startswith("n/a — ") or REF.search(cell), (version, rid, cell)


def test_every_referenced_test_exists():
    refs = REF.findall(DOC.read_text(encoding="utf-8"))
    assert len(refs) > 300
    for path, name, case in refs:
        assert (ROOT / path).is_file(), path
        names, src = _tests_in(path)
        assert name in names, (path, name)
        if case:
            assert f'"{case}"' in src, (path, name, case)


def test_a_case_reference_belongs_to_its_row():
    for rows in _sections().values():
        for rid, _summary, cell in rows:
            for _path, _name, case in REF.findall(cell):
                assert not case or case.startswith(rid), (rid, case)


def test_conformance_tests_run_for_both_versions():
    """Every conformance test takes the `x` fixture (parametrised over 1.0.3 and 2.0.0) or
    the About resource's anonymous client."""
    for path in sorted((ROOT / "edudx/lrs/tests/conformance").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                args = {a.arg for a in node.args.args}
                assert args & {"x", "client"}, (path.name, node.name)
