"""Demo data for identity verification: the simulator's citizen file, derived from the demo
city with a few percent of realistic disagreements, and recorded verification results.

At the "small" scale every pupil is checked; at the "city" scale the citizen file still
covers everyone, but only a sample of pupils is checked so the demo stays quick.
"""

from __future__ import annotations

import os
from pathlib import Path

from edudx.core.demo import DemoContext
from edudx.core.scope import Scope

from . import connectors
from .simulator import data as simdata
from .simulator.process import SimulatorProcess

ORDER = 20
CITY_SAMPLE = 5000


def _people(scope: Scope):
    from .models import PersonKind
    from .services import people_queryset

    for kind in (PersonKind.STUDENT, PersonKind.STAFF):
        qs = (
            people_queryset(scope=scope, kind=kind)
            .order_by()
            .values_list("personal_id", "full_name", "date_of_birth", "gender")
        )
        yield from qs.iterator(chunk_size=5000)


def write_citizens(path: str | os.PathLike[str], *, seed: int = 2025) -> int:
    """Write the simulator's data file from everyone in the database."""
    return simdata.write(path, simdata.citizens_from_people(_people(Scope.system()), seed=seed))


def build(ctx: DemoContext) -> None:
    from .models import PersonKind
    from .services import _verify_people, people_queryset

    path = connectors.simulator_data_path()
    n = write_citizens(path, seed=ctx.seed)
    ctx.log(f"identity: {n} citizens in the registry simulator's data file")
    scope = ctx.actor.scope
    limit = None if ctx.scale == "small" else CITY_SAMPLE
    log_path = Path(path).with_name("simulator.log")
    with (
        open(log_path, "ab") as log,
        SimulatorProcess(data=path, key=connectors.registry_key(), log=log, extra=["--rate", "0"]) as sim,
    ):
        conn = connectors.get_connector(base_url=sim.url, rate=1000.0, cache_ttl=0)
        try:
            for kind in (PersonKind.STUDENT, PersonKind.STAFF):
                qs = people_queryset(scope=scope, kind=kind).select_related("school__unit").order_by("pk")
                if limit is not None:
                    qs = qs[:limit]
                people = list(qs)
                for start in range(0, len(people), 2000):
                    part = _verify_people(actor=ctx.actor, kind=kind, people=people[start : start + 2000],
                                          connector=conn)  # fmt: skip
                    ctx.log(
                        f"identity: {kind} {start + part.checked + part.skipped}/{len(people)} {part.counts}"
                    )
        finally:
            conn.close()
