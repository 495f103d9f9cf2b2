"""The home page's counts per school, maintained (edudx/core/aggregates.py): home sums the
schools of the caller's scope instead of counting 2.5 M pupils per view."""

from __future__ import annotations

from edudx.core import aggregates
from edudx.registry import selectors as registry

HOME = "web.home"

aggregates.register(HOME, registry.figures_per_school)
