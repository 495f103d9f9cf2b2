"""Auto-grading of one answer, and the answer keys each question kind stores in `Question.data`.

    single      {"options": [str, …], "correct": [i]}            answer: option index
    multiple    {"options": [str, …], "correct": [i, j, …]}       answer: list of indices
    true_false  {"correct": bool}                                 answer: "true"/"false" or bool
    short       {"answers": [str, …], "fold": bool}               answer: text (fold: no accents, case)
    numeric     {"value": float, "tolerance": float}              answer: number (comma or point)
    matching    {"pairs": [[left, right], …]}                     answer: {left: right}
    ordering    {"items": [str, … in the right order]}            answer: list of items
    fill        {"blanks": [[accepted, …], …], "fold": bool}      answer: list of texts, one per blank
    essay       {}                                                answer: text, graded by the teacher

`grade` returns the fraction earned (0..1), or None when a person must grade it. Any malformed
answer earns 0: it never raises on what a learner sent.
"""

from __future__ import annotations

import math
from typing import Any

from edudx.core.text import fold, tidy_spaces

MANUAL = frozenset({"essay"})


def _norm(text: Any, folded: bool) -> str:
    value = tidy_spaces(str(text or ""))
    return fold(value) if folded else value.casefold()


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if value in (None, ""):
        return []
    return [value]


def _single(data: dict[str, Any], answer: Any) -> float:
    return 1.0 if _int(answer) in set(data.get("correct", [])) else 0.0


def _multiple(data: dict[str, Any], answer: Any) -> float:
    right = set(data.get("correct", []))
    if not right:
        return 0.0
    picked = {i for i in (_int(a) for a in _as_list(answer)) if i is not None}
    return max(0.0, (len(picked & right) - len(picked - right)) / len(right))


def _true_false(data: dict[str, Any], answer: Any) -> float:
    text = str(answer).strip().lower()
    if text not in ("true", "false"):
        return 0.0
    return 1.0 if (text == "true") == bool(data.get("correct")) else 0.0


def _short(data: dict[str, Any], answer: Any) -> float:
    folded = bool(data.get("fold", True))
    given = _norm(answer, folded)
    return 1.0 if given and given in {_norm(a, folded) for a in data.get("answers", [])} else 0.0


def _numeric(data: dict[str, Any], answer: Any) -> float:
    given, value = _number(answer), _number(data.get("value"))
    if given is None or value is None:
        return 0.0
    return 1.0 if abs(given - value) <= abs(_number(data.get("tolerance", 0)) or 0.0) else 0.0


def _matching(data: dict[str, Any], answer: Any) -> float:
    pairs = data.get("pairs", [])
    if not pairs or not isinstance(answer, dict):
        return 0.0
    return sum(1 for left, right in pairs if str(answer.get(left, "")) == right) / len(pairs)


def _ordering(data: dict[str, Any], answer: Any) -> float:
    items = data.get("items", [])
    given = [str(a) for a in _as_list(answer)]
    if not items:
        return 0.0
    return sum(1 for i, item in enumerate(items) if i < len(given) and given[i] == item) / len(items)


def _fill(data: dict[str, Any], answer: Any) -> float:
    blanks = data.get("blanks", [])
    folded = bool(data.get("fold", True))
    given = _as_list(answer)
    if not blanks:
        return 0.0
    hits = 0
    for i, accepted in enumerate(blanks):
        if i < len(given) and _norm(given[i], folded) in {_norm(a, folded) for a in accepted}:
            hits += 1
    return hits / len(blanks)


GRADERS = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "short": _short,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "fill": _fill,
}


def grade(kind: str, data: dict[str, Any], answer: Any) -> float | None:
    if kind in MANUAL:
        return None
    grader = GRADERS.get(kind)
    return grader(data, answer) if grader else 0.0


def check_key(kind: str, data: dict[str, Any]) -> str | None:
    """What is wrong with an answer key, or None. Keeps a bank free of unanswerable items."""
    options = data.get("options", [])
    if kind in ("single", "multiple"):
        correct = data.get("correct", [])
        if (
            len(options) < 2
            or not correct
            or any(not isinstance(i, int) or not 0 <= i < len(options) for i in correct)
        ):
            return "options"
        if kind == "single" and len(correct) != 1:
            return "options"
    elif kind == "true_false" and not isinstance(data.get("correct"), bool):
        return "correct"
    elif kind == "short" and not [a for a in data.get("answers", []) if str(a).strip()]:
        return "answers"
    elif kind == "numeric" and (
        _number(data.get("value")) is None or _number(data.get("tolerance", 0)) is None
    ):
        return "value"
    elif kind == "matching" and len(data.get("pairs", [])) < 2:
        return "pairs"
    elif kind == "ordering" and len(data.get("items", [])) < 2:
        return "items"
    elif kind == "fill" and not data.get("blanks"):
        return "blanks"
    return None


def item_statistics(rows: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """Difficulty (mean fraction earned, the p-value) and discrimination (point-biserial
    correlation of the item's fraction with the attempt's total) from (item, total) pairs."""
    n = len(rows)
    if n == 0:
        return None, None
    items = [r[0] for r in rows]
    totals = [r[1] for r in rows]
    p = sum(items) / n
    if n < 2:
        return p, None
    mi, mt = p, sum(totals) / n
    cov = sum((a - mi) * (b - mt) for a, b in rows)
    vi = sum((a - mi) ** 2 for a in items)
    vt = sum((b - mt) ** 2 for b in totals)
    if vi == 0 or vt == 0:
        return p, None
    return p, cov / math.sqrt(vi * vt)
