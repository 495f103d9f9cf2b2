"""Every other app's demo step: `edudx/<app>/demo.py` with `ORDER` and `build(ctx)`."""

from __future__ import annotations

import time
import traceback
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps
from django.db import transaction

from edudx.core.demo import DemoContext

DEFAULT_ORDER = 100


def discover() -> list[tuple[int, str, ModuleType]]:
    """(ORDER, app label, module) for each installed edudx app but the registry, sorted."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("edudx.") or config.label == "registry":
            continue
        name = f"{config.name}.demo"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        if callable(getattr(module, "build", None)):
            found.append((int(getattr(module, "ORDER", DEFAULT_ORDER)), config.label, module))
    return sorted(found, key=lambda item: (item[0], item[1]))


def run_all(ctx: DemoContext, *, strict: bool = False) -> list[tuple[str, str, float]]:
    """Run each step in its own transaction. A failing step is rolled back and reported; the
    others still run (a half-built module must not stop the platform from starting) unless
    `strict`."""
    results = []
    steps = discover()
    for order, label, module in steps:
        ctx.log(f"demo step {label} (ORDER {order}) …")
        started = time.monotonic()
        try:
            with transaction.atomic():
                module.build(ctx)
        except Exception as exc:
            seconds = time.monotonic() - started
            results.append((label, f"failed: {type(exc).__name__}: {exc}", seconds))
            ctx.log(f"demo step {label} FAILED after {seconds:.1f}s and was rolled back: {exc}")
            if ctx.out is not None:
                ctx.out.write(traceback.format_exc())
            if strict:
                raise
            continue
        seconds = time.monotonic() - started
        results.append((label, "ok", seconds))
        ctx.log(f"demo step {label} done in {seconds:.1f}s")
    return results
