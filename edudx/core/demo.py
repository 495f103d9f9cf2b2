"""The contract for demo data. `edudx demo` builds the registry city first, then calls every
other app's `demo.py` in ascending `ORDER`:

    ORDER = 50
    def build(ctx: DemoContext) -> None: ...

A step reads what it needs through selectors with `ctx.actor.scope` (system scope) and writes
through its own services (or bulk writes for city scale). It must be deterministic: use
`ctx.rng`, never `random` directly, and `ctx.today` instead of the clock.

`ctx.today` is the day of the load (`django.utils.timezone.localdate()`, so tests move it with
time-machine): every step places its dates around it — the current school year is the one
containing today, deadlines ahead, history in the past — so the demo is alive on any day.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .actor import Actor, Via


@dataclass
class DemoContext:
    scale: str  # "small" (default, ~30 schools) or "city" (3,500 schools, 2.5 M students)
    seed: int = 2025
    today: dt.date = field(default_factory=timezone.localdate)
    actor: Actor = field(default_factory=lambda: Actor.system(via=Via.CLI, source="demo"))
    rng: random.Random = field(init=False)
    started: float = field(default_factory=time.monotonic)
    out: Any = None  # a stream to log progress to
    data: dict[str, Any] = field(default_factory=dict)  # what earlier steps left for later ones

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def log(self, message: str) -> None:
        if self.out is not None:
            self.out.write(f"[{time.monotonic() - self.started:6.1f}s] {message}\n")
            self.out.flush()
