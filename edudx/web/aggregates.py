"""The home page's counts per school, maintained (edudx/core/aggregates.py): home sums the
schools of the caller's scope instead of counting 2.5 M pupils per view."""

from __future__ import annotations

from edudx.core import aggregates
from edudx.registry import selectors as registry

HOME = "web.home"

# Every table whose rows count on home, by the school they belong to: a change anywhere (a
# service, an import, another app) recounts that school only, within the minute.
aggregates.register(
    HOME,
    registry.figures_per_school,
    sources=[
        aggregates.Source("registry_school", "{row}.id"),
        aggregates.Source("registry_student", "{row}.school_id"),
        aggregates.Source("registry_staff", "{row}.school_id"),
        aggregates.Source("registry_schoolclass", "{row}.school_id"),
        aggregates.Source("registry_enrolment", "{row}.school_id"),
    ],
)
