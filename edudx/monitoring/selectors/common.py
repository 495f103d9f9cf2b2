"""What the monitoring reads share."""

from __future__ import annotations

from ..models import Assessment

PATH = "unit_path"
STATUSES = [s for s, _l in Assessment.Status.choices]
LEVELS = [0, 1, 2, 3]
