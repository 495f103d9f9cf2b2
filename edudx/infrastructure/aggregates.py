"""Readiness inputs per school, maintained (edudx/core/aggregates.py): the dashboard reads them
instead of counting 2.5 M pupils and every device of the city per view. Indicators are computed
from the stored inputs at read time (milliseconds), so a threshold change shows at once; the two
thresholds the inputs are counted with (a device's age, the first grade with Informatics) make
`services.threshold_set` queue a recount of every school (`aggregates.recount`), and so does a
readiness policy published to take effect today or earlier (a later one is counted by the daily
full count of its first day)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils import timezone

from edudx.core import aggregates
from edudx.core.scope import Scope
from edudx.policies import services as policies
from edudx.registry import selectors as registry

READINESS = "infrastructure.readiness"


def compute_inputs(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    from . import selectors, thresholds

    ids = keys if keys is not None else list(registry.school_ids_in_scope(scope=Scope.system()))
    inputs = selectors.compute_inputs(ids, today=timezone.localdate(), t=thresholds.current())
    return {sid: dataclasses.asdict(x) for sid, x in inputs.items()}


# The tables counted, by school: a change made past the services (an import, another app's
# pupils and classes) recounts that school within the minute (edudx/core/aggregates.py).
aggregates.register(
    READINESS,
    compute_inputs,
    sources=[
        aggregates.Source(table, "{row}.school_id")
        for table in (
            "infrastructure_device",
            "infrastructure_room",
            "infrastructure_connection",
            "infrastructure_inventoryprofile",
            "registry_student",
            "registry_schoolclass",
        )
    ],
)


def _policy_published(sender: Any, *, code: str, effective_from: Any, **kwargs: Any) -> None:
    from edudx.policies import selectors as policy_selectors

    if code == policy_selectors.READINESS and effective_from <= timezone.localdate():
        aggregates.recount(READINESS)


policies.published.connect(_policy_published, dispatch_uid="infrastructure.readiness.policy")
