"""The registry of automatic indicators.

Any module contributes an indicator in its own `indicators.py` with `@indicator(...)`; the
monitoring module shows each one beside the criterion it evidences, and analytics computes
them. An indicator computes values for a set of schools (by id) from platform data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

ComputeFn = Callable[[Iterable[int]], dict[int, Any]]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any  # translatable
    module: str
    unit: str  # "percent", "count", "ratio", "points", "boolean", …
    formula: Any  # human-readable formula (translatable)
    freshness: Any  # where the data comes from and how fresh it is
    compute: ComputeFn = field(compare=False, repr=False)
    criteria: tuple[str, ...] = ()  # framework criterion codes it evidences, e.g. ("4725:I.4",)


_REGISTRY: dict[str, Indicator] = {}


def indicator(
    *, code: str, name: Any, unit: str, formula: Any, freshness: Any, criteria: tuple[str, ...] = ()
) -> Callable[[ComputeFn], ComputeFn]:
    def wrap(fn: ComputeFn) -> ComputeFn:
        module = fn.__module__.split(".")[1] if fn.__module__.startswith("edudx.") else fn.__module__
        if code in _REGISTRY and _REGISTRY[code].compute is not fn:
            raise ValueError(f"indicator {code!r} registered twice")
        _REGISTRY[code] = Indicator(code, name, module, unit, formula, freshness, fn, tuple(criteria))
        return fn

    return wrap


def all_indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: i.code)


def get(code: str) -> Indicator:
    return _REGISTRY[code]


def for_criterion(criterion_code: str) -> list[Indicator]:
    return [i for i in all_indicators() if criterion_code in i.criteria]
