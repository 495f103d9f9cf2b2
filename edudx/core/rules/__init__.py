"""Rules that need no database: pure functions, unit-tested, reused by services and ingest.

Each check returns `Issue`s rather than raising, so an importer can report every problem of
a row at once; services turn errors into ValidationFailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    message: Any  # lazily translated text
    field: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR
